"""Notifications; included from outreach/urls.py, so the names are outreach:notification*."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("<int:pk>/open/", views.notification_open, name="notification_open"),
    path("read-all/", views.notification_read_all, name="notifications_read_all"),
    path("reminders/", views.reminder_preferences, name="reminder_preferences"),
]
