"""Routes for config.settings.claims_only: the admin, all that claims serves by itself."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
