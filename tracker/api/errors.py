"""Tracker's domain errors in the API's one exception table."""

from rest_framework import status

from claims.api.exceptions import register_domain_error
from tracker.services import FOLLOW_UP_MOVES, IllegalFollowUpMove

register_domain_error(
    IllegalFollowUpMove,
    status.HTTP_409_CONFLICT,
    "illegal_transition",
    lambda exc: {
        "state": exc.state,
        "allowed": [{"to": t, "name": t} for t in sorted(FOLLOW_UP_MOVES.get(exc.state, ()))],
    },
)
