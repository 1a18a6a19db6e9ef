"""OpenAPI, told truthfully for every operation, present and future, from two global places:
`ApiAutoSchema` (the view-level facts: who may call it anonymously, which error answers it can
give, which request bodies refuse unknown keys) and `contract_hook`, a postprocessing hook over
the finished document (the one error format as components, response headers, integer path ids).
A view only declares what is its own (its success answers, its 409 or 412 bodies)."""

import inspect
import json

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import SAFE_METHODS

from api.claims.serializers import StrictFieldsMixin
from api.exceptions import ErrorSerializer
from claims.source_urls import validate_http_url

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


def _holds_a_web_address(field) -> bool:
    """A required model field checked by `validate_http_url` (a source's address): an absolute
    http(s) URI, whatever its model field's class."""
    model = getattr(getattr(getattr(field, "parent", None), "Meta", None), "model", None)
    if model is None or getattr(field, "allow_blank", True) or not field.source:
        return False
    try:
        model_field = model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return False
    return validate_http_url in model_field.validators


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

    def get_description(self):
        """The action's docstring or the view class's own, never one the class inherits from a
        base or mixin (drf-spectacular's default put ConditionalListMixin's notes on writes)."""
        name = getattr(self.view, "action", None) or self.method.lower()
        action = getattr(type(self.view), name, None)
        docs = [getattr(action, "__doc__", None), type(self.view).__dict__.get("__doc__")]
        return next((inspect.cleandoc(doc) for doc in docs if doc), "")

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

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if _holds_a_web_address(field) and schema.get("type") == "string":
            schema["format"] = "uri"
        return schema

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
            _non_empty_query_strings(operation)
            for code, response in operation.get("responses", {}).items():
                _error_body(code, response)
                for name, header in HEADERS.get(code, {}).items():
                    response.setdefault("headers", {}).setdefault(name, header)
    _links_to_what_writes_return(result["paths"])
    _drop_unused_request_components(result)
    _web_addresses_in_requests(result["components"]["schemas"])
    return result


def _web_addresses_in_requests(schemas: dict) -> None:
    # Addresses a client sends are web addresses: URLValidator(schemes=http, https) and the
    # source rules refuse the rest (README, "Source addresses").
    for name, schema in schemas.items():
        if name.endswith("Request"):
            for field in schema.get("properties", {}).values():
                if field.get("format") == "uri":
                    field.setdefault("pattern", "^[Hh][Tt][Tt][Pp][Ss]?://")


# The queue's moves answer a review item, read at review-items/{id}/.
READ_AT = {"review-queue": "review-items"}


def _links_to_what_writes_return(paths: dict) -> None:
    """OpenAPI `links` from each POST that answers one resource (creates, moves, takes) to the
    operation that reads it again, with the id taken from the answer."""
    for path, methods in paths.items():
        resource = path.split("/")[3]
        detail = paths.get(f"/api/v1/{READ_AT.get(resource, resource)}/{{id}}/", {}).get("get")
        post = methods.get("post")
        if detail is None or post is None:
            continue
        for code in ("200", "201"):
            response = post["responses"].get(code)
            if response and "content" in response:
                response.setdefault("links", {})["Read"] = {
                    "operationId": detail["operationId"],
                    "parameters": {"id": "$response.body#/id"},
                    "description": "Read what this answered, again (by its id).",
                }


def _drop_unused_request_components(result) -> None:
    # Read-only nested serializers (a claim's evidence items, a scenario's terms) get request
    # components that no operation uses.
    schemas = result["components"]["schemas"]
    while True:
        text = json.dumps(result, default=str)  # lazy translations (help texts) as text
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
    content.setdefault("application/json", {})
    for media in content.values():  # the ClaimReview's errors are the same JSON, as JSON-LD
        if code == "400" or "$ref" not in media.get("schema", {}):
            media["schema"] = schema


def _non_empty_query_strings(operation: dict) -> None:
    # An empty value is refused with 400 (api/filtering.py, api/pagination.py), so say so.
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        if parameter.get("in") == "query" and schema.get("type") == "string":
            schema.setdefault("minLength", 1)


def _integer_path_ids(operation: dict) -> None:
    # Routes take ids as `\d+` (lookup_value_regex): a positive integer to a client.
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        if parameter.get("in") == "path" and schema.get("pattern") == "^\\d+$":
            parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
