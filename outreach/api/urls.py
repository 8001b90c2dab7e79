"""Routes under /api/. DRF authenticates (session or token) and refuses anonymous requests itself,
so these views opt out of the login-redirect middleware, which cannot see a token."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import threads, views

app_name = "api"


def _api(view):
    return login_not_required(view.as_view())


urlpatterns = [
    path("demarches/", _api(views.DemarcheList), name="demarche-list"),
    path("demarches/<str:reference_id>/", _api(views.DemarcheDetail), name="demarche-detail"),
    path("posts/<slug:code>/tasks/", _api(views.PostTasks), name="post-tasks"),
    path("tasks/<int:pk>/", _api(views.TaskDetail), name="task-detail"),
    path("tasks/<int:pk>/status/", _api(views.TaskDetail), name="task-status"),
    path("cables/", _api(views.CableIngest), name="cable-ingest"),
    path("threads/<int:dpost_pk>/messages/", _api(threads.ThreadMessages), name="thread-messages"),
    path("threads/<int:dpost_pk>/messages/<int:message_pk>/", _api(threads.ThreadMessage), name="thread-message"),
    path("threads/<int:dpost_pk>/files/<int:attachment_pk>/", _api(threads.ThreadFile), name="thread-file"),
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    # The split view serves Swagger UI's setup script as a file: the CSP forbids inline scripts.
    path(
        "docs/", login_not_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"
    ),
]
