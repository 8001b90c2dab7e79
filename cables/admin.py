from django.contrib import admin

from .models import Cable, CableAddressee, CableReference, Collective, Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "region", "timezone", "active"]
    list_filter = ["region", "kind", "active"]
    search_fields = ["name", "code", "country", "city"]
    filter_horizontal = ["staff"]


@admin.register(Collective)
class CollectiveAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "as_of", "member_count"]
    search_fields = ["name", "key"]
    filter_horizontal = ["members"]

    @admin.display(description="Members")
    def member_count(self, obj: Collective) -> int:
        return obj.members.count()


class AddresseeInline(admin.TabularInline):
    model = CableAddressee
    extra = 0
    readonly_fields = ["role", "position", "raw", "kind", "post"]
    can_delete = False


class ReferenceInline(admin.TabularInline):
    model = CableReference
    extra = 0
    readonly_fields = ["reference_id", "letter"]
    can_delete = False


@admin.register(Cable)
class CableAdmin(admin.ModelAdmin):
    list_display = ["reference_id", "revision", "is_current", "subject", "status", "sent_at", "received_at"]
    list_filter = ["status", "is_current", "is_action_request", "classification"]
    search_fields = ["reference_id", "subject", "tags_text"]
    # A cable is kept exactly as received: the admin may look, not edit.
    readonly_fields = [f.name for f in Cable._meta.fields]
    inlines = [AddresseeInline, ReferenceInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CableAddressee)
class CableAddresseeAdmin(admin.ModelAdmin):
    list_display = ["cable", "role", "raw", "kind", "post"]
    list_filter = ["role", "kind"]
    search_fields = ["raw", "cable__reference_id"]
    raw_id_fields = ["cable", "post"]


@admin.register(CableReference)
class CableReferenceAdmin(admin.ModelAdmin):
    list_display = ["cable", "letter", "reference_id"]
    search_fields = ["reference_id", "cable__reference_id"]
    raw_id_fields = ["cable"]
