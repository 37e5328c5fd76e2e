"""Every sign-in act is an event, from Django's auth signals (connected in OrgConfig.ready): "login",
"login.failed" (result "failed", or "refused" while the username or address is locked), "login.locked"
(luoshi.org.lockout), "logout" (after {"reason": "idle"} or "expired" when the session timed out). The
client's address is the request's (luoshi.events.middleware)."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from luoshi.events.services import record
from luoshi.org import lockout, sessions
from luoshi.org.models import Person

# Set on the request by luoshi.org.middleware_identity before it logs a timed-out session out.
LOGOUT_REASON = "luoshi_logout_reason"


@receiver(user_logged_in, dispatch_uid="luoshi.org.signin.logged_in")
def on_logged_in(sender: Any, request: HttpRequest | None, user: Person, **kwargs: Any) -> None:
    if request is not None:
        lockout.notice_expiry(lockout.canonical(user.get_username()), lockout.address_of(request))
        if hasattr(request, "session"):
            sessions.stamp_sign_in(request.session)
    record(user, "login", "person", user.pk, unit_id=user.unit_id)


@receiver(user_logged_out, dispatch_uid="luoshi.org.signin.logged_out")
def on_logged_out(sender: Any, request: HttpRequest | None, user: Person | None, **kwargs: Any) -> None:
    if user is None or not getattr(user, "pk", None):
        return
    reason = getattr(request, LOGOUT_REASON, None)
    record(user, "logout", "person", user.pk, unit_id=user.unit_id, after={"reason": reason} if reason else None)


@receiver(user_login_failed, dispatch_uid="luoshi.org.signin.login_failed")
def on_login_failed(sender: Any, credentials: dict, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """After axes' own receiver (the axes app is installed first), which has counted the failure."""
    if request is None:  # e.g. a script's authenticate() without a request: axes refused it already
        return
    typed = str(credentials.get("username") or "")[:150]
    username, address = lockout.canonical(typed), lockout.address_of(request)
    person = lockout.person_named(username)
    refused = getattr(request, "axes_locked_out", False) and getattr(request, "axes_failures_since_start", 0) is None
    if not refused:  # a counted failure: first the end of a lock that ran out, then this failure
        lockout.notice_expiry(username, address)
    record(
        person,
        "login.failed",
        "person" if person else "login",
        person.pk if person else 0,
        unit_id=person.unit_id if person else None,
        after={"username": typed, **({"locked": True} if refused else {})},
        result="refused" if refused else "failed",
    )
    if not refused and getattr(request, "axes_locked_out", False):
        lockout.record_new_locks(username, address)
