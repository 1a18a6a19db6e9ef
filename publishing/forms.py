"""The public lists' filters (fact-checks, scenarios) and the comparison's ids. Anything a
reader (or a crawler) types is checked here, so a garbage filter is a message on the page, never
a 500."""

from django import forms
from django.utils.translation import gettext_lazy as _

from claims.models import Actor, Claim, Topic
from tracker.models import Scenario


def topic_field() -> forms.ModelChoiceField:
    """A topic by its slug, as the address carries it."""
    return forms.ModelChoiceField(
        label=_("Topic"),
        queryset=Topic.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=_("All topics"),
    )


class FactCheckFilter(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200, strip=True)
    topic = topic_field()
    verdict = forms.ChoiceField(label=_("Verdict"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        verdicts = [c for c in Claim.Assessment.choices if c[0] != Claim.Assessment.UNASSESSED]
        self.fields["verdict"].choices = [("", _("All verdicts")), *verdicts]


class ScenarioFilter(forms.Form):
    """The public scenario list's filters: a status (or "alive"), a party, a topic."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    actor = forms.ModelChoiceField(
        label=_("Party"),
        queryset=Actor.objects.filter(kind=Actor.Kind.STATE).order_by("name"),
        required=False,
        empty_label=_("Any party"),
    )
    topic = topic_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", _("Any status")),
            ("alive", _("Still alive")),
            *Scenario.Status.choices,
        ]


class ScenarioIds(forms.Form):
    """`?ids=3,5,8` (or `ids=3&ids=5`, as the list's checkboxes send them): two or more."""

    ids = forms.CharField(required=False, max_length=200)

    def __init__(self, data=None):
        values = data.getlist("ids") if data is not None else []
        super().__init__({"ids": ",".join(values)} if data is not None else None)

    def clean_ids(self) -> list[int]:
        parts = [p.strip() for p in self.cleaned_data["ids"].split(",") if p.strip()]
        if not all(p.isascii() and p.isdigit() and len(p) <= 18 for p in parts):
            raise forms.ValidationError(_("Scenario ids are whole numbers."))
        ids = list(dict.fromkeys(int(p) for p in parts))
        if len(ids) < 2:
            raise forms.ValidationError(_("Choose two or more scenarios to compare."))
        return ids
