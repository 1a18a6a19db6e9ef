"""Helpers for the sweep tests."""

from contextlib import contextmanager

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
