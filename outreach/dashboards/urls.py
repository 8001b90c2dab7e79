"""Dashboards; included from outreach/urls.py, so the names are outreach:dash_*."""

from django.urls import path

from . import views

urlpatterns = [
    path("dashboards/", views.dash_overview, name="dashboard"),
    path("dashboards/overview/", views.dash_overview, name="dash_overview"),
    path("dashboards/demarches/", views.dash_demarches, name="dash_demarches"),
    path("dashboards/demarches/<str:reference_id>/", views.dash_demarche, name="dash_demarche"),
    path("dashboards/posts/<slug:code>/", views.dash_post, name="dash_post"),
]

