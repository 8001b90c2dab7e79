"""Threads; included from outreach/urls.py, so the names are outreach:thread*."""

from django.urls import path

from . import views

urlpatterns = [
    path("threads/", views.thread_list, name="thread_list"),
    path("threads/<int:dpost_pk>/", views.thread, name="thread"),
    path("threads/<int:dpost_pk>/messages/<int:message_pk>/edit/", views.message_edit, name="thread_message_edit"),
    path("threads/<int:dpost_pk>/resolve/", views.resolve, name="thread_resolve"),
    path("threads/<int:dpost_pk>/files/<int:attachment_pk>/", views.download, name="thread_file"),
    path("tasks/<int:pk>/files/", views.task_attach, name="task_attach"),
]
