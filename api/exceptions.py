"""Errors to HTTP, in one place, in one format. Views call services and let their refusals
through; every refusal is a claims.errors.DomainError that carries its own status, code and
details, so this handler reads them all the same way, with nothing to register.

Every error answer of the API, whatever its status, is one JSON object (the schema's `Error`,
and `InvalidInput` for 400):

    {"detail": "<a sentence a person can read>", "code": "<a machine code>",
     "<field>": ["<message>", ...], ...}

`detail` and `code` are always there. Where fields are to blame, each maps to its messages
(nested fields by dotted names, a list item's under the list's name; a refusal of the whole
as `non_field_errors`). A refusal may add what a client needs to act on it (409: `allowed`,
`reasons`; 412: `current_version`)."""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from claims.errors import DomainError

INVALID_INPUT = "Invalid input: each field named here maps to its messages."


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer (400s add a key per field, see InvalidInput)."""

    detail = serializers.CharField(help_text="What went wrong, for a person.")
    code = serializers.CharField(help_text="What went wrong, for a program (stable).")


class AllowedMoveSerializer(serializers.Serializer):
    to = serializers.CharField(help_text="A state to send as `to`.")
    name = serializers.CharField(help_text="The move's name, e.g. submit or publish.")


class ConflictSerializer(ErrorSerializer):
    """409: the move is not in the workflow table from this state (`allowed` lists the moves
    that are), or the claim does not meet its conditions yet (`reasons`)."""

    state = serializers.CharField(required=False, help_text="The current state.")
    allowed = AllowedMoveSerializer(many=True, required=False)
    move = serializers.CharField(required=False)
    reasons = serializers.ListField(child=serializers.CharField(), required=False)


class StaleVersionSerializer(ErrorSerializer):
    """412: the If-Match tag names an older version than the stored one; nothing was changed."""

    current_version = serializers.IntegerField(required=False)
    your_version = serializers.IntegerField(required=False)


def field_messages(errors, prefix: str = "") -> dict[str, list[str]]:
    """DRF's error structure (nested dicts for nested serializers, dicts keyed by index for list
    items) flattened to one level: each field, by dotted name, to a list of strings. A list
    item's messages stay under the list's own field, saying which item ("Item 0: …")."""
    if isinstance(errors, dict):
        flat: dict[str, list[str]] = {}
        for key, value in errors.items():
            if prefix and (isinstance(key, int) or str(key).isdigit()):
                for name, messages in field_messages(value, prefix).items():
                    flat.setdefault(name, []).extend(f"Item {key}: {m}" for m in messages)
                continue
            flat.update(field_messages(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(errors, list | tuple):
        if any(isinstance(value, dict | list | tuple) for value in errors):
            # A many=True serializer's errors: one entry per item, empty for a valid one.
            return field_messages({i: value for i, value in enumerate(errors) if value}, prefix)
        return {prefix or "non_field_errors": [str(value) for value in errors]}
    return {prefix or "non_field_errors": [str(errors)]}


def error_body(detail: str, code: str, fields: dict | None = None, **extra) -> dict:
    """The one error body; `fields` never hides `detail` or `code`."""
    body = {name: messages for name, messages in (fields or {}).items()}
    body.update(extra)
    body["detail"], body["code"] = str(detail), str(code)
    return body


def invalid_input_body(errors) -> dict:
    return error_body(INVALID_INPUT, "invalid", field_messages(errors))


def validation_error_body(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {"non_field_errors": exc.messages}


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        # Every refusal of the domain, read the same way: its status, code, message and details.
        details = exc.details()
        fields = {
            k: v for k, v in details.items() if k in exc.field_errors or k == "non_field_errors"
        }
        extra = {k: v for k, v in details.items() if k not in fields}
        body = error_body(str(exc), exc.code, field_messages(fields) if fields else None, **extra)
        return Response(body, status=exc.http_status)
    if isinstance(exc, DjangoValidationError):
        return Response(invalid_input_body(validation_error_body(exc)), status=400)
    if isinstance(exc, ObjectDoesNotExist):
        return Response(error_body("Not found.", "not_found"), status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, IntegrityError):
        # full_clean() checks constraints first; this is the rare race between two writers.
        return Response(
            error_body(
                "This conflicts with a change saved at the same time; reload and retry.",
                "conflict",
            ),
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)  # as DRF's handler would, keeping our code below
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: logged by Django, answered by `server_error` below
    if isinstance(exc, exceptions.ValidationError):
        response.data = invalid_input_body(exc.detail)
    else:
        response.data = error_body(str(exc.detail), _code(exc))
    return response


@csrf_exempt  # nothing happens here; a JSON 404 is the answer for every method
def api_not_found(request, *args, **kwargs):
    """Any other address under /api/: the API's JSON 404, not Django's HTML page."""
    return JsonResponse(error_body("Not found.", "not_found"), status=404)


def server_error(request, *args, **kwargs):
    """Django's handler500: under /api/ the error body every other answer uses (no details:
    the traceback is in the log, under the request id); elsewhere Django's own page."""
    if request.path_info.startswith("/api/"):
        body = error_body("Server error; it has been logged. Try again later.", "server_error")
        return JsonResponse(body, status=500)
    return defaults.server_error(request, *args, **kwargs)
