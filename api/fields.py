"""Serializer fields for lists of row ids. DRF's PrimaryKeyRelatedField(many=True) runs one
query per id and takes any iterable: 20,000 claim ids in one scenario POST took 11.8 s. Here a
list is checked for shape first (a JSON list of positive whole numbers), capped at `MAX_IDS`,
and resolved with one `filter(pk__in=…)`."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

# Documented in the README ("REST API"): the most ids one request may send in one list.
MAX_IDS = 1000
MAX_ID = 2**63 - 1  # PostgreSQL's bigint


class IdListField(serializers.ManyRelatedField):
    default_error_messages = {
        "not_a_list": "Send a JSON list of ids, e.g. [1, 2]; got {input_type}.",
        "too_many": "At most {limit} ids in one request; this list has {count}.",
        "not_an_id": "Each id must be a positive whole number; item {index} is {value}.",
        "out_of_range": "Each id must be a positive whole number up to {max}; item {index} is "
        "{value}.",
        "does_not_exist": "No {model} with id {ids}.",
        "empty": "This list may not be empty.",
    }

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not self.allow_empty and not data:
            self.fail("empty")
        if len(data) > MAX_IDS:
            self.fail("too_many", limit=f"{MAX_IDS:,}", count=f"{len(data):,}")
        data = list(data)
        for index, value in enumerate(data):
            # JSON does not tell 1 from 1.0 (JSON Schema counts both as an integer); bool is an
            # int to Python but not an id to anyone sending JSON.
            if type(value) is float and value.is_integer() and abs(value) < 2**63:
                value = data[index] = int(value)
            if type(value) is not int:
                self.fail("not_an_id", index=index, value=_shown(value))
            if not 0 < value <= MAX_ID:
                self.fail("out_of_range", index=index, value=value, max=MAX_ID)
        wanted = list(dict.fromkeys(data))  # once each, in the order sent
        found = self.child_relation.get_queryset().in_bulk(wanted)
        missing = [pk for pk in wanted if pk not in found]
        if missing:
            shown = ", ".join(str(pk) for pk in missing[:20]) + (" …" if len(missing) > 20 else "")
            model = self.child_relation.get_queryset().model._meta.verbose_name
            self.fail("does_not_exist", model=model, ids=shown)
        return [found[pk] for pk in wanted]


def _shown(value) -> str:
    text = "null" if value is None else repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


class IdsRelatedField(serializers.PrimaryKeyRelatedField):
    """PrimaryKeyRelatedField whose `many=True` form is an IdListField."""

    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({k: v for k, v in kwargs.items() if k in MANY_RELATION_KWARGS})
        return IdListField(**list_kwargs)


class IdListFieldSchema(OpenApiSerializerFieldExtension):
    target_class = "api.fields.IdListField"

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema["maxItems"] = MAX_IDS
            schema["items"] = {**schema["items"], "minimum": 1, "maximum": MAX_ID}
        return schema
