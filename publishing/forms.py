"""The public list's filters. Anything a reader (or a crawler) types is checked here, so a
garbage filter is a message on the page, never a 500."""

from django import forms
from django.utils.translation import gettext_lazy as _

from claims.models import Claim, Topic


class FactCheckFilter(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200, strip=True)
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All topics"),
    )
    verdict = forms.ChoiceField(label=_("Verdict"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        verdicts = [c for c in Claim.Assessment.choices if c[0] != Claim.Assessment.UNASSESSED]
        self.fields["verdict"].choices = [("", _("All verdicts")), *verdicts]
