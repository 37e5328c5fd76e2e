from django.contrib import admin

from luoshi.events.models import Event


class ReadOnlyAdmin(admin.ModelAdmin):
    """For facts that only services write: the admin may look, never touch."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """The audit trail."""

    list_display = ["at", "kind", "actor", "subject_type", "subject_id", "unit"]
    list_filter = ["kind", "subject_type"]
    list_select_related = ["actor", "unit"]
    date_hierarchy = "at"
