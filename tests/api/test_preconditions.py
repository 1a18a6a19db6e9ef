"""If-Match and ETags on every resource the API writes, not only claims: sources, scenarios and
follow-ups (its transition too). A stale tag is refused with the claims' 412 body; the service
re-checks under the row lock; `API_REQUIRE_IF_MATCH` makes the header required (428)."""

import datetime as dt

import pytest

from claims.models import Source
from claims.services import StaleVersion, lock_at_version, source_update
from tests.api.conftest import detail
from tests.factories import ClaimFactory, SourceFactory
from tests.tracker.factories import FollowUpFactory, ScenarioFactory, StanceFactory, TermFactory
from tracker.models import FollowUp, Scenario
from tracker.services import detail_delete, detail_save, follow_up_update, scenario_update
from tracker.sweep import sweep_deadlines

# kind in the tag, collection path, factory, a change the API accepts, the field it sets
RESOURCES = {
    "source": ("sources", SourceFactory, {"title": "Renamed"}, "title"),
    "scenario": ("scenarios", ScenarioFactory, {"title": "Renamed"}, "title"),
    "followup": ("follow-ups", FollowUpFactory, {"title": "Renamed"}, "title"),
}


@pytest.fixture(params=list(RESOURCES))
def resource(request, db):
    kind = request.param
    collection, factory, change, field = RESOURCES[kind]
    obj = factory()
    return kind, f"/api/v1/{collection}/{obj.pk}/", obj, change, field


def _tag(kind: str, obj) -> str:
    extra = f"-o{int(obj.is_overdue)}" if kind == "followup" else ""
    return f'W/"{kind}-{obj.pk}-v{obj.version}{extra}"'


def test_detail_answers_its_etag_and_304_while_unchanged(resource, as_user, editor):
    kind, path, obj, _, _ = resource
    client = as_user(editor)
    response = client.get(path)
    assert response.status_code == 200
    assert response["ETag"] == _tag(kind, obj)
    again = client.get(path, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again["ETag"] == response["ETag"]


def test_patch_with_the_current_tag_applies_and_answers_the_new_tag(resource, as_user, editor):
    kind, path, obj, change, _ = resource
    response = as_user(editor).patch(path, change, format="json", HTTP_IF_MATCH=_tag(kind, obj))
    assert response.status_code == 200, response.json()
    obj.refresh_from_db()
    assert obj.version == 2
    assert response["ETag"] == _tag(kind, obj)


def test_patch_with_a_stale_tag_is_refused_with_412_and_changes_nothing(resource, as_user, editor):
    kind, path, obj, change, field = resource
    stale = _tag(kind, obj)
    assert as_user(editor).patch(path, {field: "First"}, format="json").status_code == 200
    response = as_user(editor).patch(path, change, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    body = response.json()
    assert body["code"] == "stale_version"
    assert (body["current_version"], body["your_version"]) == (2, 1)
    assert "changed since you loaded it" in body["detail"]
    obj.refresh_from_db()
    assert getattr(obj, field) == "First" and obj.version == 2


def test_patch_with_a_tag_of_another_resource_is_refused_with_412(resource, as_user, editor):
    kind, path, obj, change, _ = resource
    other = "claim" if kind != "claim" else "source"
    response = as_user(editor).patch(
        path, change, format="json", HTTP_IF_MATCH=f'W/"{other}-{obj.pk}-v{obj.version}"'
    )
    assert response.status_code == 412
    body = response.json()
    assert body["code"] == "stale_version"
    assert body["current_version"] == obj.version and "your_version" not in body


def test_nonsense_if_match_on_a_follow_up_is_412_not_applied(as_user, editor):
    # The reproduction: this used to answer 200 and apply the change.
    follow_up = FollowUpFactory(title="Before")
    response = as_user(editor).patch(
        f"/api/v1/follow-ups/{follow_up.pk}/",
        {"title": "After"},
        format="json",
        HTTP_IF_MATCH='W/"nonsense"',
    )
    assert response.status_code == 412
    follow_up.refresh_from_db()
    assert follow_up.title == "Before"


def test_follow_up_transition_with_a_stale_tag_is_412(as_user, editor):
    follow_up = FollowUpFactory()
    stale = _tag("followup", follow_up)
    path = f"/api/v1/follow-ups/{follow_up.pk}/"
    client = as_user(editor)
    assert client.patch(path, {"description": "x"}, format="json").status_code == 200
    response = client.post(
        path + "transition/",
        {"to": "met", "met_on": "2025-06-10"},
        format="json",
        HTTP_IF_MATCH=stale,
    )
    assert response.status_code == 412
    assert response.json()["code"] == "stale_version"
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUp.State.OPEN


def test_follow_up_transition_with_the_current_tag_moves_it(as_user, editor):
    follow_up = FollowUpFactory()
    response = as_user(editor).post(
        f"/api/v1/follow-ups/{follow_up.pk}/transition/",
        {"to": "met", "met_on": "2025-06-10"},
        format="json",
        HTTP_IF_MATCH=_tag("followup", follow_up),
    )
    assert response.status_code == 200
    assert response["ETag"] == f'W/"followup-{follow_up.pk}-v2-o0"'  # met: no longer late


def test_a_follow_up_tag_changes_when_its_deadline_passes_without_a_write(as_user, editor):
    follow_up = FollowUpFactory(due_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    response = as_user(editor).get(f"/api/v1/follow-ups/{follow_up.pk}/")
    assert response["ETag"] == f'W/"followup-{follow_up.pk}-v1-o1"'
    assert response.json()["overdue"] is True


def test_if_match_star_matches_any_version(resource, as_user, editor):
    _, path, _, change, _ = resource
    response = as_user(editor).patch(path, change, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == 200


def test_create_answers_the_etag_of_the_new_resource(as_user, editor):
    response = as_user(editor).post(
        "/api/v1/sources/", {"url": "https://news.example.org/new", "title": "New"}, format="json"
    )
    assert response.status_code == 201
    assert response["ETag"] == f'W/"source-{response.json()["id"]}-v1"'


# --- API_REQUIRE_IF_MATCH ----------------------------------------------------------------------


@pytest.fixture
def if_match_required(settings):
    settings.API_REQUIRE_IF_MATCH = True


def test_without_the_setting_if_match_stays_optional(resource, as_user, editor):
    _, path, _, change, _ = resource
    assert as_user(editor).patch(path, change, format="json").status_code == 200


def test_required_if_match_refuses_a_write_without_it_with_428(
    resource, as_user, editor, if_match_required
):
    kind, path, obj, change, _ = resource
    response = as_user(editor).patch(path, change, format="json")
    assert response.status_code == 428
    assert response.json()["code"] == "precondition_required"
    assert "If-Match" in response.json()["detail"]
    obj.refresh_from_db()
    assert obj.version == 1
    with_tag = as_user(editor).patch(path, change, format="json", HTTP_IF_MATCH=_tag(kind, obj))
    assert with_tag.status_code == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("{claim}", {"quantity_unit": "x"}),
        ("{claim}transition/", {"to": "pending_review"}),
        ("{follow_up}transition/", {"to": "met", "met_on": "2025-06-10"}),
    ],
)
def test_required_if_match_covers_claims_and_transitions(
    path, body, as_user, editor, if_match_required
):
    claim, follow_up = ClaimFactory(), FollowUpFactory()
    url = path.format(claim=detail(claim), follow_up=f"/api/v1/follow-ups/{follow_up.pk}/")
    method = "patch" if url.endswith(f"{claim.pk}/") else "post"
    response = getattr(as_user(editor), method)(url, body, format="json")
    assert response.status_code == 428


def test_required_if_match_leaves_creates_alone(as_user, editor, if_match_required):
    response = as_user(editor).post("/api/v1/scenarios/", {"title": "New"}, format="json")
    assert response.status_code == 201


# --- The services: one version check under the row lock ------------------------------------


@pytest.mark.parametrize(
    ("factory", "update", "name"),
    [
        (SourceFactory, source_update, "source"),
        (ScenarioFactory, scenario_update, "scenario"),
        (FollowUpFactory, follow_up_update, "follow_up"),
    ],
)
def test_services_refuse_a_stale_expected_version(db, editor, factory, update, name):
    obj = factory()
    update(**{name: obj}, by=editor, data={"title": "One"}, expected_version=1)
    with pytest.raises(StaleVersion):
        update(**{name: obj}, by=editor, data={"title": "Two"}, expected_version=1)
    obj.refresh_from_db()
    assert (obj.title, obj.version) == ("One", 2)


def test_lock_at_version_takes_a_model_or_a_queryset(db):
    source = SourceFactory()
    assert lock_at_version(Source, source.pk, 1) == source
    with pytest.raises(Source.DoesNotExist):
        lock_at_version(Source.objects.filter(title="not this one"), source.pk)
    with pytest.raises(StaleVersion):
        lock_at_version(Source.objects.all(), source.pk, 7)


def test_terms_and_stances_give_their_scenario_a_new_version(db, editor):
    scenario = ScenarioFactory()
    term = detail_save(obj=TermFactory.build(scenario=scenario), by=editor)
    stance = detail_save(
        obj=StanceFactory.build(scenario=scenario, actor=scenario.proposed_by), by=editor
    )
    detail_delete(obj=term, by=editor)
    detail_delete(obj=stance, by=editor)
    scenario.refresh_from_db()
    assert scenario.version == 5


def test_the_sweep_gives_the_follow_ups_it_flags_a_new_version(db):
    follow_up = FollowUpFactory(due_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    sweep_deadlines(now=dt.datetime(2025, 6, 2, tzinfo=dt.UTC))
    follow_up.refresh_from_db()
    assert (follow_up.state, follow_up.version) == (FollowUp.State.OVERDUE, 2)


def test_scenario_links_changed_through_the_api_are_a_new_version(as_user, editor):
    scenario = ScenarioFactory()
    claim = ClaimFactory()
    response = as_user(editor).patch(
        f"/api/v1/scenarios/{scenario.pk}/", {"claims": [claim.pk]}, format="json"
    )
    assert response.status_code == 200
    assert Scenario.objects.get(pk=scenario.pk).version == 2
