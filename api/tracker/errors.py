"""Tracker's domain errors in the API's one exception table."""

import re

from rest_framework import status

from api.exceptions import register_domain_error
from tracker.queue import InvalidResolution, QueueError

# The reviewers' queue names the status of each refusal on the exception itself.
register_domain_error(
    QueueError,
    lambda exc: exc.http_status,
    "queue_refused",
    lambda exc: {"code": re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()},
)

# A resolution the service refuses answers 400 like a serializer would: each field with its
# messages (the service's "__all__" as non_field_errors), beside a one-line detail.
register_domain_error(
    InvalidResolution,
    status.HTTP_400_BAD_REQUEST,
    "invalid_resolution",
    lambda exc: {
        ("non_field_errors" if name == "__all__" else name): list(messages)
        for name, messages in exc.errors.items()
    },
)
