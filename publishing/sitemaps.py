"""sitemap.xml: an index of sitemap pages (`sitemap-<section>.xml?p=N`) that between them hold
the list and every published fact-check, with when it last changed. One sitemap of 5,000 held
the first 5,000 fact-checks only; pages of LIMIT keep each quick to build (a page is rendered
in Python, about 0.13 ms an address)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .addresses import page_path
from .selectors import public_claims


class FactCheckSitemap(Sitemap):
    changefreq = "weekly"
    limit = 1000

    def items(self):
        return public_claims().only("id", "statement", "summary", "updated_at").order_by("id")

    def location(self, claim):
        return page_path(claim)

    def lastmod(self, claim):
        return claim.updated_at


class ListSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return ["publishing:list"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"fact-checks": FactCheckSitemap, "pages": ListSitemap}
