"""sitemap.xml: an index of sitemap pages (`sitemap-<section>.xml?p=N`) that between them hold
the list and every published fact-check, with when it last changed. One sitemap of 5,000 held
the first 5,000 fact-checks only; pages of LIMIT keep each quick to build (a page is rendered
in Python, about 0.13 ms an address)."""

from types import SimpleNamespace

from django.contrib.sitemaps import Sitemap
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max
from django.urls import reverse
from django.utils.functional import cached_property

from .addresses import page_path
from .selectors import public_claims


class IdRangePages:
    """A sitemap's pages as ranges of ids (page N: ids from (N-1)*limit to N*limit), read
    along the primary key. Django's paginator counted every published claim and skipped
    OFFSET rows to reach a page: 0.5 s for page 500 of a million. A range holds at most
    `limit` addresses, fewer where ids were skipped or claims are not public."""

    def __init__(self, items, limit: int):
        self.items, self.limit = items, limit

    @cached_property
    def num_pages(self) -> int:
        last = self.items.order_by("-id").values_list("id", flat=True).first()
        return max(1, -(-last // self.limit)) if last else 1

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(number) from exc
        if not 1 <= number <= self.num_pages:
            raise EmptyPage(number)
        first = (number - 1) * self.limit + 1
        rows = self.items.filter(id__gte=first, id__lt=first + self.limit)
        return SimpleNamespace(object_list=rows)


class FactCheckSitemap(Sitemap):
    changefreq = "weekly"
    limit = 500

    def items(self):
        return (
            public_claims()
            .only("id", "statement", "summary", "last_published_at", "updated_at")
            .order_by("id")
        )

    @property
    def paginator(self):
        return IdRangePages(self.items(), self.limit)

    def get_latest_lastmod(self):
        # Django's own reads every item to find the latest; the index asks for it. Read off
        # claim_public_feed_idx, as the Atom feed is.
        return public_claims().aggregate(latest=Max("last_published_at"))["latest"]

    def location(self, claim):
        return page_path(claim)

    def lastmod(self, claim):
        # When the public page last changed: the claim's last publication (an edit while
        # published is one); updated_at also moves for what the page does not show.
        return claim.last_published_at or claim.updated_at


class ListSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return ["publishing:list"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"fact-checks": FactCheckSitemap, "pages": ListSitemap}
