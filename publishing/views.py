"""The public fact-check pages: no login, server-rendered, cacheable by any shared cache. Thin:
the selectors read, the templates show, this module speaks HTTP (404/410/301/304)."""

import json

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from django.utils.encoding import escape_uri_path
from django.utils.http import http_date
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from claims.admin_changelist import EstimatedCountPaginator
from claims.workflow import State

from . import selectors
from .addresses import absolute, page_path, scenario_path
from .claimreview import claim_review, embeddable_json, organisation
from .forms import FactCheckFilter


def _render(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    context = {"site_name": settings.CLAIMTRACKER_ORGANISATION_NAME, **context}
    return render(request, template, context, status=status)


def _public(request, response: HttpResponse) -> HttpResponse:
    """Any shared cache may keep the page for PUBLIC_PAGES_MAX_AGE seconds (it varies with
    Accept-Language, which LocaleMiddleware says). A reader who chose a language with the
    switcher gets it from a cookie, which the page does not vary on: that answer is private, so
    no shared cache hands it to readers of another language."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        patch_cache_control(response, private=True, max_age=settings.PUBLIC_PAGES_MAX_AGE)
    else:
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGES_MAX_AGE)
    return response


@csrf_exempt
@require_POST
def set_language(request):
    """Django's set_language without the CSRF token, so the public pages' switcher needs no
    token and they stay cacheable: a forged post could only change a reader's language."""
    return i18n.set_language(request)


def _conditional(request, response: HttpResponse, *, etag: str, last_modified=None):
    """The 304 when the reader's copy is current; else `response` with its validators."""
    timestamp = int(last_modified.timestamp()) if last_modified else None
    not_modified = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if not_modified is not None:
        return _public(request, not_modified)
    response.headers["ETag"] = etag
    if timestamp is not None:
        response.headers["Last-Modified"] = http_date(timestamp)
    return _public(request, response)


def tagged_page(request, template: str, context: dict, status: int = 200) -> HttpResponse:
    """A public page whose ETag is a hash of its own bytes: for pages that change with many
    rows (a list, a scenario board), where the bytes are cheap and always right."""
    response = _render(request, template, context, status=status)
    set_response_etag(response)
    return _conditional(request, response, etag=response.headers["ETag"])


def public_cache(view):
    """`view`'s answers are public for PUBLIC_PAGES_MAX_AGE seconds (feeds, sitemap)."""

    def public_view(request, *args, **kwargs):
        return _public(request, view(request, *args, **kwargs))

    return require_safe(public_view)


@require_safe
def fact_check_list(request):
    form = FactCheckFilter(request.GET or None)
    valid = form.is_valid() if request.GET else True
    filters = form.cleaned_data if request.GET and valid else {}
    claims = selectors.fact_check_list(
        topic=filters["topic"].slug if filters.get("topic") else "",
        verdict=filters.get("verdict", ""),
        search=filters.get("q", ""),
    )
    # Counted exactly up to a limit, beyond it the planner's estimate: a COUNT of a million
    # published claims would cost more than the page itself.
    paginator = EstimatedCountPaginator(claims, settings.PUBLIC_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return tagged_page(
        request,
        "publishing/fact_check_list.html",
        {
            "form": form,
            "page": page,
            "rows": [(claim, page_path(claim)) for claim in page.object_list],
            "filter_query": query.urlencode(),
            "filtered": bool(filters and any(filters.values())),
            "canonical": absolute(reverse("publishing:list"), request),
            "nav_current": "fact-checks",
        },
        status=200 if valid else 400,
    )


@require_safe
def fact_check(request, pk: str, slug: str):
    pk = int(pk)
    stamp = selectors.page_stamp(pk)
    if stamp is None or stamp.state != State.PUBLISHED:
        if stamp is not None and stamp.state == State.ARCHIVED and stamp.ever_published:
            return _public(request, _render(request, "publishing/gone.html", {}, status=410))
        raise Http404
    path = page_path(stamp)
    if escape_uri_path(request.path) != path:
        redirect = HttpResponsePermanentRedirect(path)
        return _public(request, redirect)
    not_modified = get_conditional_response(
        request, etag=stamp.etag, last_modified=int(stamp.last_modified.timestamp())
    )
    if not_modified is not None:
        return _public(request, not_modified)
    page = selectors.fact_check_page(pk)
    if page is None:  # unpublished between the two reads
        raise Http404
    canonical = absolute(path, request)
    review = claim_review(page.claim, url=canonical, published_at=page.claim.first_published_at)
    response = _render(
        request,
        "publishing/fact_check.html",
        {
            "page": page,
            "claim": page.claim,
            "canonical": canonical,
            "sources": list(page.claim.evidence.all()),
            "scenarios": [(s, scenario_path(s)) for s in page.scenarios],
            "claim_review_json": embeddable_json(review),
            "rating": review["reviewRating"],
        },
    )
    return _conditional(request, response, etag=stamp.etag, last_modified=stamp.last_modified)


@require_safe
def claim_review_feed(request):
    """Every published ClaimReview as a schema.org DataFeed, PUBLIC_FEED_PAGE_SIZE a page in
    id order; `Link: <…>; rel="next"` names the next page."""
    paginator = Paginator(selectors.review_feed_claims(), settings.PUBLIC_FEED_PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except InvalidPage as exc:
        raise Http404 from exc
    feed_path = reverse("publishing:claimreview-feed")

    def page_url(number: int) -> str:
        return absolute(f"{feed_path}?page={number}", request)

    elements = [
        claim_review(
            claim, url=absolute(page_path(claim), request), published_at=claim.first_published_at
        )
        for claim in page.object_list
    ]
    document = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "name": f"{settings.CLAIMTRACKER_ORGANISATION_NAME}: ClaimReview",
        "url": page_url(page.number),
        "publisher": organisation(),
        "dataFeedElement": elements,
    }
    modified = max((c.updated_at for c in page.object_list), default=None)
    if modified is not None:
        document["dateModified"] = modified.isoformat()
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False), content_type="application/ld+json"
    )
    links = []
    if page.has_next():
        links.append(f'<{page_url(page.next_page_number())}>; rel="next"')
    if page.has_previous():
        links.append(f'<{page_url(page.previous_page_number())}>; rel="prev"')
    if links:
        response.headers["Link"] = ", ".join(links)
    set_response_etag(response)
    return _conditional(request, response, etag=response.headers["ETag"])
