"""The scenario board in the reviewers' area (/review/scenarios/): thin views over the
selectors of tracker/boards.py, called with `public=False`. Reviewers read it, and so do
editors, who move scenarios (the admin links each scenario to its board)."""

from functools import wraps

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from claims.models import Actor, Topic

from . import boards
from .models import Scenario
from .roles import is_reviewer
from .workflows import SCENARIO_PERMISSION


def board_reader_required(view):
    @wraps(view)
    @login_required(login_url="review:login")
    def wrapped(request: HttpRequest, *args, **kwargs):
        user = request.user
        if not (is_reviewer(user) or user.has_perm(SCENARIO_PERMISSION)):
            return render(request, "tracker/not_a_reviewer.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


class ScenarioListFilters(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Any status"), ("alive", "Alive"), *Scenario.Status.choices],
        required=False,
    )
    actor = forms.ModelChoiceField(
        queryset=Actor.objects.filter(kind=Actor.Kind.STATE).order_by("name"),
        required=False,
        empty_label="Any party",
    )
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="Any topic",
    )


class CompareForm(forms.Form):
    s = forms.TypedMultipleChoiceField(coerce=int, required=False, label="Scenarios")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["s"].choices = Scenario.objects.order_by("-proposed_on", "title").values_list(
            "pk", "title"
        )


@require_GET
@board_reader_required
def scenario_list(request: HttpRequest) -> HttpResponse:
    form = ScenarioListFilters(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    actor, topic = filters.get("actor"), filters.get("topic")
    scenarios = boards.scenario_list(
        public=False,
        status=filters.get("status") or None,
        actor=actor.pk if actor else None,
        topic=topic.slug if topic else None,
    )
    context = {"form": form, "scenarios": scenarios, "compare": CompareForm()}
    return render(
        request,
        "tracker/scenarios.html",
        context,
        status=400 if form.errors else 200,
    )


@require_GET
@board_reader_required
def scenario_board(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        board = boards.scenario_board(pk, public=False)
    except Scenario.DoesNotExist:
        raise Http404("No such scenario.") from None
    return render(request, "tracker/scenario.html", {"board": board})


@require_GET
@board_reader_required
def scenario_compare(request: HttpRequest) -> HttpResponse:
    form = CompareForm(request.GET or None)
    ids = form.cleaned_data["s"] if form.is_valid() else []
    context = {
        "form": form,
        "compared": boards.comparison(ids, public=False) if len(ids) >= 2 else [],
    }
    return render(request, "tracker/compare.html", context, status=400 if form.errors else 200)
