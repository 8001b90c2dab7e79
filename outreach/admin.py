"""Admin for the demarche models. Nothing is deleted here either: rows are flagged, tasks cancelled."""

from django.contrib import admin

from .models import Demarche, DemarchePost, PostTask, ReplyMatch, TaskEvent


class NoDelete:
    def has_delete_permission(self, request, obj=None):
        return False


class DemarchePostInline(NoDelete, admin.TabularInline):
    model = DemarchePost
    extra = 0
    fields = ["post", "assigned_officer", "acknowledged_at", "acknowledged_by", "removed", "added_after_issue"]
    raw_id_fields = ["post", "assigned_officer", "acknowledged_by"]


@admin.register(Demarche)
class DemarcheAdmin(NoDelete, admin.ModelAdmin):
    list_display = ["reference_id", "state", "owner", "deliver_by", "report_by", "created_at"]
    list_filter = ["state"]
    search_fields = ["reference_id", "subject"]
    raw_id_fields = ["cable", "owner", "issued_by", "closed_by"]
    readonly_fields = ["version", "created_at"]
    inlines = [DemarchePostInline]


@admin.register(DemarchePost)
class DemarchePostAdmin(NoDelete, admin.ModelAdmin):
    list_display = ["demarche", "post", "acknowledged_at", "removed"]
    list_filter = ["removed"]
    search_fields = ["demarche__reference_id", "post__name"]
    raw_id_fields = ["demarche", "post", "assigned_officer", "acknowledged_by"]


@admin.register(PostTask)
class PostTaskAdmin(NoDelete, admin.ModelAdmin):
    list_display = ["demarche", "post", "audience", "kind", "status", "due", "needs_attention"]
    list_filter = ["kind", "status"]
    search_fields = ["demarche__reference_id", "post__name", "instruction"]
    raw_id_fields = ["demarche", "demarche_post", "post", "assigned_to", "completed_by", "reply_cable"]
    readonly_fields = ["version", "created_at", "updated_at"]


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
