"""The reviewers' page, mounted at /review/."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import scenario_views, views

app_name = "review"

urlpatterns = [
    path("", views.queue_page, name="queue"),
    path("take-next/", views.take_next, name="take-next"),
    path("items/<int:pk>/", views.item_page, name="item"),
    path("items/<int:pk>/take/", views.item_take, name="take"),
    path("items/<int:pk>/renew/", views.item_renew, name="renew"),
    path("items/<int:pk>/release/", views.item_release, name="release"),
    path("items/<int:pk>/resolve/", views.item_resolve, name="resolve"),
    path("items/<int:pk>/dismiss/", views.item_dismiss, name="dismiss"),
    path("scenarios/", scenario_views.scenario_list, name="scenarios"),
    path("scenarios/compare/", scenario_views.scenario_compare, name="scenario-compare"),
    path("scenarios/<int:pk>/", scenario_views.scenario_board, name="scenario"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="tracker/login.html", next_page="review:queue"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="review:login"), name="logout"),
]
