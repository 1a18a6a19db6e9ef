from django.contrib.sitemaps.views import index, sitemap
from django.urls import path, re_path

from . import views
from .feeds import FactCheckFeed
from .sitemaps import SITEMAPS

app_name = "publishing"

urlpatterns = [
    path("", views.fact_check_list, name="list"),
    path("feed.atom", views.public_cache(FactCheckFeed()), name="atom"),
    path("claimreview.jsonld", views.claim_review_feed, name="claimreview-feed"),
    path("language/", views.set_language, name="set-language"),
    # The slug is any letters (a Ukrainian summary gives a Ukrainian slug); only the id counts.
    re_path(r"^(?P<pk>[0-9]{1,18})-(?P<slug>[-\w]+)/$", views.fact_check, name="fact-check"),
    re_path(r"^(?P<pk>[0-9]{1,18})/$", views.fact_check, {"slug": ""}, name="fact-check-short"),
]

sitemap_index_view = views.public_cache(index)
sitemap_view = views.public_cache(sitemap)
sitemap_kwargs = {"sitemaps": SITEMAPS}
sitemap_index_kwargs = {**sitemap_kwargs, "sitemap_url_name": "sitemap-section"}
