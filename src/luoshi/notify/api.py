"""The caller's own inbox: notifications, newest first, and marking them read."""

from datetime import datetime

from ninja import Field, Router, Schema
from ninja.pagination import paginate

from luoshi.notify.models import Notification
from luoshi.notify.services import do_mark_read
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
    qs = Notification.objects.filter(recipient=request.auth)
    return qs.filter(read_at__isnull=True) if unread else qs


class ReadIn(BodyIn):
    ids: list[Id] | None = Field(None, max_length=1000, description="The notifications to mark; none means all.")


class MarkedOut(Schema):
    marked: int


@router.post("/read", response={200: MarkedOut, **errors()})
def mark_read(request, payload: ReadIn):
    """Mark the given notifications (or all) of the caller as read."""
    return {"marked": do_mark_read(request.auth, payload.ids)}
