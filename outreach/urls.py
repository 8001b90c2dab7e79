from django.urls import include, path

from . import views

app_name = "outreach"
urlpatterns = [
    path("demarches/", views.demarche_list, name="demarche_list"),
    path("demarches/from-cable/<int:cable_pk>/", views.demarche_create, name="demarche_create"),
    path("demarches/<str:reference_id>/", views.demarche_detail, name="demarche_detail"),
    path("demarches/<str:reference_id>/edit/", views.demarche_update, name="demarche_update"),
    path("demarches/<str:reference_id>/issue/", views.demarche_issue, name="demarche_issue"),
    path("demarches/<str:reference_id>/close/", views.demarche_close, name="demarche_close"),
    path("demarches/<str:reference_id>/posts/add/", views.demarche_add_post, name="demarche_add_post"),
    path("demarches/<str:reference_id>/posts/<int:dpost_pk>/remove/", views.demarche_remove_post,
         name="demarche_remove_post"),
    path("demarches/<str:reference_id>/bulk/", views.demarche_bulk, name="demarche_bulk"),
    path("demarches/<str:reference_id>/reminders/", views.demarche_reminders, name="demarche_reminders"),
    path("replies/<int:pk>/decide/", views.reply_decide, name="reply_decide"),
    path("inbox/", views.inbox, name="inbox"),
    path("posts/<slug:post_code>/reminders/", views.post_reminders, name="post_reminders"),
    path("acknowledge/<int:dpost_pk>/", views.acknowledge, name="acknowledge"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/<str:action>/", views.task_action, name="task_action"),
    path("notifications/", include("outreach.notifications.urls")),
    # The sub-packages' pages, in the same namespace (outreach:dash_*, outreach:calendar_*).
    path("", include("outreach.dashboards.urls")),
    path("", include("outreach.feeds.urls")),
]
