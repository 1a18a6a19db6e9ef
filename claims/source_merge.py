"""Folding sources stored twice under addresses that normalise to one (stored before the normal
form learnt about http/https, trailing slashes, `%2D`, dot segments or a trailing host dot)
into one row, and rewriting stored addresses to the current normal form.

Every row that pointed at a duplicate is re-pointed at the kept source, whatever app it belongs
to: the references are found through Source's reverse relations, so this module names no other
app's models (evidence here; scenarios, stances and follow-ups in tracker). Each change is saved
through the model, so its history says what happened and why. A row that would collide with
one already on the kept source (evidence is unique per claim, source and stance) is deleted
instead, with that reason in its history."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction

from .audit import stamp
from .models import Claim, Evidence, Source
from .source_urls import normalize_url

# Empty on the kept source, filled from a duplicate that has it.
_FILLABLE = ("publisher", "published_at", "archived_url")


@dataclass
class MergeGroup:
    kept: Source
    duplicates: list[Source]
    normal_url: str
    # "<model verbose name plural>" -> (re-pointed, folded into an existing row)
    moved: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    # Claims whose evidence now names another source: their JSON changed.
    claims_touched: set[int] = field(default_factory=set)

    def describe(self) -> str:
        dups = ", ".join(f"#{d.pk} {d.url}" for d in self.duplicates)
        line = f"source #{self.kept.pk} {self.normal_url} <- {dups}"
        if self.moved:
            parts = []
            for name, (repointed, folded) in sorted(self.moved.items()):
                part = f"{name}: {repointed} re-pointed"
                if folded:
                    part += f", {folded} already on the kept source (removed)"
                parts.append(part)
            line += f" ({'; '.join(parts)})"
        return line


@dataclass
class MergeReport:
    groups: list[MergeGroup]
    # (source, the address it was stored under, its normal form), for sources on their own
    # whose stored address is not in the normal form
    renamed: list[tuple[Source, str, str]]

    @property
    def changes(self) -> int:
        return sum(len(g.duplicates) for g in self.groups) + len(self.renamed)


def find_duplicate_sources() -> MergeReport:
    """Which sources share a normal form (the oldest of each group is kept) and which stored
    addresses are not in the normal form. Reads only."""
    by_url: dict[str, list[Source]] = defaultdict(list)
    for source in Source.objects.order_by("pk").iterator():
        by_url[normalize_url(source.url)].append(source)
    groups, renamed = [], []
    for url, sources in by_url.items():
        if len(sources) > 1:
            groups.append(MergeGroup(kept=sources[0], duplicates=sources[1:], normal_url=url))
        elif sources[0].url != url:
            renamed.append((sources[0], sources[0].url, url))
    return MergeReport(groups=groups, renamed=renamed)


@transaction.atomic
def sources_merge_duplicates(*, by: AbstractBaseUser | None = None) -> MergeReport:
    """Merge every group of duplicate sources into its oldest row and store every address in
    the normal form, in one transaction: all of it happens, or (on any error) none of it."""
    # Locked so no one links a duplicate while it is being folded away.
    list(Source.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    report = find_duplicate_sources()
    for group in report.groups:
        _merge(group, by=by)
        # A new version, so clients' cached copies go stale; the claim's substance (which page
        # the evidence is) is unchanged, so it is not sent back to review.
        Claim.objects.filter(pk__in=group.claims_touched).touch()
    for source, _, url in report.renamed:
        source.url = url
        _save(source, by, f"address rewritten to its normal form {url}")
    return report


def _merge(group: MergeGroup, *, by) -> None:
    kept = group.kept
    reason = "merged duplicate source #{dup} into #{kept} (same address after normalisation)"
    for dup in group.duplicates:
        text = reason.format(dup=dup.pk, kept=kept.pk)
        for relation in Source._meta.related_objects:
            if relation.many_to_many:
                _repoint_many(relation, dup, kept, text, group, by)
            else:
                _repoint_foreign_keys(relation, dup, kept, text, group, by)
        for name in _FILLABLE:
            if not getattr(kept, name) and getattr(dup, name):
                setattr(kept, name, getattr(dup, name))
        stamp(dup, by=by, reason=text)
        dup.delete()
    kept.url = group.normal_url
    _save(kept, by, f"kept for {len(group.duplicates)} duplicate(s) of {group.normal_url}")


def _save(obj: models.Model, by, reason: str) -> None:
    stamp(obj, by=by, reason=reason)
    obj.save()


def _unique_partners(model: type[models.Model], field_name: str) -> list[list[str]]:
    """For each unique constraint on `model` that includes `field_name`, its other fields."""
    sets = [
        list(c.fields) for c in model._meta.constraints if isinstance(c, models.UniqueConstraint)
    ]
    sets += [list(fields) for fields in model._meta.unique_together]
    return [[f for f in fields if f != field_name] for fields in sets if field_name in fields]


def _repoint_foreign_keys(relation, dup: Source, kept: Source, reason, group, by) -> None:
    model, name = relation.related_model, relation.field.name
    partners = _unique_partners(model, name)
    label = str(model._meta.verbose_name_plural)
    for row in model._default_manager.filter(**{name: dup}).order_by("pk"):
        collides = any(
            model._default_manager.filter(
                **{name: kept},
                **{f"{f}__exact": getattr(row, model._meta.get_field(f).attname) for f in fields},
            ).exists()
            for fields in partners
        )
        stamp(row, by=by, reason=reason)
        if model is Evidence:
            group.claims_touched.add(row.claim_id)
        if collides:
            stamp(row, by=by, reason=f"{reason}; the kept source already has this row")
            row.delete()
            group.moved[label][1] += 1
        else:
            setattr(row, name, kept)
            row.save()
            group.moved[label][0] += 1


def _repoint_many(relation, dup: Source, kept: Source, reason, group, by) -> None:
    model, name = relation.related_model, relation.field.name
    label = str(model._meta.verbose_name_plural)
    for owner in model._default_manager.filter(**{name: dup}).order_by("pk"):
        stamp(owner, by=by, reason=reason)
        links = getattr(owner, name)
        already = links.filter(pk=kept.pk).exists()
        links.remove(dup)
        if already:
            group.moved[label][1] += 1
        else:
            links.add(kept)
            group.moved[label][0] += 1
