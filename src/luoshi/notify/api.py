"""The caller's own inbox: notifications, newest first, and marking them read; and their notification
settings (which kinds are muted, which channels carry each)."""

from datetime import datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from luoshi.notify import kinds
from luoshi.notify.models import Notification
from luoshi.notify.preferences import (
    ALL_CHANNELS,
    CHANNEL_LABELS,
    Choice,
    Setting,
    active_channel_kinds,
    do_set_preferences,
    settings_of,
)
from luoshi.notify.services import do_mark_read
from luoshi.org.caller import caller
from luoshi.schemas import BodyIn, Id, Page, errors

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read: bool

    @staticmethod
    def resolve_read(obj) -> bool:
        return obj.read_at is not None

    # Title and body in the request's language (Accept-Language), as the inbox shows them.
    @staticmethod
    def resolve_title(obj) -> str:
        return obj.shown_title

    @staticmethod
    def resolve_body(obj) -> str:
        return obj.shown_body


@router.get("", response={200: list[NotificationOut], **errors()})
@paginate(Page)
def my_notifications(request, unread: bool = False):
    qs = Notification.objects.filter(recipient=caller(request))
    return qs.filter(read_at__isnull=True) if unread else qs


class ReadIn(BodyIn):
    ids: list[Id] | None = Field(None, max_length=1000, description="The notifications to mark; none means all.")


class MarkedOut(Schema):
    marked: int


@router.post("/read", response={200: MarkedOut, **errors()})
def mark_read(request, payload: ReadIn):
    """Mark the given notifications (or all) of the caller as read."""
    return {"marked": do_mark_read(caller(request), payload.ids)}


# /api/v1/me/notification-settings: the caller's own preferences per kind of notice.
me_router = Router(tags=["notifications"])


def _known_kind(value: str) -> str:
    if kinds.get(value) is None:
        raise PydanticCustomError("kind", _("Unknown kind of notice: {kind}."), {"kind": value})
    return value


def _known_channel(value: str) -> str:
    if value not in ALL_CHANNELS:
        raise PydanticCustomError("channel", _("Unknown channel: {channel}."), {"channel": value})
    return value


KindName = Annotated[str, Field(min_length=1, max_length=kinds.KIND_MAX), AfterValidator(_known_kind)]
ChannelName = Annotated[
    str, Field(max_length=20, json_schema_extra={"enum": list(ALL_CHANNELS)}), AfterValidator(_known_channel)
]


class SettingIn(BodyIn):
    kind: KindName
    muted: bool = False
    channels: list[ChannelName] = Field(max_length=len(ALL_CHANNELS) * 2, description="Outside channel kinds.")


class SettingsIn(BodyIn):
    items: list[SettingIn] = Field(max_length=200, description="The kinds to change; the others keep theirs.")


class SettingOut(Schema):
    kind: str
    label: str
    mutable: bool
    muted: bool
    channels: list[str]


class ChannelOut(Schema):
    kind: str
    label: str


class SettingsOut(Schema):
    items: list[SettingOut]
    available_channels: list[ChannelOut] = Field(description="The outside channels set up, that one may choose.")


def _settings_out(settings: list[Setting]) -> dict:
    return {
        "items": [
            {"kind": s.kind, "label": s.label, "mutable": s.mutable, "muted": s.muted, "channels": list(s.channels)}
            for s in settings
        ],
        "available_channels": [{"kind": c, "label": str(CHANNEL_LABELS[c])} for c in active_channel_kinds()],
    }


@me_router.get("/notification-settings", response={200: SettingsOut, **errors()})
def my_notification_settings(request):
    """Each registered kind of notice: whether it can be muted, is muted, and the channels chosen."""
    return _settings_out(settings_of(caller(request)))


@me_router.put("/notification-settings", response={200: SettingsOut, **errors(403)})
def set_my_notification_settings(request, payload: SettingsIn):
    """Mute kinds or choose their channels. The urging ladder's kinds cannot be muted (400)."""
    choices = [Choice(item.kind, item.muted, item.channels) for item in payload.items]
    return _settings_out(do_set_preferences(caller(request), caller(request), choices))
