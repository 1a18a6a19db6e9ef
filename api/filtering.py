"""Query-string filters that refuse what they cannot use. django-filter and DRF drop a filter
they cannot read (`?state=`, `?overdue=maybe`, `?ordering=nonsense`) and answer the whole,
unfiltered list: a client that made a typo gets data it did not ask for and never learns why.
Here each such value is a 400 naming the parameter, and the schema states what is accepted.

The rules, once (README, "Strict input"):
- a filter given with an empty value is refused (leave it out to not filter);
- a boolean is `true` or `false`;
- an id is a whole number from 1 to 2^63-1;
- `ordering` is one of the documented fields, `-` in front for descending."""

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter

MAX_ID = 2**63 - 1  # PostgreSQL's bigint
EMPTY = "Give a value, or leave the parameter out."


class StrictBooleanField(forms.Field):
    default_error_messages = {"invalid": "Give true or false."}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value not in ("true", "false"):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value == "true"


class StrictBooleanFilter(django_filters.BooleanFilter):
    """`true` or `false`; django-filter's own reads anything else as "do not filter"."""

    field_class = StrictBooleanField


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A row id: a positive integer that fits the database's bigint."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, refusing a filter given with an empty value (400) instead of
    answering the unfiltered list. Bad values are the filter set's own 400 already."""

    def get_filterset(self, request, queryset, view):
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            empty = {
                name: [EMPTY]
                for name in filterset.filters
                if name in request.query_params and not request.query_params.get(name)
            }
            if empty:
                raise ValidationError(empty)
        return filterset


class StrictOrderingFilter(OrderingFilter):
    """`?ordering=` takes one of the view's `ordering_fields`, with `-` for descending; anything
    else is a 400 (DRF's own ignores what it does not know)."""

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            return self.get_default_ordering(view)
        if raw not in self.choices(view):
            allowed = ", ".join(self.choices(view))
            raise ValidationError({self.ordering_param: [f"Order by one of: {allowed}."]})
        return [raw]

    @staticmethod
    def choices(view) -> list[str]:
        fields = [f for f in getattr(view, "ordering_fields", None) or [] if f != "__all__"]
        return [term for field in fields for term in (field, f"-{field}")]

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "The order of the list; `-` in front for descending.",
                "schema": {"type": "string", "enum": self.choices(view)},
            }
        ]
