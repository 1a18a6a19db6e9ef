"""Two editors accepting proposals that name the same new actor at the same moment: both
succeed, and there is one actor (the unique name decides, not a check before the insert)."""

import datetime as dt
import threading

import pytest
from django.db import connection

from claims.models import Actor, Claim
from reports.proposals import ClaimProposal, Words
from reports.services import report_accept
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _claim(statement: str) -> ClaimProposal:
    return ClaimProposal(
        ref="c1",
        statement=statement,
        claimant="Peter Stano",
        claimant_id=None,
        words=Words(statement, 0, len(statement)),
        why="test",
    )


def test_two_accepts_naming_the_same_new_actor_make_one_actor():
    editors = [UserFactory(username=f"editor-{n}") for n in range(2)]
    barrier = threading.Barrier(2)
    errors = []

    def accept(editor, statement):
        try:
            barrier.wait()
            report_accept(
                claims=[_claim(statement)],
                follow_ups=[],
                dateline=dt.date(2025, 6, 2),
                # Two reports: the same address would queue the second behind the first.
                source_url=f"https://example.org/wire/{editor.username}",
                source_title="Sanctions",
                by=editor,
            )
        except Exception as error:  # the test reports any failure
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=accept, args=(editors[0], "The package is ready.")),
        threading.Thread(target=accept, args=(editors[1], "The package is agreed.")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Actor.objects.filter(name="Peter Stano").count() == 1
    assert Claim.objects.filter(claimant__name="Peter Stano").count() == 2
