from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Claimtracker"
admin.site.site_title = "Claimtracker"
admin.site.index_title = "Claims, scenarios and follow-ups"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("review/", include("tracker.urls")),
]
