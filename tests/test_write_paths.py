"""The write-path matrix: every role, down every path that writes (admin change form, inlines,
actions, history pages, delete pages; API PATCH/POST/DELETE; the queue's endpoints), against a
published claim. Whatever each attempt answers, the invariants hold:

- while the claim stays published, its statement, claimant, quantity, verdict and evidence are
  what they were, unless a reviewer resolved a review item on it;
- its version never decreases, and grows whenever anything about it changed;
- every state change is in its history with a user and a reason."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.test import APIClient

from claims.models import Claim, Evidence
from claims.workflow import State
from tests.admin_forms import change_form_data
from tests.factories import PublishableClaimFactory, ReviewItemFactory, SourceFactory, UserFactory
from tracker.models import ReviewItem

pytestmark = pytest.mark.django_db

ROLES = ["editor", "reviewer", "lead", "api_client", "no_group", "superuser"]
GROUPS = {
    "editor": ["Editors"],
    "reviewer": ["Reviewers"],
    "lead": ["Reviewers", "Lead reviewers"],
    "api_client": ["API clients"],
    "no_group": [],
    "superuser": [],
}


def _user(role):
    user = UserFactory(username=f"{role}-user", is_superuser=role == "superuser")
    user.groups.add(*Group.objects.filter(name__in=GROUPS[role]))
    return user


def _admin(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _snapshot(claim_id):
    claim = Claim.objects.get(pk=claim_id)
    evidence = sorted(
        Evidence.objects.filter(claim_id=claim_id).values_list(
            "id", "source_id", "stance", "excerpt", "credibility", "note"
        )
    )
    return {
        "substance": (
            claim.statement,
            claim.claimant_id,
            claim.quantity,
            claim.quantity_unit,
            claim.assessment,
            claim.assessment_note,
            tuple(evidence),
        ),
        "state": claim.state,
        "version": claim.version,
        "history": claim.history.count(),
    }


# --- the paths ---------------------------------------------------------------------------------


def _admin_page(client, claim, **changes):
    page = client.get(_admin(Claim, "change", claim.pk))
    if page.status_code != 200:
        return client.post(_admin(Claim, "change", claim.pk), {"statement": "Forged."})
    return client.post(_admin(Claim, "change", claim.pk), change_form_data(page, **changes))


def admin_edit_statement(client, api, claim, item):
    _admin_page(client, claim, statement="Forged statement.", change_reason="edit")


def admin_edit_verdict(client, api, claim, item):
    _admin_page(client, claim, assessment="false", assessment_note="Forged note.")


def admin_inline_delete_evidence(client, api, claim, item):
    _admin_page(client, claim, **{"evidence-0-DELETE": "on"})


def admin_inline_edit_evidence(client, api, claim, item):
    _admin_page(client, claim, **{"evidence-0-excerpt": "Forged excerpt."})


def admin_inline_add_evidence(client, api, claim, item):
    source = SourceFactory()
    page = client.get(_admin(Claim, "change", claim.pk))
    if page.status_code != 200:
        return
    data = change_form_data(page)
    data |= {
        "evidence-TOTAL_FORMS": "2",
        "evidence-1-source": str(source.pk),
        "evidence-1-stance": "refutes",
        "evidence-1-credibility": "2",
        "evidence-1-claim": str(claim.pk),
    }
    client.post(_admin(Claim, "change", claim.pk), data)


def admin_actions(client, api, claim, item):
    for action in ("move_reopen", "move_archive", "move_publish", "move_return", "move_take"):
        client.post(
            _admin(Claim, "changelist"),
            {"action": action, "_selected_action": [claim.pk], "reason": "because"},
        )


def admin_move_buttons(client, api, claim, item):
    for target in State.values:
        client.post(_admin(Claim, "move", claim.pk), {"to": target, "reason": "because"})


def admin_history_revert(client, api, claim, item):
    # The old version's form as the page shows it, with only the verdict changed: a revert that
    # keeps the claim published.
    record = claim.history.earliest()
    url = _admin(Claim, "simple_history", claim.pk, record.history_id)
    page = client.get(url)
    data = change_form_data(page, assessment="false") if page.status_code == 200 else {}
    client.post(url, data or {"statement": "Forged.", "assessment": "false"})


def admin_evidence_pages(client, api, claim, item):
    evidence = claim.evidence.first()
    page = client.get(_admin(Evidence, "change", evidence.pk))
    if page.status_code == 200:
        client.post(
            _admin(Evidence, "change", evidence.pk), change_form_data(page, excerpt="Forged.")
        )
    client.post(_admin(Evidence, "delete", evidence.pk), {"post": "yes"})


def admin_evidence_bulk_delete(client, api, claim, item):
    client.post(
        _admin(Evidence, "changelist"),
        {
            "action": "delete_selected",
            "_selected_action": list(claim.evidence.values_list("pk", flat=True)),
            "post": "yes",
        },
    )


def admin_claim_delete(client, api, claim, item):
    # Only a superuser may; the claim is then gone (checked apart in the invariants).
    client.post(_admin(Claim, "delete", claim.pk), {"post": "yes"})


def admin_review_item_form(client, api, claim, item):
    page = client.get(_admin(ReviewItem, "change", item.pk))
    if page.status_code == 200:
        client.post(
            _admin(ReviewItem, "change", item.pk),
            change_form_data(page, state="resolved", assignee=None),
        )


def api_patch_statement(client, api, claim, item):
    api.patch(f"/api/v1/claims/{claim.pk}/", {"statement": "Forged."}, format="json")


def api_patch_verdict(client, api, claim, item):
    api.patch(
        f"/api/v1/claims/{claim.pk}/",
        {"assessment": "false", "assessment_note": "Forged."},
        format="json",
    )


def api_post_evidence(client, api, claim, item):
    api.post(
        f"/api/v1/claims/{claim.pk}/evidence/",
        {"source": SourceFactory().pk, "stance": "refutes"},
        format="json",
    )


def api_transitions(client, api, claim, item):
    for target in State.values:
        api.post(
            f"/api/v1/claims/{claim.pk}/transition/",
            {"to": target, "reason": "because"},
            format="json",
        )


def api_delete(client, api, claim, item):
    api.delete(f"/api/v1/claims/{claim.pk}/")
    api.delete(f"/api/v1/claims/{claim.pk}/evidence/")


def queue_endpoints(client, api, claim, item):
    base = f"/api/v1/review-queue/{item.pk}/"
    api.post(base + "take/")
    api.post(
        base + "resolve/",
        {"note": "Re-checked.", "assessment": "false", "next_state": "publish"},
        format="json",
    )
    api.post(base + "dismiss/", {"reason": "noise"}, format="json")


PATHS = [
    admin_edit_statement,
    admin_edit_verdict,
    admin_inline_delete_evidence,
    admin_inline_edit_evidence,
    admin_inline_add_evidence,
    admin_actions,
    admin_move_buttons,
    admin_history_revert,
    admin_evidence_pages,
    admin_evidence_bulk_delete,
    admin_claim_delete,
    admin_review_item_form,
    api_patch_statement,
    api_patch_verdict,
    api_post_evidence,
    api_transitions,
    api_delete,
    queue_endpoints,
]


@pytest.mark.parametrize("path", PATHS, ids=[p.__name__ for p in PATHS])
@pytest.mark.parametrize("role", ROLES)
def test_no_write_path_changes_a_published_verdict_around_review(client, role, path):
    claim = PublishableClaimFactory(state=State.PUBLISHED)
    # An item on the published claim (opened by hand), so the queue's endpoints have a target.
    item = ReviewItemFactory(claim=claim, reason=ReviewItem.Reason.MANUAL)
    claim.refresh_from_db()
    before = _snapshot(claim.pk)
    history_before = set(claim.history.values_list("history_id", flat=True))
    user = _user(role)
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)

    path(client, api, claim, item)

    if not Claim.objects.filter(pk=claim.pk).exists():
        assert role == "superuser" and path is admin_claim_delete
        return
    after = _snapshot(claim.pk)
    resolved = ReviewItem.objects.filter(
        claim=claim, state=ReviewItem.State.RESOLVED, assignee__groups__name="Reviewers"
    ).exists()
    if after["state"] == State.PUBLISHED and not resolved:
        assert after["substance"] == before["substance"], f"{role} changed it by {path.__name__}"
    assert after["version"] >= before["version"]
    if after["substance"] != before["substance"] or after["state"] != before["state"]:
        assert after["version"] > before["version"]
    new_rows = claim.history.exclude(history_id__in=history_before).order_by("history_id")
    state = before["state"]
    for row in new_rows:
        if row.state != state:
            assert row.history_user_id is not None, f"a move to {row.state} without a user"
            assert row.history_change_reason, f"a move to {row.state} without a reason"
            state = row.state
