"""Errors to HTTP, in one place. Views call services and let their refusals through; every
refusal is a claims.errors.DomainError that carries its own status, code and details, so this
handler reads them all the same way, with nothing to register."""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from claims.errors import DomainError


def validation_error_body(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        # Every refusal of the domain, read the same way: its status, code, message and details.
        body = {"detail": str(exc), "code": exc.code, **exc.details()}
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
