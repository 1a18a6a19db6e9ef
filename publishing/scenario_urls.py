from django.urls import path, re_path

from . import scenario_views as views

# The public scenario pages, under /scenarios/ (config/urls.py).
app_name = "scenarios"

urlpatterns = [
    path("", views.scenario_list, name="list"),
    path("compare/", views.scenario_compare, name="compare"),
    # As with fact-checks, only the id counts; any other slug redirects to the title's.
    re_path(r"^(?P<pk>[0-9]{1,18})-(?P<slug>[-\w]+)/$", views.scenario_board, name="board"),
    re_path(r"^(?P<pk>[0-9]{1,18})/$", views.scenario_board, {"slug": ""}, name="board-short"),
]
