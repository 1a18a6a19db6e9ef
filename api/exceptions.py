"""Domain errors to HTTP, in one place. Views call services and let their named exceptions
through; this handler gives each one its status code and a JSON body a client can act on.
Other apps add their own domain errors with `register_domain_error` (tracker's follow-up moves).
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from claims.errors import DomainError
from claims.services import StaleVersion
from claims.workflow import (
    IllegalTransition,
    TransitionBlocked,
    TransitionNotPermitted,
)

Details = Callable[[Exception], dict[str, Any]]
Status = int | Callable[[Exception], int]
_DOMAIN_ERRORS: dict[type[Exception], tuple[Status, str, Details]] = {}


def register_domain_error(
    exc_class: type[Exception], status_code: Status, code: str, details: Details | None = None
) -> None:
    """Answer `exc_class` (and its subclasses) with `status_code` (or the status it computes
    from the exception) and a body of detail, code and `details(exc)`."""
    _DOMAIN_ERRORS[exc_class] = (status_code, code, details or (lambda exc: {}))


def allowed_moves(exc: IllegalTransition) -> list[dict[str, str]]:
    """The moves the refusing table offers out of the current state, as a client sends them."""
    return [{"to": str(t.target), "name": t.name} for t in exc.workflow.moves_from(exc.source)]


def validation_error_body(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


register_domain_error(
    IllegalTransition,
    status.HTTP_409_CONFLICT,
    "illegal_transition",
    lambda exc: {"state": exc.source, "allowed": allowed_moves(exc)},
)
register_domain_error(
    TransitionBlocked,
    status.HTTP_409_CONFLICT,
    "transition_blocked",
    lambda exc: {"move": exc.transition.name, "reasons": exc.reasons},
)
register_domain_error(
    TransitionNotPermitted,
    status.HTTP_403_FORBIDDEN,
    "permission_denied",
    lambda exc: {"move": exc.transition.name},
)
register_domain_error(
    StaleVersion,
    status.HTTP_412_PRECONDITION_FAILED,
    "stale_version",
    lambda exc: {"current_version": exc.current, "your_version": exc.expected},
)


def exception_handler(exc, context):
    for exc_class in type(exc).__mro__:
        if exc_class in _DOMAIN_ERRORS:
            status_code, code, details = _DOMAIN_ERRORS[exc_class]
            if callable(status_code):
                status_code = status_code(exc)
            return Response({"detail": str(exc), "code": code, **details(exc)}, status=status_code)
    if isinstance(exc, DomainError):
        body = {"detail": str(exc), "code": exc.code, **exc.field_errors}
        return Response(body, status=exc.http_status)
    if isinstance(exc, DjangoValidationError):
        return Response(validation_error_body(exc), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ObjectDoesNotExist):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, IntegrityError):
        # full_clean() checks constraints first; this is the rare race between two writers.
        return Response(
            {
                "detail": "This conflicts with a change saved at the same time; reload and retry.",
                "code": "conflict",
            },
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)
