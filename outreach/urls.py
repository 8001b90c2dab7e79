from django.urls import include, path

from .views import cables, confirm, demarches, tasks

app_name = "outreach"
urlpatterns = [
    # Under /cables/ beside the cable pages; receiving a cable is outreach's (it matches replies).
    path("cables/ingest/", cables.cable_ingest, name="cable_ingest"),
    path("demarches/", demarches.demarche_list, name="demarche_list"),
    path("demarches/from-cable/<int:cable_pk>/", demarches.demarche_create, name="demarche_create"),
    path("demarches/<str:reference_id>/", demarches.demarche_detail, name="demarche_detail"),
    path("demarches/<str:reference_id>/edit/", demarches.demarche_update, name="demarche_update"),
    path("demarches/<str:reference_id>/issue/", demarches.demarche_issue, name="demarche_issue"),
    path("demarches/<str:reference_id>/confirm-posts/", demarches.demarche_confirm_posts,
         name="demarche_confirm_posts"),
    path("demarches/<str:reference_id>/close/", confirm.demarche_close, name="demarche_close"),
    path("demarches/<str:reference_id>/reopen/", confirm.demarche_reopen, name="demarche_reopen"),
    path("demarches/<str:reference_id>/posts/add/", demarches.demarche_add_post, name="demarche_add_post"),
    path("demarches/<str:reference_id>/posts/<int:dpost_pk>/remove/", confirm.demarche_remove_post,
         name="demarche_remove_post"),
    path("demarches/<str:reference_id>/posts/<int:dpost_pk>/restore/", confirm.demarche_restore_post,
         name="demarche_restore_post"),
    path("demarches/<str:reference_id>/bulk/", demarches.demarche_bulk, name="demarche_bulk"),
    path("demarches/<str:reference_id>/reminders/", demarches.demarche_reminders, name="demarche_reminders"),
    path("replies/<int:pk>/decide/", demarches.reply_decide, name="reply_decide"),
    path("inbox/", tasks.inbox, name="inbox"),
    path("posts/<slug:post_code>/reminders/", tasks.post_reminders, name="post_reminders"),
    path("acknowledge/<int:dpost_pk>/", tasks.acknowledge, name="acknowledge"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task_detail"),
    path("tasks/<int:pk>/reporting-cable.txt", tasks.reporting_cable, name="reporting_cable"),
    # Threads and files (outreach/threads/): before task_action, whose <action> would take "files".
    path("", include("outreach.threads.urls")),
    path("tasks/<int:pk>/<str:action>/", tasks.task_action, name="task_action"),
    path("notifications/", include("outreach.notifications.urls")),
    # The sub-packages' pages, in the same namespace (outreach:dash_*, outreach:calendar_*).
    path("", include("outreach.dashboards.urls")),
    path("", include("outreach.feeds.urls")),
]
