"""The reviewers' page (/review/): server-rendered views that translate a click into one call of
tracker/queue.py and a refusal into a message. No rule lives here."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from claims.errors import DomainError

from . import queue, selectors
from .forms import DismissForm, ReleaseForm, ResolveForm
from .models import ReviewItem
from .roles import is_reviewer

# Every refusal a reviewer can meet: shown as a message, never a server error.
REFUSALS = DomainError


def reviewer_required(view):
    @wraps(view)
    @login_required(login_url="review:login")
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not is_reviewer(request.user):
            # Signed in, but not a reviewer: say which group is needed and who can grant it.
            return render(request, "tracker/not_a_reviewer.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _lost_lease_messages(request: HttpRequest) -> list:
    return selectors.recent_lost_leases(request.user)


@require_GET
@reviewer_required
def queue_page(request: HttpRequest) -> HttpResponse:
    topic = request.GET.get("topic") or None
    context = {
        "counts": selectors.queue_counts(),
        "my_items": selectors.my_items(request.user),
        "waiting": selectors.waiting_items(request.user),
        "lost": _lost_lease_messages(request),
        "timeline": selectors.deadline_timeline(topic=topic),
        "lanes": selectors.TIMELINE_LANES,
        "assessments": selectors.claims_by_assessment(topic=topic),
        "topics": selectors.topics_with_claims(),
        "topic": topic,
        "lease_minutes": settings.REVIEW_LEASE_MINUTES,
        "now": timezone.now(),
    }
    return render(request, "tracker/queue.html", context)


@require_POST
@reviewer_required
def take_next(request: HttpRequest) -> HttpResponse:
    try:
        item = queue.take_next(by=request.user)
    except REFUSALS as exc:
        messages.error(request, str(exc))
        return redirect("review:queue")
    if item is None:
        messages.info(request, "Nothing is waiting in the queue. Well done.")
        return redirect("review:queue")
    messages.success(request, f"You took item #{item.pk}. {_lease_text(item)}")
    return redirect("review:item", pk=item.pk)


def _lease_text(item: ReviewItem) -> str:
    until = timezone.localtime(item.lease_expires_at)
    return f"It is yours until {until:%H:%M} unless you renew it."


def _item_context(request: HttpRequest, item: ReviewItem, **forms) -> dict:
    claim_context = selectors.claim_context(item.claim) if item.claim_id else None
    held = item.state == ReviewItem.State.CLAIMED and item.assignee_id == request.user.pk
    lost = [row for row in _lost_lease_messages(request) if row.pk == item.pk]
    return {
        "item": item,
        "claim": item.claim,
        "ctx": claim_context,
        "item_history": selectors.item_history(item),
        "held": held,
        "lost": lost,
        "closed": item.state in (ReviewItem.State.RESOLVED, ReviewItem.State.DISMISSED),
        "resolve_form": forms.get("resolve_form")
        or ResolveForm(item=item, evidence=claim_context.evidence if claim_context else ()),
        "dismiss_form": forms.get("dismiss_form") or DismissForm(),
        "release_form": ReleaseForm(),
        "now": timezone.now(),
    }


@require_GET
@reviewer_required
def item_page(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get_item(pk)
    return render(request, "tracker/item.html", _item_context(request, item))


def _get_item(pk: int) -> ReviewItem:
    try:
        return selectors.item_detail(pk)
    except ReviewItem.DoesNotExist:
        return get_object_or_404(ReviewItem, pk=pk)


def _simple_move(request: HttpRequest, pk: int, move, done: str, **kwargs) -> HttpResponse:
    item = get_object_or_404(ReviewItem, pk=pk)
    try:
        move(item=item, by=request.user, **kwargs)
    except REFUSALS as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done.format(item=item))
    return redirect("review:item", pk=pk)


@require_POST
@reviewer_required
def item_take(request: HttpRequest, pk: int) -> HttpResponse:
    return _simple_move(request, pk, queue.take, "You took item #{item.pk}.")


@require_POST
@reviewer_required
def item_renew(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = settings.REVIEW_LEASE_MINUTES
    return _simple_move(request, pk, queue.renew, f"Lease renewed: {minutes} more minutes.")


@require_POST
@reviewer_required
def item_release(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReleaseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    item = get_object_or_404(ReviewItem, pk=pk)
    try:
        queue.release(item=item, by=request.user, reason=reason)
    except REFUSALS as exc:
        messages.error(request, str(exc))
        return redirect("review:item", pk=pk)
    messages.success(request, f"Item #{pk} is back in the queue.")
    return redirect("review:queue")


@require_POST
@reviewer_required
def item_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get_item(pk)
    form = DismissForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            queue.dismiss(item=item, by=request.user, reason=form.cleaned_data["reason"])
        except REFUSALS as exc:
            form.add_error(None, str(exc))
            status = getattr(exc, "http_status", 409)
        else:
            messages.success(request, f"Item #{pk} dismissed.")
            return redirect("review:queue")
    context = _item_context(request, item, dismiss_form=form)
    return render(request, "tracker/item.html", context, status=status)


@require_POST
@reviewer_required
def item_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get_item(pk)
    evidence = selectors.claim_context(item.claim).evidence if item.claim_id else ()
    form = ResolveForm(request.POST, item=item, evidence=evidence)
    status = 400
    if form.is_valid():
        claim, follow_up = form.outcomes()
        try:
            queue.resolve(
                item=item,
                by=request.user,
                note=form.cleaned_data["note"],
                claim=claim,
                follow_up=follow_up,
            )
        except queue.InvalidResolution as exc:
            form.add_service_errors(exc.errors)
        except REFUSALS as exc:
            form.add_error(None, str(exc))
            status = getattr(exc, "http_status", 409)
        else:
            messages.success(request, _resolved_text(pk))
            return redirect("review:item", pk=pk)
    item = _get_item(pk)  # the refused move changed nothing; show the stored state
    context = _item_context(request, item, resolve_form=form)
    return render(request, "tracker/item.html", context, status=status)


def _resolved_text(pk: int) -> str:
    item = selectors.item_detail(pk)
    text = f"Item #{pk} resolved."
    if item.claim_id:
        claim = item.claim
        text += (
            f" Claim #{claim.pk} is now {claim.get_state_display().lower()}, "
            f"assessed {claim.get_assessment_display().lower()}."
        )
    if item.follow_up_id:
        text += f" Follow-up “{item.follow_up}” is {item.follow_up.get_state_display().lower()}."
    return text
