"""The production URLs plus the baseline view, which exists only under bench.api_settings."""

from django.urls import path

from config.urls import urlpatterns as production_urlpatterns

from .api_baseline import claims_baseline

urlpatterns = [path("bench/claims/", claims_baseline), *production_urlpatterns]
