"""The admin's "New report" page: paste or upload a report, see the proposals highlighted in
its text, edit and tick them, accept. Nothing is stored before the editor accepts."""

import itertools

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from claims.errors import DomainError

from .forms import ClaimChoiceForm, FollowUpChoiceForm, ReportForm
from .proposals import Proposals
from .selectors import proposals_for
from .services import report_accept
from .text import report_text

EDITOR_PERMISSION = "claims.add_claim"


def highlighted(proposals: Proposals) -> SafeString:
    """The report's text with each proposal's words marked (claims and follow-ups told apart,
    each mark naming its proposals), everything else escaped."""
    spans = [(c.words.start, c.words.end, c.ref, "claim") for c in proposals.claims]
    spans += [(f.words.start, f.words.end, f.ref, "follow-up") for f in proposals.follow_ups]
    text = proposals.text
    cuts = sorted({0, len(text), *(s for s, *_ in spans), *(e for _, e, *_ in spans)})
    html = []
    for start, end in itertools.pairwise(cuts):
        inside = [(ref, kind) for s, e, ref, kind in spans if s <= start and end <= e]
        piece = escape(text[start:end])
        if not inside:
            html.append(piece)
            continue
        kinds = " ".join(sorted({f"mark-{kind}" for _, kind in inside}))
        refs = " ".join(ref for ref, _ in inside)
        html.append(f'<mark class="{kinds}" title="{refs}">{piece}</mark>')
    return mark_safe("".join(html))


def _proposal_forms(proposals: Proposals, data=None):
    claims = [(p, ClaimChoiceForm.for_proposal(p, data)) for p in proposals.claims]
    follow_ups = [(p, FollowUpChoiceForm.for_proposal(p, data)) for p in proposals.follow_ups]
    return claims, follow_ups


def new_report(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(EDITOR_PERMISSION):
        raise PermissionDenied
    context = {**admin.site.each_context(request), "title": "New report"}
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return TemplateResponse(request, "admin/reports/new_report.html", {**context, "form": form})
    data = form.cleaned_data
    try:
        upload = data.get("upload")
        text = (
            report_text(data=upload.read(), filename=upload.name)
            if upload
            else report_text(text=data["text"])
        )
    except DomainError as error:
        form.add_error("upload", str(error))
        return TemplateResponse(request, "admin/reports/new_report.html", {**context, "form": form})
    proposals = proposals_for(text=text, dateline=data["dateline"])
    accepting = "accept" in request.POST
    claim_forms, follow_up_forms = _proposal_forms(proposals, request.POST if accepting else None)
    context |= {
        "form": ReportForm(initial={**data, "text": text, "upload": None}),
        "proposals": proposals,
        "highlighted": highlighted(proposals),
        "claim_forms": claim_forms,
        "follow_up_forms": follow_up_forms,
    }
    if not accepting:
        return TemplateResponse(request, "admin/reports/new_report.html", context)
    valid = all(f.is_valid() for _, f in claim_forms + follow_up_forms)
    if valid:
        chosen_claims = [f.proposal(p.ref) for p, f in claim_forms if f.cleaned_data["take"]]
        chosen_fus = [f.proposal(p.ref) for p, f in follow_up_forms if f.cleaned_data["take"]]
        if not chosen_claims and not chosen_fus:
            messages.warning(request, "Tick at least one proposal to accept.")
            return TemplateResponse(request, "admin/reports/new_report.html", context)
        try:
            accepted = report_accept(
                claims=chosen_claims,
                follow_ups=chosen_fus,
                dateline=data["dateline"],
                source_url=data["source_url"],
                source_title=data["source_title"],
                by=request.user,
            )
        except (DomainError, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return TemplateResponse(request, "admin/reports/new_report.html", context)
        messages.success(
            request,
            f"Accepted {len(accepted.claims)} draft claim(s) and "
            f"{len(accepted.follow_ups)} follow-up(s) from {accepted.source.url}.",
        )
        return TemplateResponse(
            request,
            "admin/reports/accepted.html",
            {**admin.site.each_context(request), "title": "Report accepted", "accepted": accepted},
        )
    messages.error(request, "Some proposals need correcting; nothing was stored.")
    return TemplateResponse(request, "admin/reports/new_report.html", context)
