"""OpenAPI, told truthfully for every operation, present and future, from two global places:
`ApiAutoSchema` (the view-level facts: who may call it anonymously, which error answers it can
give, which request bodies refuse unknown keys) and `contract_hook`, a postprocessing hook over
the finished document (the one error format as components, response headers, integer path ids).
A view only declares what is its own (its success answers, its 409 or 412 bodies)."""

import json

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import SAFE_METHODS

from api.claims.serializers import StrictFieldsMixin
from api.exceptions import ErrorSerializer

MAX_ID = 2**63 - 1  # PostgreSQL's bigint: the largest id a path or filter can name

ERROR_REF = {"$ref": "#/components/schemas/Error"}
INVALID_INPUT_REF = {"$ref": "#/components/schemas/InvalidInput"}

# The error answers every operation can give, and those of operations that read a body.
EVERY_OPERATION = {
    "400": "Invalid input (query string, body or headers): each field named maps to its messages.",
    "401": "Not authenticated, or an invalid, expired or revoked token.",
    "403": "Authenticated, but this account may not do this.",
    "404": "No such object, or not visible to you; or an invalid cursor.",
    "429": "Too many requests: anonymous callers and failed tokens are throttled. Retry after "
    "`Retry-After` seconds.",
    "500": "A server error; logged with the request id.",
}
WITH_BODY = {
    "413": "The request body is larger than the server accepts.",
    "415": "The body is not `application/json`.",
}

INVALID_INPUT_SCHEMA = {
    "type": "object",
    "description": "A 400: the `Error` body, plus each field to blame mapped to its messages "
    "(nested fields by dotted name; a list item's messages under the list's name, starting "
    "`Item <index>:`; a refusal of the whole as "
    "`non_field_errors`).",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, for a person."},
        "code": {"type": "string", "description": "What went wrong, for a program (stable)."},
    },
    "required": ["detail", "code"],
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}

HEADERS = {
    "201": {
        "Location": {
            "description": "The address of the resource just created.",
            "schema": {"type": "string", "format": "uri"},
        }
    },
    "401": {
        "WWW-Authenticate": {
            "description": "How to authenticate: `Token`.",
            "schema": {"type": "string"},
        }
    },
    "429": {
        "Retry-After": {
            "description": "Seconds to wait before the next request.",
            "schema": {"type": "integer", "minimum": 0},
        }
    },
}


DEFAULT_SUMMARIES = {
    "list": "List {many}",
    "retrieve": "Read one {one}",
    "create": "Create a {one}",
    "partial_update": "Change a {one}",
}


def _serializer_model(view):
    serializer_class = getattr(view, "serializer_class", None)
    return getattr(getattr(serializer_class, "Meta", None), "model", None)


class ApiAutoSchema(AutoSchema):
    def get_auth(self):
        """Public reads (`PUBLIC_ACTIONS` of a permission class) say so with the empty
        requirement `{}`: a client may call them with no credentials at all."""
        auths = super().get_auth()
        if self.method in SAFE_METHODS and self._is_public() and {} not in auths:
            auths.append({})
        return auths

    def _is_public(self) -> bool:
        action = getattr(self.view, "action", None)
        return any(
            action in getattr(permission, "PUBLIC_ACTIONS", ())
            for permission in self.view.get_permissions()
        )

    def get_summary(self):
        """A view's own summary, or one read from its action and model ("List claims", "Change
        a source"): what a generated client shows beside each call."""
        summary = super().get_summary()
        if summary:
            return summary
        queryset_model = getattr(getattr(self.view, "queryset", None), "model", None)
        model = queryset_model or _serializer_model(self.view)
        action = getattr(self.view, "action", None)
        if model is None or action not in DEFAULT_SUMMARIES:
            return None
        meta = model._meta
        return DEFAULT_SUMMARIES[action].format(
            one=meta.verbose_name, many=meta.verbose_name_plural
        )

    def get_operation_id(self):
        """Custom actions are named by what they do, as a generated client's method reads:
        `claims_transition`, `review_queue_resolve` (not `…_transition_create`)."""
        operation_id = super().get_operation_id()
        if getattr(self.view, "action", None) in DEFAULT_SUMMARIES:
            return operation_id
        for suffix in ("_create", "_retrieve", "_list"):
            if operation_id.endswith(suffix):
                return operation_id.removesuffix(suffix)
        return operation_id

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, StrictFieldsMixin):
            schema["additionalProperties"] = False  # unknown keys are refused with 400
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = dict(EVERY_OPERATION)
        if self.method in ("POST", "PUT", "PATCH") and self._get_request_body() is not None:
            errors.update(WITH_BODY)
        for code, description in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(ErrorSerializer, description), code, direction=direction
                )
        return responses


def contract_hook(result, generator, request, public):
    """What the document must say of every operation, whoever wrote its view."""
    result["components"].setdefault("schemas", {})["InvalidInput"] = INVALID_INPUT_SCHEMA
    for path in result["paths"].values():
        for operation in path.values():
            _integer_path_ids(operation)
            for code, response in operation.get("responses", {}).items():
                _error_body(code, response)
                for name, header in HEADERS.get(code, {}).items():
                    response.setdefault("headers", {}).setdefault(name, header)
    _drop_unused_request_components(result)
    return result


def _drop_unused_request_components(result) -> None:
    # Read-only nested serializers (a claim's evidence items, a scenario's terms) get request
    # components that no operation uses.
    schemas = result["components"]["schemas"]
    while True:
        text = json.dumps(result)
        unused = [
            name
            for name in schemas
            if name.endswith("Request") and f'"#/components/schemas/{name}"' not in text
        ]
        if not unused:
            return
        for name in unused:
            del schemas[name]


def _error_body(code: str, response: dict) -> None:
    """Every 4xx and 5xx answer has the one error body: `InvalidInput` for 400, `Error` (or a
    view's own extension of it) for the others; a view that gave a description only gets it."""
    if code[0] not in "45":
        return
    schema = INVALID_INPUT_REF if code == "400" else ERROR_REF
    content = response.setdefault("content", {})
    json = content.setdefault("application/json", {})
    if code == "400" or "schema" not in json:
        json["schema"] = schema


def _integer_path_ids(operation: dict) -> None:
    # Routes take ids as `\d+` (lookup_value_regex): a positive integer to a client.
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        if parameter.get("in") == "path" and schema.get("pattern") == "^\\d+$":
            parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
