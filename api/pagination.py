from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination

MAX_PAGE_SIZE = 500


class ApiCursorPagination(CursorPagination):
    """Cursor pages: a row added while a client pages through never shifts or repeats a row.
    `page_size` above MAX_PAGE_SIZE is capped to it. Ordering comes from `?ordering=` on the
    view's documented, non-null fields."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = "-id"

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, DjangoValidationError):
            # A hand-made cursor whose position is not a value of the ordering field.
            raise NotFound(self.invalid_cursor_message) from None

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["required"] = ["results"]
        return result
