"""Input that no view, form or query should ever see, refused once at the edge:

- NUL bytes and lone surrogates: PostgreSQL cannot store a NUL in text, and a lone surrogate
  cannot be encoded as UTF-8, so either would end deep inside a query or a renderer as a 500;
- bodies nested deeper than any real request (`MAX_DEPTH`), which would otherwise cost a
  recursion per level in every layer that walks them;
- bodies larger than `DATA_UPLOAD_MAX_MEMORY_SIZE`, answered 413 before they are read.

`BadInputMiddleware` covers query strings and form posts of every page (admin, /review/, API);
the API's JSON parser (`api.parsers`) covers JSON bodies, keys included."""

import re
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse

MAX_DEPTH = 32

_BAD = re.compile("[\x00\ud800-\udfff]")
NUL_MESSAGE = "Null characters are not allowed."
SURROGATE_MESSAGE = "Lone surrogate characters are not allowed: send valid Unicode."


def bad_text_message(text: str) -> str | None:
    """Why `text` cannot be accepted, or None when it can."""
    match = _BAD.search(text)
    if match is None:
        return None
    return NUL_MESSAGE if match.group() == "\x00" else SURROGATE_MESSAGE


class TooDeep(ValueError):
    pass


def find_bad_text(data: Any, *, max_depth: int = MAX_DEPTH) -> tuple[str | None, str] | None:
    """The first NUL or lone surrogate in a parsed JSON document, keys included, as
    (top-level key it sits under or None, message); None when there is none. Raises TooDeep
    for a document nested more than `max_depth` levels. Iterative: depth costs no recursion."""
    stack: list[tuple[Any, str | None, int]] = [(data, None, 1)]
    while stack:
        value, field, depth = stack.pop()
        if isinstance(value, str):
            message = bad_text_message(value)
            if message:
                return field, message
        elif isinstance(value, dict | list):
            if depth > max_depth:
                raise TooDeep(f"The body is nested more than {max_depth} levels deep.")
            if isinstance(value, dict):
                for key, item in value.items():
                    message = bad_text_message(key)
                    if message:
                        return None, f"A key: {message}"
                    stack.append((item, field if depth > 1 else key, depth + 1))
            else:
                stack.extend((item, field, depth + 1) for item in value)
    return None


def _params(query_dict) -> Iterator[tuple[str, str]]:
    for key, values in query_dict.lists():
        yield key, key
        for value in values:
            yield key, value


def _first_bad_param(query_dict) -> tuple[str, str] | None:
    for key, text in _params(query_dict):
        message = bad_text_message(text)
        if message:
            # The name itself may be what is bad: never echo it back as it is.
            return (key if not bad_text_message(key) else "non_field_errors"), message
    return None


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class BadInputMiddleware:
    """400 for a NUL or lone surrogate in a query string or a form post, 413 for a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE (file uploads excepted: Django counts those separately). Under
    `json_prefixes` the answer is the API's field-by-field JSON; elsewhere a short text."""

    json_prefixes = ("/api/",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        content_type = request.content_type or ""
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and content_type != "multipart/form-data":
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return self._answer(
                    request,
                    413,
                    "detail",
                    f"The request body is {length} bytes; at most {limit} are accepted.",
                )
        problem = _first_bad_param(request.GET)
        if problem is None and request.method == "POST" and content_type in _FORM_TYPES:
            try:
                problem = _first_bad_param(request.POST)
            except RequestDataTooBig:
                # A multipart form whose fields (files aside) pass the limit.
                return self._answer(request, 413, "detail", "The form is too large.")
        if problem is not None:
            return self._answer(request, 400, *problem)
        return self.get_response(request)

    def _answer(self, request: HttpRequest, status: int, field: str, message: str):
        if request.path_info.startswith(self.json_prefixes):
            # The API's one error format (api/exceptions.py), which this layer cannot import.
            if status == 400:
                body = {field: [message], "detail": message, "code": "invalid"}
                return JsonResponse(body, status=status)
            return JsonResponse({"detail": message, "code": "too_large"}, status=status)
        text = message if field in ("detail", "non_field_errors") else f"{field}: {message}"
        return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
