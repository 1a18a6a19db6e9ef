"""The public scenario pages (/scenarios/): thin views over tracker/boards.py called with
`public=True`, so they show only what may be published (published claims, no staff names).
Cached like the fact-check pages: public for PUBLIC_PAGES_MAX_AGE, an ETag of the page's bytes."""

from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse
from django.utils.encoding import escape_uri_path
from django.views.decorators.http import require_safe

from tracker import boards
from tracker.models import Scenario

from .addresses import absolute, page_path, scenario_path
from .forms import ScenarioFilter, ScenarioIds
from .views import _public, tagged_page


@require_safe
def scenario_list(request):
    form = ScenarioFilter(request.GET or None)
    valid = form.is_valid() if request.GET else True
    filters = form.cleaned_data if request.GET and valid else {}
    actor, topic = filters.get("actor"), filters.get("topic")
    scenarios = boards.scenario_list(
        public=True,
        status=filters.get("status") or None,
        actor=actor.pk if actor else None,
        topic=topic.slug if topic else None,
    )
    return tagged_page(
        request,
        "publishing/scenario_list.html",
        {
            "form": form,
            "rows": [(s, scenario_path(s)) for s in scenarios],
            "filtered": bool(filters and any(filters.values())),
            "canonical": absolute(reverse("scenarios:list"), request),
            "nav_current": "scenarios",
        },
        status=200 if valid else 400,
    )


@require_safe
def scenario_board(request, pk: str, slug: str):
    try:
        board = boards.scenario_board(int(pk), public=True)
    except Scenario.DoesNotExist:
        raise Http404 from None
    path = scenario_path(board.scenario)
    if escape_uri_path(request.path) != path:
        return _public(request, HttpResponsePermanentRedirect(path))
    superseded_by = board.scenario.superseded_by
    return tagged_page(
        request,
        "publishing/scenario_board.html",
        {
            "board": board,
            "scenario": board.scenario,
            "superseded_by_path": superseded_by and scenario_path(superseded_by),
            "claims": [(claim, page_path(claim)) for claim in board.claims],
            "canonical": absolute(path, request),
            "nav_current": "scenarios",
        },
    )


@require_safe
def scenario_compare(request):
    form = ScenarioIds(request.GET if "ids" in request.GET else None)
    compared = []
    if form.is_bound and form.is_valid():
        ids = form.cleaned_data["ids"]
        compared = boards.comparison(ids, public=True)
        if len(compared) < len(ids):
            raise Http404
    return tagged_page(
        request,
        "publishing/scenario_compare.html",
        {
            "form": form,
            "columns": [(c, scenario_path(c.scenario)) for c in compared],
            "scenarios": [] if compared else boards.scenario_list(public=True),
            "canonical": absolute(reverse("scenarios:compare"), request),
            "nav_current": "scenarios",
        },
        status=400 if form.errors else 200,
    )
