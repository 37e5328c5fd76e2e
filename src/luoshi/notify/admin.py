from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.events.admin import ReadOnlyAdmin
from luoshi.events.admin_audit import AuditedAdmin
from luoshi.notify.models import Channel, Delivery, DeliveryAttempt
from luoshi.org.admin_roles import RoleAdmin
from luoshi.org.models import Role
from luoshi.workdays import calendar
from luoshi.workdays.hours import delivery_hours


@admin.register(Channel)
class ChannelAdmin(RoleAdmin, AuditedAdmin):
    """The system administrator's setting. Changes are audited (a webhook moved elsewhere would carry
    every notice with it)."""

    delete_roles = (Role.ADMIN,)

    list_display = ["name", "kind", "url", "active"]
    list_filter = ["kind", "active"]


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["at", "ok", "detail"]


@admin.register(Delivery)
class DeliveryAdmin(RoleAdmin, ReadOnlyAdmin):
    """The delivery log: every message to an outside channel and each attempt's outcome. The system
    administrator looks (a failed delivery is on his to-do page); nobody changes it."""

    view_roles = (Role.ADMIN,)
    change_roles = ()
    add_roles = ()

    list_display = ["created_at", "channel", "to", "subject", "state", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "channel"]
    list_select_related = ["channel"]
    readonly_fields = ["state"]
    inlines = [AttemptInline]

    @admin.display(description=gettext_lazy("state"), ordering="status")
    def state(self, obj: Delivery) -> str:
        """Pending deliveries that wait for working hours say so, and until when."""
        held = obj.held_until(timezone.now(), delivery_hours(), calendar.load())
        if held:
            when = date_format(timezone.localtime(held), "Y-m-d H:i")
            return _("Waiting for working hours (until %(when)s)") % {"when": when}
        return str(obj.get_status_display())
