"""Dashboards and calendar links; included from outreach/urls.py, so names are outreach:dash_*."""

from django.urls import path

from . import dashboard_views as views

urlpatterns = [
    path("dashboards/", views.dash_overview, name="dashboard"),
    path("dashboards/overview/", views.dash_overview, name="dash_overview"),
    path("dashboards/demarches/", views.dash_demarches, name="dash_demarches"),
    path("dashboards/demarches/<str:reference_id>/", views.dash_demarche, name="dash_demarche"),
    path("dashboards/posts/<slug:code>/", views.dash_post, name="dash_post"),
    path("calendar/", views.calendar_links, name="calendar_links"),
    path("calendar/new/", views.calendar_create, name="calendar_create"),
    path("calendar/<int:pk>/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
