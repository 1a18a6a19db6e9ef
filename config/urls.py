from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.exceptions import api_not_found
from tracker.health import healthz

admin.site.site_header = "Claimtracker"
admin.site.site_title = "Claimtracker"
admin.site.index_title = "Claims, scenarios and follow-ups"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("review/", include("tracker.urls")),
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
