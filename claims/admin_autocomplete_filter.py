"""A changelist filter for a relation with too many rows to list: Django's autocomplete widget
in the sidebar instead of a link per related row. RelatedOnlyFieldListFilter on claims'
claimant read every claim to find the 2,000 actors in use and rendered a link for each, on
every load of the list; this one reads nothing until a row is picked, and then only that row.

The related model's admin must have `search_fields` (the autocomplete asks it), and the
changelist's admin must include `AUTOCOMPLETE_FILTER_MEDIA` in its Media (AutocompleteFilterMedia
does)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils.translation import gettext_lazy as _

SCRIPT = "claims/autocomplete_filter.js"


class AutocompleteFilter(admin.RelatedFieldListFilter):
    template = "admin/claims/autocomplete_filter.html"

    def field_choices(self, field, request, model_admin):
        # Only the row picked, for its label; the widget asks for the rest as the user types.
        if not self.lookup_val:
            return []
        related = field.remote_field.model._default_manager.filter(
            **{f"{field.target_field.name}__in": self.lookup_val}
        )
        return [(getattr(row, field.target_field.attname), str(row)) for row in related[:1]]

    def has_output(self) -> bool:
        return True

    def get_facet_counts(self, pk_attname, filtered_qs):
        return {}

    def widget_html(self) -> str:
        choice = forms.ModelChoiceField(
            queryset=self.field.remote_field.model._default_manager.all(),
            widget=AutocompleteSelect(
                self.field,
                self.model_admin_site,
                attrs={"data-autocomplete-filter": "", "data-placeholder": _("All")},
            ),
            required=False,
        )
        value = self.lookup_val[-1] if self.lookup_val else None
        return choice.widget.render(self.lookup_kwarg, value)

    def __init__(self, field, request, params, model, model_admin, field_path):
        self.model_admin_site = model_admin.admin_site
        super().__init__(field, request, params, model, model_admin, field_path)


class AutocompleteFilterMedia(admin.ModelAdmin):
    """Adds what the sidebar's autocomplete widgets need to the changelist's page."""

    @property
    def media(self):
        return (
            super().media
            + AutocompleteSelect(None, self.admin_site).media
            # Named with what it needs, so the merge puts it after django.jQuery exists.
            + forms.Media(
                js=["admin/js/vendor/jquery/jquery.js", "admin/js/jquery.init.js", SCRIPT]
            )
        )
