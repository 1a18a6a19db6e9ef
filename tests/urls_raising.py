"""The project's URLs plus one view that fails, for the logging tests."""

from django.urls import path

from config.urls import urlpatterns as project_urlpatterns


def fail(request):
    raise RuntimeError("the view failed on purpose")


urlpatterns = [path("fail/", fail), *project_urlpatterns]
