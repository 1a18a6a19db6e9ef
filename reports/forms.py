"""The editor's forms on the "New report" page: the report, then one small form per proposal
(prefixed by its ref), so edits and ticks come back validated field by field."""

import datetime as dt

from django import forms
from django.utils import timezone

from .deadlines import end_of_day
from .proposals import ClaimProposal, FollowUpProposal, Words

MAX_REPORT_CHARS = 200_000


class ReportForm(forms.Form):
    text = forms.CharField(
        label="Report text",
        required=False,
        strip=False,
        max_length=MAX_REPORT_CHARS,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
    )
    upload = forms.FileField(
        label="…or upload a .txt / .html file",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.html,.htm,text/plain,text/html"}),
    )
    dateline = forms.DateField(
        label="Dateline", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    source_url = forms.URLField(
        label="Source address",
        required=False,
        assume_scheme="https",
        help_text="The report's address: the source and evidence of every accepted claim.",
    )
    source_title = forms.CharField(label="Source title", required=False, max_length=500)

    def clean(self):
        data = super().clean()
        if not data.get("upload") and not (data.get("text") or "").strip():
            raise forms.ValidationError("Paste the report or upload it.")
        return data


class ClaimChoiceForm(forms.Form):
    take = forms.BooleanField(label="Accept", required=False)
    statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))
    claimant = forms.CharField(max_length=200)
    quantity = forms.DecimalField(max_digits=16, decimal_places=2, required=False)
    quantity_unit = forms.CharField(max_length=60, required=False)
    contradicts = forms.CharField(required=False, widget=forms.HiddenInput)
    excerpt = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)

    @classmethod
    def for_proposal(cls, proposal: ClaimProposal, data=None) -> "ClaimChoiceForm":
        initial = {
            "take": False,
            "statement": proposal.statement,
            "claimant": proposal.claimant,
            "quantity": proposal.quantity,
            "quantity_unit": proposal.quantity_unit,
            "contradicts": proposal.contradicts or "",
            "excerpt": proposal.words.text,
        }
        return cls(data, prefix=f"claim-{proposal.ref}", initial=initial)

    def proposal(self, ref: str) -> ClaimProposal:
        data = self.cleaned_data
        excerpt = data["excerpt"]
        return ClaimProposal(
            ref=ref,
            statement=data["statement"],
            claimant=data["claimant"],
            claimant_id=None,
            words=Words(excerpt, 0, len(excerpt)),
            why="accepted by the editor",
            quantity=data["quantity"],
            quantity_unit=data["quantity_unit"],
            contradicts=data["contradicts"] or None,
        )


class FollowUpChoiceForm(forms.Form):
    take = forms.BooleanField(label="Accept", required=False)
    title = forms.CharField(max_length=300, widget=forms.TextInput(attrs={"size": 60}))
    due = forms.DateField(
        label="Deadline",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Ends at 23:59:59 that day.",
    )
    responsible = forms.CharField(required=False, help_text="Actors, separated by commas.")
    description = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    depends_on = forms.CharField(required=False, widget=forms.HiddenInput)
    offset_days = forms.IntegerField(required=False, min_value=0, max_value=36500)
    claims = forms.CharField(required=False, widget=forms.HiddenInput)
    target_quantity = forms.DecimalField(
        max_digits=16, decimal_places=2, required=False, widget=forms.HiddenInput
    )
    quantity_unit = forms.CharField(required=False, widget=forms.HiddenInput)

    @classmethod
    def for_proposal(cls, proposal: FollowUpProposal, data=None) -> "FollowUpChoiceForm":
        due = timezone.localtime(proposal.due_at).date() if proposal.due_at else None
        initial = {
            "take": False,
            "title": proposal.title,
            "due": due,
            "responsible": ", ".join(proposal.responsible),
            "description": proposal.description,
            "depends_on": proposal.depends_on or "",
            "offset_days": proposal.offset_days,
            "claims": ",".join(proposal.claims),
            "target_quantity": proposal.target_quantity,
            "quantity_unit": proposal.quantity_unit,
        }
        return cls(data, prefix=f"fu-{proposal.ref}", initial=initial)

    def clean(self):
        data = super().clean()
        if data.get("depends_on") and data.get("offset_days") is None:
            self.add_error("offset_days", "Say how many days after the event it depends on.")
        return data

    def proposal(self, ref: str) -> FollowUpProposal:
        data = self.cleaned_data
        due: dt.date | None = data["due"]
        return FollowUpProposal(
            ref=ref,
            title=data["title"],
            description=data["description"],
            words=Words(data["description"], 0, len(data["description"])),
            responsible=[n.strip() for n in data["responsible"].split(",") if n.strip()],
            due_at=end_of_day(due, timezone.get_current_timezone()) if due else None,
            depends_on=data["depends_on"] or None,
            offset_days=data["offset_days"] if data["depends_on"] else None,
            claims=[r for r in data["claims"].split(",") if r],
            target_quantity=data["target_quantity"],
            quantity_unit=data["quantity_unit"] or "",
        )
