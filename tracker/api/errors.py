"""Tracker's domain errors in the API's one exception table."""

import re

from rest_framework import status

from claims.api.exceptions import register_domain_error
from tracker.queue import QueueError
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

# The reviewers' queue names the status of each refusal on the exception itself.
register_domain_error(
    QueueError,
    lambda exc: exc.http_status,
    "queue_refused",
    lambda exc: {"code": re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()},
)
