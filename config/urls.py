from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.exceptions import api_not_found
from publishing.urls import (
    sitemap_index_kwargs,
    sitemap_index_view,
    sitemap_kwargs,
    sitemap_view,
)
from reports.views import new_report
from tracker.health import healthz

admin.site.site_header = "Claimtracker"
admin.site.site_title = "Claimtracker"
admin.site.index_title = "Claims, scenarios and follow-ups"

urlpatterns = [
    # Report intake (issue 15): an admin page of its own, behind the admin's login.
    path("admin/reports/new/", admin.site.admin_view(new_report), name="report-new"),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("review/", include("tracker.urls")),
    # The language switcher posts here (Django's set_language; tracker/_language_switcher.html).
    path("i18n/", include("django.conf.urls.i18n")),
    # Public fact-check pages and feeds (issue 12): no login.
    path("fact-checks/", include("publishing.urls", namespace="publishing")),
    # Public scenario boards, list and comparison (issue 17): no login.
    path("scenarios/", include("publishing.scenario_urls", namespace="scenarios")),
    path("sitemap.xml", sitemap_index_view, sitemap_index_kwargs, name="sitemap"),
    path("sitemap-<section>.xml", sitemap_view, sitemap_kwargs, name="sitemap-section"),
    # REST API (issue 4): the API itself, its OpenAPI schema, and Swagger UI served from the
    # drf-spectacular-sidecar static files (no CDN).
    path("api/v1/", include("api.router", namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its script from /api/docs/?script, so the page needs no inline
    # script under the Content-Security-Policy; its inline style carries the nonce.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="api/swagger_ui.html"
        ),
        name="api-docs",
    ),
    re_path(r"^api/", api_not_found),
]

# Under /api/ a server error is answered in the API's error format (api/exceptions.py).
handler500 = "api.exceptions.server_error"
