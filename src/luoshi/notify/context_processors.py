from django.http import HttpRequest

from luoshi.notify.models import Notification


def unread(request: HttpRequest) -> dict:
    """The unread count in the header: one indexed count per page, only for signed-in people."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {"unread_notifications": lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count()}
