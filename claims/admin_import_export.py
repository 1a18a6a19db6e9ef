"""The admin's import and export (django-import-export), for every admin whose model has a
resource (claims/resources.py, tracker/resources.py): CSV, XLSX and JSON; a preview that lists
every row as new, changed, unchanged or refused with its reason, and offers to confirm only
when no row is refused (a file imports all or nothing); the export of the list as filtered."""

from django.contrib import messages
from django.template.response import TemplateResponse
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX

from .resources import row_outcomes

FORMATS = [CSV, XLSX, JSON]


class ImportExportAdmin(ImportExportMixin):
    """Mixed into a ModelAdmin (before it) with `resource_classes = [...]`."""

    formats = FORMATS
    import_template_name = "admin/claims/import.html"
    export_template_name = "admin/claims/export.html"  # without inline styles and handlers (CSP)

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        if not isinstance(response, TemplateResponse):
            return response
        if response.context_data.get("fields_list"):
            # The columns an import reads: the exported-only ones (state, verdict) are not.
            response.context_data["fields_list"] = [
                (resource.get_display_name(), [f.column_name for f in fields if not f.readonly])
                for resource in (cls() for cls in self.get_import_resource_classes(request))
                for fields in [resource.get_user_visible_fields()]
            ]
        if response.context_data.get("result"):
            outcomes = row_outcomes(response.context_data["result"])
            response.context_data["outcomes"] = outcomes
            response.context_data["refused"] = [o for o in outcomes if o.status == "refused"]
        return response

    def add_success_message(self, result, request):
        counts: dict[str, int] = {}
        for outcome in row_outcomes(result):
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        summary = ", ".join(
            f"{counts.get(status, 0)} {status}" for status in ("new", "changed", "unchanged")
        )
        name = self.model._meta.verbose_name_plural
        messages.success(request, f"Imported {name}: {summary}.")
