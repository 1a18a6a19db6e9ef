"""The claim admin's side of similar claims: the "already
tracked?" hint on the add form (claims/static/claims/similar_claims.js asks `similar_view`),
and the two actions that link or merge duplicates through claims.duplicates."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.urls import reverse

from .duplicates import claim_mark_duplicate, claim_merge
from .errors import DomainError
from .similarity import similar_claims
from .visibility import visible_states


def similar_view(modeladmin, request):
    """JSON for the add form's hint: the claims most like `text` the user may see."""
    text = request.GET.get("text", "")[:20000]
    states = visible_states(request.user)
    found = similar_claims(
        text,
        language=request.GET.get("language", "")[:2],
        claims=modeladmin.model.objects.filter(state__in=states),
    )
    opts = modeladmin.opts
    return JsonResponse(
        {
            "results": [
                {
                    "id": m.claim.pk,
                    "statement": str(m.claim),
                    "claimant": m.claim.claimant.name,
                    "state": m.claim.get_state_display(),
                    "score": m.score,
                    "url": reverse(
                        f"admin:{opts.app_label}_{opts.model_name}_change", args=[m.claim.pk]
                    ),
                }
                for m in found
            ]
        }
    )


def _pair_action(description: str, act):
    """An action on exactly two selected claims: the one logged first is the original. `act`
    (duplicate, original, by, reason) returns the message to show; a refusal is shown instead."""

    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        claims = list(queryset.order_by("created_at", "pk")[:3])
        if len(claims) != 2:
            modeladmin.message_user(
                request,
                "Select exactly two claims: the one logged first is kept as the original.",
                messages.ERROR,
            )
            return
        original, duplicate = claims
        try:
            text = act(duplicate, original, request.user, request.POST.get("reason", ""))
        except (DomainError, ValidationError) as exc:
            modeladmin.message_user(request, f"Nothing was changed: {exc}", messages.ERROR)
            return
        modeladmin.message_user(request, text)

    action.__name__ = act.__name__
    return action


def _mark(duplicate, original, by, reason) -> str:
    claim_mark_duplicate(duplicate=duplicate, original=original, by=by, note=reason)
    return f"Claim #{duplicate.pk} is marked a duplicate of #{original.pk}."


def _merge(duplicate, original, by, reason) -> str:
    result = claim_merge(duplicate=duplicate, original=original, by=by, reason=reason)
    return f"Claim #{duplicate.pk} merged into #{original.pk} ({result.summary()}) and archived."


mark_duplicate = _pair_action("Mark the later of two selected claims as a duplicate", _mark)
mark_duplicate.__name__ = "mark_duplicate"
merge_duplicate = _pair_action("Merge the later of two selected claims into the earlier", _merge)
merge_duplicate.__name__ = "merge_duplicate"
