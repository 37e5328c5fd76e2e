"""Lists are read-only in the admin: every change goes through lists.services (and leaves an event)."""

from django.contrib import admin

from luoshi.events.admin import ReadOnlyAdmin
from luoshi.lists.models import ResponsibilityList


@admin.register(ResponsibilityList)
class ResponsibilityListAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "status", "leader", "deadline", "closed_late"]
    list_filter = ["status", "source", "year"]
    search_fields = ["code", "title"]
    list_select_related = ["leader"]
