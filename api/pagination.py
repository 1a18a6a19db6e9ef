from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

MAX_PAGE_SIZE = 500


class ApiCursorPagination(CursorPagination):
    """Cursor pages: a row added while a client pages through never shifts or repeats a row.
    `page_size` is a whole number from 1 (400 otherwise: DRF's own falls back to the default
    page silently); above MAX_PAGE_SIZE it is capped to it. An empty `cursor` is a 400; one
    that names no position a 404 (an address of a page that does not exist). Ordering comes
    from `?ordering=` on the view's documented, non-null fields."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = "-id"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            message = f"Give a whole number from 1; above {self.max_page_size} counts as it."
            raise ValidationError({self.page_size_query_param: [message]})
        return min(int(raw), self.max_page_size)

    def decode_cursor(self, request):
        if request.query_params.get(self.cursor_query_param) == "":
            message = "Give the cursor of a `next` or `previous` link, or leave it out."
            raise ValidationError({self.cursor_query_param: [message]})
        return super().decode_cursor(request)

    def check_query(self, request) -> None:
        """Refuse a bad `page_size` or `cursor` before a list answers anything, 304 included."""
        self.get_page_size(request)
        self.decode_cursor(request)

    def get_schema_operation_parameters(self, view):
        cursor, page_size = super().get_schema_operation_parameters(view)
        cursor["schema"] = {"type": "string", "minLength": 1}
        cursor["description"] = "Where the page starts: from a `next` or `previous` link."
        page_size["schema"] = {"type": "integer", "minimum": 1}
        page_size["description"] = (
            f"Rows per page (default {self.page_size}); above {self.max_page_size} counts as "
            f"{self.max_page_size}."
        )
        return [cursor, page_size]

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, DjangoValidationError):
            # A hand-made cursor whose position is not a value of the ordering field.
            raise NotFound(self.invalid_cursor_message) from None

    def get_paginated_response_schema(self, schema):
        # DRF's own is OpenAPI 3.0 (`nullable`) and its example address ends in a stray quote.
        def link(which: str, end: str, cursor: str) -> dict:
            return {
                "type": ["string", "null"],
                "format": "uri",
                "description": f"The {which} page's address; null on the {end} page.",
                "example": f"https://claims.example.org/api/v1/claims/?cursor={cursor}",
            }

        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": link("next", "last", "cD00ODY%3D"),
                "previous": link("previous", "first", "cj0xJnA9NDg3"),
                "results": schema,
            },
        }
