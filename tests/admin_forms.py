"""Post an admin change page as a browser would: every field of the form and of its inlines
with the value the page shows, then the test's own changes on top."""

import datetime as dt
from decimal import Decimal

from django.db.models import Model


def _text(value):
    if value is None:
        return ""
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (dt.date, Decimal, int)):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_text(v) for v in value]
    return value


def _form_fields(form) -> dict:
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        widget = getattr(field.widget, "widget", field.widget)  # the admin's wrapper
        key = form.add_prefix(name)
        if isinstance(value, bool) or getattr(widget, "input_type", "") == "checkbox":
            if value:
                data[key] = "on"
        elif getattr(widget, "allow_multiple_selected", False):
            if value:
                data[key] = _text(list(value))
        elif hasattr(widget, "widgets_names"):  # split date and time
            parts = value if isinstance(value, list) else widget.decompress(value)
            for suffix, part in zip(widget.widgets_names, parts, strict=False):
                data[key + suffix] = _text(part)
        else:
            data[key] = _text(value)
    return data


def change_form_data(response, **changes) -> dict:
    """What the change page in `response` would post unchanged, with `changes` applied (names as
    the form has them, e.g. "statement" or "evidence-0-DELETE")."""
    context = response.context
    data = _form_fields(context["adminform"].form)
    for inline in context.get("inline_admin_formsets", ()):
        formset = inline.formset
        data |= _form_fields(formset.management_form)
        for form in formset.forms:
            data |= _form_fields(form)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data
