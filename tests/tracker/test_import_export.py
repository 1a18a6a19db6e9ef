"""Import and export of scenarios and follow-ups (tracker/resources.py): through
tracker.services with history, links by natural key, all or nothing, exports that read back
unchanged."""

import pytest
import tablib
from import_export.formats.base_formats import CSV, JSON, XLSX

from claims.resources import row_outcomes
from tests.factories import ActorFactory, ClaimFactory, SourceFactory, UserFactory
from tests.tracker.factories import FollowUpFactory, ScenarioFactory
from tracker.models import FollowUp, Scenario
from tracker.resources import FollowUpResource, ScenarioResource

pytestmark = pytest.mark.django_db


def _import(resource, dataset, **kwargs):
    return resource.import_data(dataset, file_name="desk.xlsx", **kwargs)


def test_scenarios_import_with_links_through_the_service_and_history():
    russia = ActorFactory(name="Russia")
    source = SourceFactory()
    claims = [ClaimFactory(), ClaimFactory()]
    dataset = tablib.Dataset(
        (
            "Ceasefire option 2",
            "ceasefire_option",
            "russia",
            "2025-06-02",
            source.url,
            f"{claims[0].pk}\n{claims[1].pk}",
        ),
        headers=["title", "kind", "proposed_by", "proposed_on", "sources", "claims"],
    )

    result = _import(ScenarioResource(), dataset, user=UserFactory(username="ana"))
    again = _import(ScenarioResource(), dataset)

    scenario = Scenario.objects.get()
    assert scenario.proposed_by == russia
    assert set(scenario.claims.all()) == set(claims)
    assert list(scenario.sources.all()) == [source]
    reasons = set(scenario.history.values_list("history_change_reason", flat=True))
    assert reasons == {"imported from desk.xlsx by ana"}
    assert [o.status for o in row_outcomes(result)] == ["new"]
    assert [o.status for o in row_outcomes(again)] == ["unchanged"]


def test_a_follow_up_naming_an_unknown_claim_imports_nothing_and_says_where():
    ActorFactory(name="Russia")
    claim = ClaimFactory()
    dataset = tablib.Dataset(
        ("Return of 10 children", str(claim.pk), "Russia"),
        ("Exchange of prisoners", "99999", "Russia"),
        headers=["title", "claims", "responsible"],
    )

    result = _import(FollowUpResource(), dataset)

    assert not FollowUp.objects.exists()
    assert [o.line() for o in row_outcomes(result) if o.status == "refused"] == [
        "row 2, claims: No claim “99999” is stored."
    ]


@pytest.mark.parametrize("file_format", [CSV, XLSX, JSON], ids=["csv", "xlsx", "json"])
def test_exported_follow_ups_and_scenarios_reimport_unchanged(file_format):
    scenario = ScenarioFactory()
    scenario.sources.set([SourceFactory()])
    scenario.claims.set([ClaimFactory()])
    first = FollowUpFactory(scenario=scenario, target_quantity=12000, quantity_unit="bodies")
    first.claims.set([ClaimFactory()])
    first.responsible.set([ActorFactory(name="Russia"), ActorFactory(name="Ukraine")])
    FollowUpFactory(depends_on=first, offset_days=100, due_at=None)
    fmt = file_format()

    for resource, model in ((ScenarioResource, Scenario), (FollowUpResource, FollowUp)):
        before = list(model.objects.order_by("pk").values())
        exported = fmt.export_data(resource().export(model.objects.all()))
        result = _import(resource(), fmt.create_dataset(exported))

        assert {o.status for o in row_outcomes(result)} == {"unchanged"}, row_outcomes(result)
        assert list(model.objects.order_by("pk").values()) == before
