from django.contrib import admin

from luoshi.events.admin import ReadOnlyAdmin
from luoshi.notify.models import Channel, Delivery, DeliveryAttempt


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "url", "active"]
    list_filter = ["kind", "active"]


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["at", "ok", "detail"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """The delivery log: every message to an outside channel and each attempt's outcome."""

    list_display = ["created_at", "channel", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel"]
    list_select_related = ["channel"]
    inlines = [AttemptInline]
