"""What the scenario board shows, read in a fixed number of queries per page: one scenario's terms
by party (each cell the current position and its changes), follow-ups with delivery, linked
claims with their verdicts and the status history; the list of scenarios; a side-by-side
comparison of several scenarios' terms.

`public=True` keeps to what may be published: published claims only, and no names of the staff
who made a change. The reviewers' pages call these with `public=False`; a public page is then a
thin view over the same selectors."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.models import Actor, Claim
from claims.visibility import visible_states

from .models import FollowUp, Progress, Scenario, Stance, Term

WHOLE_SCENARIO = "The scenario as a whole"


@dataclass
class Cell:
    actor: Actor
    # Newest first; the first is the position now (None: nothing on record).
    changes: list[Stance] = field(default_factory=list)

    @property
    def current(self) -> Stance | None:
        return self.changes[0] if self.changes else None

    @property
    def earlier(self) -> list[Stance]:
        return self.changes[1:]


@dataclass
class Row:
    term: Term | None
    cells: list[Cell]

    @property
    def label(self) -> str:
        return self.term.text if self.term else WHOLE_SCENARIO


def _n(value: Decimal) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _one_space(text: str) -> str:
    """A follow-up without a unit leaves two spaces in the sentence: one."""
    return " ".join(text.split())


def delivery_text(follow_up: FollowUp, delivered: Decimal | None) -> str:
    """The delivery in words, in the active language: "3 of 10 children (30%)", and where the
    promise is part of a claimed quantity, "10 of the 400 children claimed (claim #2)"."""
    target, unit = follow_up.target_quantity, follow_up.quantity_unit
    done = delivered or Decimal(0)
    if not target:
        if delivered is None:
            return "–"
        return _one_space(_("%(done)s %(unit)s delivered") % {"done": _n(done), "unit": unit})
    percent = (done * 100 / target).quantize(Decimal("0.1"))
    figures = {"done": _n(done), "target": _n(target), "unit": unit, "percent": _n(percent)}
    text = _one_space(_("%(done)s of %(target)s %(unit)s delivered (%(percent)s%%)") % figures)
    baseline = follow_up.measured_against
    if baseline is not None and baseline.quantity:
        promise = _(
            "; the promise is %(target)s of the %(claimed)s %(unit)s claimed (claim #%(pk)s)"
        )
        text += promise % {
            "target": _n(target),
            "claimed": _n(baseline.quantity),
            "unit": baseline.quantity_unit or unit,
            "pk": baseline.pk,
        }
    return text


@dataclass
class Delivery:
    follow_up: FollowUp
    latest: Progress | None
    percent: Decimal | None
    reports: list[Progress]

    @property
    def bar_width(self) -> int:
        """The bar's length out of 100 (a delivery past the target fills it)."""
        return min(100, int(self.percent or 0))

    @property
    def text(self) -> str:
        return delivery_text(self.follow_up, self.latest and self.latest.quantity_delivered)


@dataclass
class StatusChange:
    status: str
    label: str
    on: dt.date
    by: str
    reason: str


@dataclass
class Board:
    scenario: Scenario
    parties: list[Actor]
    rows: list[Row]
    deliveries: list[Delivery]
    claims: list[Claim]
    status_history: list[StatusChange]


def _claims_prefetch(public: bool) -> Prefetch:
    claims = Claim.objects.select_related("claimant", "topic").order_by("pk")
    if public:
        claims = claims.filter(state__in=visible_states(None))
    return Prefetch("claims", queryset=claims)


def _stances() -> Prefetch:
    return Prefetch(
        "stances",
        queryset=Stance.objects.select_related("actor", "source__publisher").order_by(
            "-as_of", "-pk"
        ),
    )


def _grid(scenario: Scenario, *, as_of: dt.date | None = None) -> tuple[list[Actor], list[Row]]:
    """Parties as columns (the proposer first, then by name), terms as rows after a row for the
    whole scenario; from the prefetched terms and stances (no queries)."""
    stances = [s for s in scenario.stances.all() if as_of is None or s.as_of <= as_of]
    actors = {s.actor_id: s.actor for s in stances}
    if scenario.proposed_by_id and scenario.proposed_by_id not in actors:
        actors[scenario.proposed_by_id] = scenario.proposed_by
    parties = sorted(
        actors.values(), key=lambda a: (a.pk != scenario.proposed_by_id, a.name.lower())
    )
    by_cell: dict[tuple[int | None, int], list[Stance]] = {}
    for stance in stances:  # newest first already
        by_cell.setdefault((stance.term_id, stance.actor_id), []).append(stance)
    rows = [
        Row(term=term, cells=[Cell(a, by_cell.get((term and term.pk, a.pk), [])) for a in parties])
        for term in [None, *scenario.terms.all()]
    ]
    return parties, rows


def _deliveries(scenario: Scenario) -> list[Delivery]:
    rows = []
    for follow_up in scenario.follow_ups.all():
        reports = sorted(follow_up.progress.all(), key=lambda p: (p.as_of, p.pk))
        latest = reports[-1] if reports else None
        rows.append(Delivery(follow_up, latest, follow_up.percent_delivered(latest), reports))
    return rows


def status_history(scenario: Scenario, *, public: bool) -> list[StatusChange]:
    """Each status the scenario reached, oldest first, with the day, who (not when public) and
    why: the history rows where the status changed (one query)."""
    rows = scenario.history.select_related("history_user").order_by("history_date", "history_id")
    changes: list[StatusChange] = []
    for row in rows:
        if changes and changes[-1].status == row.status:
            continue
        user = row.history_user
        changes.append(
            StatusChange(
                status=row.status,
                label=Scenario.Status(row.status).label,
                on=row.status_changed_on or timezone.localdate(row.history_date),
                by="" if public or user is None else user.get_username(),
                reason=row.history_change_reason or "",
            )
        )
    return changes


def _board_queryset(*, public: bool):
    follow_ups = (
        FollowUp.objects.with_overdue()
        .select_related("measured_against")
        .prefetch_related(
            Prefetch("progress", queryset=Progress.objects.select_related("source__publisher"))
        )
        .order_by("due_at", "pk")
    )
    return Scenario.objects.select_related("proposed_by", "superseded_by").prefetch_related(
        "terms",
        _stances(),
        _claims_prefetch(public),
        Prefetch("follow_ups", queryset=follow_ups),
    )


def scenario_board(pk: int, *, public: bool, as_of: dt.date | None = None) -> Board:
    """One scenario's board (Scenario.DoesNotExist if there is none), in seven queries whatever
    its size. `as_of` shows the positions as they stood at the end of that day."""
    scenario = _board_queryset(public=public).get(pk=pk)
    parties, rows = _grid(scenario, as_of=as_of)
    return Board(
        scenario=scenario,
        parties=parties,
        rows=rows,
        deliveries=_deliveries(scenario),
        claims=list(scenario.claims.all()),
        status_history=status_history(scenario, public=public),
    )


def scenario_list(
    *,
    public: bool,
    status: str | None = None,
    alive: bool | None = None,
    actor: int | None = None,
    topic: str | None = None,
) -> list[Scenario]:
    """Scenarios newest first, filtered by status (`"alive"` as a status: the alive ones),
    "alive", an actor (who proposed it or took a position on it) and the topic of a linked claim
    (published claims only when public)."""
    if status == "alive":
        status, alive = None, True
    scenarios = Scenario.objects.select_related("proposed_by").prefetch_related(
        Prefetch(
            "stances",
            queryset=Stance.objects.current().whole_scenario().select_related("actor"),
            to_attr="positions",
        )
    )
    if status:
        scenarios = scenarios.filter(status=status)
    if alive is not None:
        alive_ids = Scenario.objects.alive().values("pk")
        scenarios = (
            scenarios.filter(pk__in=alive_ids) if alive else scenarios.exclude(pk__in=alive_ids)
        )
    if actor:
        scenarios = scenarios.filter(
            Q(proposed_by_id=actor)
            | Q(pk__in=Stance.objects.filter(actor_id=actor).values("scenario_id"))
        )
    if topic:
        linked = Claim.objects.filter(topic__slug=topic)
        if public:
            linked = linked.filter(state__in=visible_states(None))
        scenarios = scenarios.filter(claims__in=linked.values("pk")).distinct()
    return list(scenarios.order_by("-proposed_on", "title", "pk"))


@dataclass
class Compared:
    scenario: Scenario
    parties: list[Actor]
    rows: list[Row]


def comparison(ids: list[int], *, public: bool) -> list[Compared]:
    """The scenarios of `ids`, in that order, each with its terms and every party's current
    position on each (four queries whatever their number)."""
    scenarios = {
        s.pk: s
        for s in Scenario.objects.filter(pk__in=ids)
        .select_related("proposed_by")
        .prefetch_related("terms", _stances())
    }
    compared = []
    for pk in dict.fromkeys(ids):
        if pk in scenarios:
            parties, rows = _grid(scenarios[pk])
            compared.append(Compared(scenarios[pk], parties, rows))
    return compared
