from datetime import datetime

from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from luoshi.notify.models import Notification
from luoshi.notify.services import do_mark_read

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


@router.get("", response=list[NotificationOut])
@paginate(LimitOffsetPagination)
def my_notifications(request, unread: bool = False):
    qs = Notification.objects.filter(recipient=request.auth)
    return qs.filter(read_at__isnull=True) if unread else qs


class ReadIn(Schema):
    ids: list[int] | None = None


@router.post("/read")
def mark_read(request, payload: ReadIn):
    """Mark the given notifications (or all) of the caller as read."""
    return {"marked": do_mark_read(request.auth, payload.ids)}
