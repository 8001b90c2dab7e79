"""Routes under /api/. DRF authenticates (session or token) and refuses anonymous requests itself,
so these views opt out of the login-redirect middleware, which cannot see a token."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.db_router import read_from_replica

from . import threads, views

app_name = "api"


def _api(view, *, replica: bool = False):
    """`replica`: a read-only list, which reads from the replica when there is one."""
    view = view.as_view()
    return login_not_required(read_from_replica(view) if replica else view)


urlpatterns = [
    path("demarches/", _api(views.DemarcheList, replica=True), name="demarche-list"),
    path("demarches/<str:reference_id>/", _api(views.DemarcheDetail, replica=True), name="demarche-detail"),
    path("posts/<slug:code>/tasks/", _api(views.PostTasks, replica=True), name="post-tasks"),
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
