from django.contrib import admin
from django.urls import include, path

from tracker.health import healthz

admin.site.site_header = "Claimtracker"
admin.site.site_title = "Claimtracker"
admin.site.index_title = "Claims, scenarios and follow-ups"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("review/", include("tracker.urls")),
]
