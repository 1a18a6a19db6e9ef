"""The Atom feed of fact-checks: each published claim, the last published, corrected or
updated first. A claim republished with a changed verdict after re-review comes back to the
top, titled as a correction, with what changed."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .addresses import page_path
from .corrections import corrections_by_claim
from .selectors import feed_claims


class FactCheckFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("%(organisation)s: fact-checks") % {
            "organisation": settings.CLAIMTRACKER_ORGANISATION_NAME
        }

    def subtitle(self):
        return _("Published fact-checks and their corrections, newest first.")

    def link(self):
        return reverse("publishing:list")

    def items(self):
        claims = feed_claims(settings.PUBLIC_FEED_ITEMS)
        corrections = corrections_by_claim([claim.pk for claim in claims])
        for claim in claims:
            claim.public_corrections = corrections[claim.pk]
        return claims

    def item_title(self, claim):
        verdict = claim.get_assessment_display()
        if claim.public_corrections:
            return _("Corrected: %(summary)s — %(verdict)s") % {
                "summary": claim.short_summary(),
                "verdict": verdict,
            }
        return f"{claim.short_summary()} — {verdict}"

    def item_description(self, claim):
        lines = [claim.statement]
        if claim.assessment_note:
            lines.append(f"{claim.get_assessment_display()}: {claim.assessment_note}")
        for correction in claim.public_corrections:
            lines.append(
                _("Correction of %(date)s: %(old)s → %(new)s. %(note)s")
                % {
                    "date": correction.when.date().isoformat(),
                    "old": correction.old_verdict,
                    "new": correction.new_verdict,
                    "note": correction.note,
                }
            )
        return "\n\n".join(line.strip() for line in lines)

    def item_link(self, claim):
        return page_path(claim)

    def item_guid(self, claim):
        return f"tag:claimtracker,fact-check:{claim.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, claim):
        return claim.first_published_at

    def item_updateddate(self, claim):
        return claim.last_published_at

    def item_author_name(self, claim):
        return settings.CLAIMTRACKER_ORGANISATION_NAME

    def item_categories(self, claim):
        return [claim.topic.name] if claim.topic_id else []
