"""sitemap.xml: the list and every published fact-check, with when it last changed."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .addresses import page_path
from .selectors import public_claims


class FactCheckSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

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
