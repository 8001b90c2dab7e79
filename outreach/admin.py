"""Admin for the demarche models. Nothing is deleted here either: rows are flagged, tasks cancelled.

A demarche's state and dates, a task's status and due date and a post's acknowledgement change only
through the services (the pages, the API, the commands), which move the tasks, notify the posts and
keep the dashboards' counts; here they are read-only. Any other edit still bumps the version and
leaves a TaskEvent (services.history.save_admin_edit).
"""

from django import forms
from django.contrib import admin

from .forms import BoundedTexts
from .models import (
    Attachment,
    CalendarFeed,
    Demarche,
    DemarchePost,
    DemarcheStats,
    DigestLog,
    Message,
    MessageEmail,
    MessageRevision,
    Notification,
    OverviewSnapshot,
    PersonReminderPreference,
    PostReminderPreference,
    PostTask,
    ReminderEmail,
    ReminderLog,
    ReminderSweep,
    ReplyMatch,
    StoredFile,
    TaskEvent,
    TaskingTally,
)
from .services.history import save_admin_edit


class NoDelete:
    def has_delete_permission(self, request, obj=None):
        return False


class BoundedAdminForm(BoundedTexts, forms.ModelForm):
    """The admin keeps the bounds the pages and the API keep."""


class VersionedAdmin(NoDelete, admin.ModelAdmin):
    """Saves an edit like a service: version bumped, history written."""

    form = BoundedAdminForm

    def save_model(self, request, obj, form, change):
        if not (change and form.changed_data):
            return super().save_model(request, obj, form, change)
        changes = {name: (form.initial.get(name), form.cleaned_data.get(name)) for name in form.changed_data}
        save_admin_edit(obj, changes, by=request.user)


# A post's acknowledgement and removal go through services.acknowledge and services.remove_post.
DEMARCHE_POST_WORKFLOW = ["acknowledged_at", "acknowledged_by", "acknowledged_note", "removed", "added_after_issue"]


class DemarchePostInline(NoDelete, admin.TabularInline):
    model = DemarchePost
    extra = 0
    fields = ["post", "assigned_officer", "acknowledged_at", "acknowledged_by", "removed", "added_after_issue"]
    readonly_fields = DEMARCHE_POST_WORKFLOW
    raw_id_fields = ["post", "assigned_officer"]


@admin.register(Demarche)
class DemarcheAdmin(VersionedAdmin):
    list_display = ["reference_id", "state", "owner", "deliver_by", "report_by", "created_at"]
    list_filter = ["state"]
    search_fields = ["reference_id", "subject"]
    raw_id_fields = ["cable", "owner"]
    # Issue, close and due dates: services.issue_demarche, close_demarche, update_demarche.
    readonly_fields = ["version", "created_at", "state", "deliver_by", "report_by", "issued_at", "issued_by",
                       "closed_at", "closed_by"]
    inlines = [DemarchePostInline]


@admin.register(DemarchePost)
class DemarchePostAdmin(NoDelete, admin.ModelAdmin):
    list_display = ["demarche", "post", "acknowledged_at", "removed"]
    list_filter = ["removed"]
    search_fields = ["demarche__reference_id", "post__name"]
    raw_id_fields = ["demarche", "post", "assigned_officer"]
    readonly_fields = DEMARCHE_POST_WORKFLOW


@admin.register(PostTask)
class PostTaskAdmin(VersionedAdmin):
    list_display = ["demarche", "post", "audience", "kind", "status", "due", "needs_attention"]
    list_filter = ["kind", "status"]
    search_fields = ["demarche__reference_id", "post__name", "instruction"]
    raw_id_fields = ["demarche", "demarche_post", "post", "assigned_to", "reply_cable"]
    # Status and due date: the workflow services (services/workflow.py, bulk_extend, update_task).
    readonly_fields = ["version", "created_at", "updated_at", "status", "status_reason", "due", "completed_at",
                       "completed_by", "delivered_on"]


@admin.register(TaskEvent)
class TaskEventAdmin(NoDelete, admin.ModelAdmin):
    list_display = ["at", "demarche", "task", "actor", "action"]
    list_filter = ["action"]
    search_fields = ["demarche__reference_id"]

    def has_change_permission(self, request, obj=None):
        return False  # history is append-only


@admin.register(ReplyMatch)
class ReplyMatchAdmin(NoDelete, admin.ModelAdmin):
    list_display = ["cable", "demarche", "post", "state", "created_at"]
    list_filter = ["state"]
    raw_id_fields = ["demarche", "cable", "post", "task", "decided_by"]


class ReadOnly(NoDelete):
    """Logs and derived figures: written by the system, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["task", "kind", "window_key", "status", "via_digest", "sent_at"]
    list_filter = ["kind", "status", "via_digest"]
    search_fields = ["task__demarche__reference_id", "recipient"]
    raw_id_fields = ["task", "digest", "sweep"]


@admin.register(ReminderSweep)
class ReminderSweepAdmin(ReadOnly, admin.ModelAdmin):
    """The ledger of sweeps: what each emailed, left for a digest, could not deliver, or skipped and why."""

    list_display = ["now", "started_at", "finished_at", "counts"]
    date_hierarchy = "started_at"


@admin.register(ReminderEmail)
class ReminderEmailAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["recipient", "sweep", "single", "status", "attempts", "sent_at"]
    list_filter = ["status", "single"]
    search_fields = ["recipient"]
    raw_id_fields = ["user", "sweep", "reminders"]


@admin.register(PersonReminderPreference)
class PersonReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "immediate_kinds", "updated_at"]
    raw_id_fields = ["user"]


@admin.register(DigestLog)
class DigestLogAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["post", "local_date", "status", "attempts", "sent_at"]
    list_filter = ["status"]
    raw_id_fields = ["post"]


@admin.register(PostReminderPreference)
class PostReminderPreferenceAdmin(NoDelete, admin.ModelAdmin):
    list_display = ["post", "daily_digest", "updated_at", "updated_by"]
    raw_id_fields = ["post", "updated_by"]


@admin.register(Notification)
class NotificationAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["user", "text", "created_at", "read_at"]
    search_fields = ["user__username", "text"]
    raw_id_fields = ["user"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(NoDelete, admin.ModelAdmin):
    list_display = ["user", "kind", "post", "created_at", "revoked_at", "last_used_at"]
    list_filter = ["kind"]
    readonly_fields = ["token_hash", "created_at", "last_used_at"]
    raw_id_fields = ["user", "post"]


@admin.register(DemarcheStats)
class DemarcheStatsAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["demarche", "posts", "delivery_done", "delivery_total", "report_done", "report_total"]
    raw_id_fields = ["demarche"]


@admin.register(TaskingTally)
class TaskingTallyAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["demarche_post", "audience", "due", "deliver_done", "deliver_total", "report_done", "report_total"]
    raw_id_fields = ["demarche_post", "demarche", "post"]
    list_select_related = ["demarche_post__demarche", "demarche_post__post"]


@admin.register(OverviewSnapshot)
class OverviewSnapshotAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["today", "since", "region", "computed_at"]
    exclude = ["data"]


# Threads (outreach/threads/): history as written, changed only through the services' edit window.
@admin.register(Message)
class MessageAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["demarche_post", "author", "from_desk", "is_question", "answered_at", "created_at"]
    list_filter = ["from_desk", "is_question"]
    search_fields = ["demarche_post__demarche__reference_id", "body"]
    raw_id_fields = ["demarche_post", "task", "author", "answered_by"]


@admin.register(MessageRevision)
class MessageRevisionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["message", "replaced_at", "replaced_by"]
    raw_id_fields = ["message", "replaced_by"]


@admin.register(MessageEmail)
class MessageEmailAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["message", "recipient", "status", "via_digest", "sent_at"]
    list_filter = ["status", "via_digest"]
    raw_id_fields = ["message", "digest"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnly, admin.ModelAdmin):
    """Metadata only: a file leaves through the download view, which checks access."""

    list_display = ["name", "demarche_post", "content_type", "size", "uploaded_by", "created_at"]
    exclude = ["file"]
    raw_id_fields = ["demarche_post", "message", "task", "uploaded_by"]


@admin.register(StoredFile)
class StoredFileAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["name", "size", "created_at"]
    exclude = ["data"]
