"""OpenAPI: every operation documents the error answers it can give, so generated clients and
schemathesis know them (401/403/429 everywhere, 400 where input is read, 404 on lookups and
cursors)."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse

from api.claims.serializers import ErrorSerializer

COMMON = {
    "401": (ErrorSerializer, "Not authenticated, or an invalid or revoked token."),
    "403": (ErrorSerializer, "Authenticated, but this account may not do this."),
    "429": (ErrorSerializer, "Too many requests (anonymous callers are throttled)."),
}
BAD_INPUT = (OpenApiTypes.OBJECT, "Invalid input: each field maps to its messages.")
NOT_FOUND = (ErrorSerializer, "No such object, or not visible to you; or an invalid cursor.")


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        extra = dict(COMMON)
        extra["400"] = BAD_INPUT  # query parameters are read on every operation
        extra["404"] = NOT_FOUND
        for code, (schema, description) in extra.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(schema, description), code, direction=direction
                )
        return responses
