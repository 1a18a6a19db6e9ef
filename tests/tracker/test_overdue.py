"""One definition of overdue: follow-ups by FollowUpQuerySet.overdue, claims by
tracker.selectors.overdue_claims built on it; lists read the same rule as an annotation."""

import datetime as dt

import pytest

from claims.workflow import State
from tests.factories import ClaimFactory, FollowUpFactory, PublishableClaimFactory
from tracker.models import FollowUp
from tracker.selectors import overdue_claims

pytestmark = pytest.mark.django_db


def test_overdue_means_review_date_passed_or_a_linked_deadline_passed():
    now = dt.datetime(2025, 7, 2, tzinfo=dt.UTC)
    review_late = PublishableClaimFactory(state=State.PUBLISHED, review_by=dt.date(2025, 7, 1))
    promise_late = ClaimFactory()
    FollowUpFactory(due_at=dt.datetime(2025, 6, 30, tzinfo=dt.UTC)).claims.add(promise_late)
    archived = ClaimFactory(state=State.ARCHIVED)
    FollowUpFactory(due_at=dt.datetime(2025, 6, 30, tzinfo=dt.UTC)).claims.add(archived)
    on_time = ClaimFactory()
    FollowUpFactory(due_at=dt.datetime(2025, 7, 30, tzinfo=dt.UTC)).claims.add(on_time)

    assert set(overdue_claims(at=now)) == {review_late, promise_late}


def test_a_follow_ups_overdue_flag_in_a_list_is_the_querysets_rule():
    now = dt.datetime(2025, 7, 2, tzinfo=dt.UTC)
    late = FollowUpFactory(due_at=now - dt.timedelta(seconds=1))
    flagged = FollowUpFactory(state=FollowUp.State.OVERDUE, due_at=now + dt.timedelta(days=1))
    on_time = FollowUpFactory(due_at=now + dt.timedelta(seconds=1))
    undated = FollowUpFactory(due_at=None)

    annotated = {f.pk: f.is_overdue for f in FollowUp.objects.with_overdue(at=now)}
    queried = set(FollowUp.objects.overdue(at=now).values_list("pk", flat=True))

    assert {pk for pk, late_now in annotated.items() if late_now} == queried
    assert queried == {late.pk, flagged.pk}
    assert not annotated[on_time.pk] and not annotated[undated.pk]
