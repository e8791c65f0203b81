from django.contrib import admin

from core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "actor", "auth_method", "target_type", "target_id", "ip"]
    list_filter = ["action", "auth_method"]
    search_fields = ["action", "target_id", "=subject_id"]
    date_hierarchy = "at"
    list_select_related = ["actor"]

    # The log is evidence: nobody edits or deletes it through the admin.
    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
