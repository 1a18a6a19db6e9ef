"""Helpers for the sweep tests."""

from contextlib import contextmanager

import pytest
from django.db import connections

import tracker.sweep


@contextmanager
def crash_after_first_batch(monkeypatch):
    """A real failure in the middle of a sweep: the second batch's claim move raises, after
    the first batch has committed."""
    real = tracker.sweep.claims_transition_bulk
    calls = {"n": 0}

    def failing(**kwargs):
        calls["n"] += 1
        if calls["n"] > 1:
            raise RuntimeError("worker lost between batches")
        return real(**kwargs)

    monkeypatch.setattr(tracker.sweep, "claims_transition_bulk", failing)
    try:
        yield
    finally:
        monkeypatch.setattr(tracker.sweep, "claims_transition_bulk", real)


@pytest.fixture(scope="module")
def initial_data_restored(django_db_blocker):
    """Transactional tests end with a flush, which also empties what data migrations wrote (the
    roles). Put it back once the module is done, so later tests, and a later run with
    --reuse-db, find the database as migrations left it."""
    yield
    with django_db_blocker.unblock():
        for alias in connections:
            contents = getattr(connections[alias], "_test_serialized_contents", None)
            if contents:
                connections[alias].creation.deserialize_db_from_string(contents)
