"""Delivery against a promise: the latest cumulative report, its share of the target, and the
rules a progress report must meet (cumulative, dated, above the target only with a note)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import ClaimFactory, FollowUpFactory, ProgressFactory, SourceFactory
from tracker.boards import delivery_text
from tracker.models import Progress
from tracker.services import progress_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def children():
    claim = ClaimFactory(quantity=400, quantity_unit="children")
    return FollowUpFactory(target_quantity=10, quantity_unit="children", measured_against=claim)


def report(follow_up, day: int, quantity, editor, **kwargs):
    return progress_record(
        follow_up=follow_up,
        by=editor,
        as_of=dt.date(2025, 6, day),
        quantity_delivered=quantity,
        **kwargs,
    )


def test_delivered_is_the_latest_cumulative_report(children, editor):
    source = SourceFactory()
    report(children, 10, 2, editor)
    latest = report(children, 20, 3, editor, source=source)
    report(children, 15, 2, editor)  # entered late, dated between
    children.refresh_from_db()
    assert children.latest_progress() == latest
    assert children.percent_delivered() == Decimal("30.0")
    assert latest.source == source


def test_no_report_yet_is_zero_percent_and_no_target_is_none(children):
    assert children.latest_progress() is None
    assert children.percent_delivered() == Decimal(0)
    assert FollowUpFactory().percent_delivered() is None


def test_ten_of_four_hundred_reads_naturally(children, editor):
    report(children, 10, 3, editor)
    text = delivery_text(children, Decimal(3))
    assert text.startswith("3 of 10 children delivered (30%)")
    assert f"10 of the 400 children claimed (claim #{children.measured_against_id})" in text


@pytest.mark.parametrize(
    ("day", "quantity", "field"),
    [(9, 5, "quantity_delivered"), (11, 1, "quantity_delivered"), (21, 3, "quantity_delivered")],
    ids=["above a later report", "below an earlier report", "below the latest"],
)
def test_reports_are_cumulative(children, editor, day, quantity, field):
    report(children, 10, 2, editor)
    report(children, 20, 4, editor)
    with pytest.raises(ValidationError) as refused:
        report(children, day, quantity, editor)
    assert field in refused.value.message_dict
    assert Progress.objects.count() == 2


def test_a_report_cannot_be_dated_in_the_future(children, editor):
    with pytest.raises(ValidationError) as refused:
        progress_record(
            follow_up=children,
            by=editor,
            as_of=timezone.localdate() + dt.timedelta(days=1),
            quantity_delivered=1,
        )
    assert "as_of" in refused.value.message_dict


def test_more_than_the_target_needs_a_note(children, editor):
    with pytest.raises(ValidationError) as refused:
        report(children, 10, 11, editor)
    assert "note" in refused.value.message_dict
    done = report(children, 10, 11, editor, note="One more child came home with her sister.")
    assert children.percent_delivered(done) == Decimal("110.0")


def test_a_report_bumps_the_follow_ups_version(children, editor):
    before = children.version
    report(children, 10, 1, editor)
    children.refresh_from_db()
    assert children.version == before + 1


def test_editing_a_report_is_checked_against_the_others(editor):
    first = ProgressFactory(as_of=dt.date(2025, 6, 1), quantity_delivered=5)
    ProgressFactory(follow_up=first.follow_up, as_of=dt.date(2025, 6, 5), quantity_delivered=8)
    first.quantity_delivered = 9
    with pytest.raises(ValidationError):
        first.full_clean()


def test_the_admin_inline_refuses_a_report_above_the_target_without_a_note(client, editor):
    from django.urls import reverse

    from tests.admin_forms import change_form_data

    follow_up = ProgressFactory(as_of=dt.date(2025, 6, 1), quantity_delivered=5).follow_up
    client.force_login(editor)
    url = reverse("admin:tracker_followup_change", args=[follow_up.pk])
    page = client.get(url)
    assert "5 of 100" in page.content.decode()  # the delivered figure, in words
    data = change_form_data(page, **{"progress-0-quantity_delivered": "120"})
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with the message
    assert "say why in the note" in response.content.decode()
    assert Progress.objects.get().quantity_delivered == 5
