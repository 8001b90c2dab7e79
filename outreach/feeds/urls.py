"""Calendar links; included from outreach/urls.py, so the names are outreach:calendar_*."""

from django.urls import path

from . import views

urlpatterns = [
    path("calendar/", views.calendar_links, name="calendar_links"),
    path("calendar/new/", views.calendar_create, name="calendar_create"),
    path("calendar/<int:pk>/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
