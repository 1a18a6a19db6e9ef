"""Forms of the reviewers' page. They only parse input; the rules live in tracker/queue.py."""

from django import forms

from claims.models import Claim, Evidence

from . import resolution
from .models import ReviewItem


class ResolveForm(forms.Form):
    """Resolve a review item. Which parts show depends on the item: a claim part when it has a
    claim, a follow-up part when it has a follow-up (required when it has nothing else)."""

    note = forms.CharField(
        label="Note (what you found, kept on the item and in the history)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The claim
    assessment = forms.ChoiceField(label="Assessment", choices=Claim.Assessment.choices)
    next_state = forms.ChoiceField(
        label="Then", choices=resolution.NextState.choices, widget=forms.RadioSelect
    )
    assessment_note = forms.CharField(
        label="Assessment note (public)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm_evidence = forms.TypedMultipleChoiceField(
        label="Evidence I checked and confirm",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_url = forms.URLField(
        label="New evidence: source address", required=False, assume_scheme="https"
    )
    new_title = forms.CharField(label="Source title", required=False, max_length=500)
    new_stance = forms.ChoiceField(
        label="Stance",
        choices=Evidence.Stance.choices,
        initial=Evidence.Stance.SUPPORTS,
        required=False,
    )
    new_credibility = forms.TypedChoiceField(
        label="Credibility",
        choices=Evidence.Credibility.choices,
        coerce=int,
        empty_value=Evidence.Credibility.CANNOT_BE_JUDGED,
        initial=Evidence.Credibility.CANNOT_BE_JUDGED,
        required=False,
    )
    new_excerpt = forms.CharField(
        label="Excerpt", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The follow-up
    outcome = forms.ChoiceField(
        label="Follow-up outcome",
        choices=[("", "— leave the follow-up as it is —"), *resolution.Outcome.choices],
        required=False,
    )
    met_on = forms.DateField(
        label="Met on", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_at = forms.DateTimeField(
        label="New deadline",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )

    CLAIM_FIELDS = resolution.CLAIM_FIELDS
    FOLLOW_UP_FIELDS = resolution.FOLLOW_UP_FIELDS

    def __init__(self, *args, item: ReviewItem, evidence: list[Evidence] = (), **kwargs):
        self.item = item
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if item.claim_id:
            claim = item.claim
            self.fields["confirm_evidence"].choices = [(e.pk, str(e)) for e in evidence]
            self.initial.setdefault("assessment", claim.assessment)
            self.initial.setdefault("assessment_note", claim.assessment_note)
            self.initial.setdefault("expected_version", claim.version)
            self.initial.setdefault("next_state", resolution.NextState.PUBLISH)
        else:
            for name in self.CLAIM_FIELDS:
                del self.fields[name]
        if item.follow_up_id:
            if not item.claim_id:
                self.fields["outcome"].required = True
                self.fields["outcome"].choices = resolution.Outcome.choices
        else:
            for name in self.FOLLOW_UP_FIELDS:
                del self.fields[name]

    def outcomes(self) -> tuple[resolution.ClaimOutcome | None, resolution.FollowUpOutcome | None]:
        """The claim and follow-up outcomes, read as the API reads its body (one translation)."""
        return resolution.outcomes_from_fields(item=self.item, data=self.cleaned_data)

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Show the service's refusal next to the field it is about."""
        aliases = {"evidence": "confirm_evidence", "claim": None, "follow_up": "outcome"}
        for key, messages in errors.items():
            name = aliases.get(key, key)
            if name not in self.fields:
                name = None
            for message in messages:
                self.add_error(name, message)


class DismissForm(forms.Form):
    reason = forms.CharField(
        label="Why does this item need no action?", widget=forms.Textarea(attrs={"rows": 2})
    )


class ReleaseForm(forms.Form):
    reason = forms.CharField(label="Reason (optional)", required=False, max_length=500)
