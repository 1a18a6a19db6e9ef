"""The API's one JSON parser: DRF's, plus the refusals of `claims.input_guard` for bodies. A
refusal here is a 400 (field by field where the bad text sits under a field) or a 413, never
a value that a serializer, a query or the renderer would choke on."""

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

from claims.input_guard import MAX_DEPTH, TooDeep, find_bad_text


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


class SafeJSONParser(JSONParser):
    """JSON bodies up to DATA_UPLOAD_MAX_MEMORY_SIZE bytes (413 beyond), nested at most
    MAX_DEPTH levels, with no NUL byte or lone surrogate in any key or value (400)."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        # DRF reads the request stream itself, past Django's own size check: count here.
        raw = stream.read() if limit is None else stream.read(limit + 1)
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge(f"The request body is over {limit} bytes.")
        encoding = (parser_context or {}).get("encoding") or settings.DEFAULT_CHARSET
        try:
            text = raw.decode(encoding)
            parse_constant = json.strict_constant if self.strict else None
            data = json.loads(text, parse_constant=parse_constant)
        except RecursionError:
            raise ParseError(f"The body is nested more than {MAX_DEPTH} levels deep.") from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        try:
            problem = find_bad_text(data)
        except TooDeep as exc:
            raise ParseError(str(exc)) from None
        if problem is not None:
            field, message = problem
            raise ValidationError({field or "non_field_errors": [message]})
        return data
