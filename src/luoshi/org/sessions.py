"""Sessions (等保): an idle timeout besides the absolute one, remembered devices, logout everywhere.

A session ends LUOSHI_IDLE_MINUTES after its last request, and SESSION_COOKIE_AGE after the sign-in
whatever the activity (Django's own expiry slides with every save of the session, so the sign-in time is
kept and checked here). A remembered session ("keep me signed in", luoshi.web.remember) is exempt from
both: its fixed expiry, within LUOSHI_REMEMBER_MAX_HOURS, is Django's. The last activity is written to the
session at most once a minute, so that reading pages does not write the session on every request.

Every session of a person ends at once when his session epoch is raised: it is part of the hash Django
checks on each request (Person._get_session_auth_hash).
"""

import time

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from luoshi.errors import NotAllowed
from luoshi.events.services import record
from luoshi.org import access
from luoshi.org.models import Person

SIGNED_IN_AT = "luoshi_signed_in_at"
LAST_SEEN = "luoshi_last_seen"
REMEMBERED = "luoshi_remembered"
WRITE_EVERY_SECONDS = 60


def idle_seconds() -> int:
    return int(getattr(settings, "LUOSHI_IDLE_MINUTES", 30)) * 60


def stamp_sign_in(session: SessionBase, now: float | None = None) -> None:
    """At the sign-in: its time and the first activity. Not remembered until the login form says so."""
    now = now or time.time()
    session[SIGNED_IN_AT] = session[LAST_SEEN] = int(now)
    session.pop(REMEMBERED, None)


def remember(session: SessionBase, on: bool) -> None:
    if on:
        session[REMEMBERED] = True
    else:
        session.pop(REMEMBERED, None)


def is_remembered(session: SessionBase) -> bool:
    return bool(session.get(REMEMBERED))


def ended(session: SessionBase, now: float | None = None) -> str | None:
    """Why a signed-in session is over: "idle", "expired" (signed in longer ago than SESSION_COOKIE_AGE),
    or None. A session with no stamps (begun before they existed) starts counting now."""
    if is_remembered(session):
        return None
    now = now or time.time()
    signed_in, seen = session.get(SIGNED_IN_AT), session.get(LAST_SEEN)
    if isinstance(signed_in, int) and now - signed_in > settings.SESSION_COOKIE_AGE:
        return "expired"
    if isinstance(seen, int) and now - seen > idle_seconds():
        return "idle"
    return None


def touch(session: SessionBase, now: float | None = None) -> None:
    """Note the activity, writing the session at most once a minute."""
    now = int(now or time.time())
    seen = session.get(LAST_SEEN)
    if not isinstance(seen, int) or now - seen >= WRITE_EVERY_SECONDS:
        session[LAST_SEEN] = now
        session.setdefault(SIGNED_IN_AT, now)


def end_sessions(person: Person) -> None:
    """Every session of the person ends at its next request (the epoch is in the session's hash)."""
    Person.objects.filter(pk=person.pk).update(session_epoch=F("session_epoch") + 1)
    person.refresh_from_db(fields=["session_epoch"])


def do_logout_everywhere(actor: Person, person: Person) -> None:
    """The person himself, or the system administrator: every session of the person, on every device,
    ends (this one too, when it is his own). API tokens are not sessions: they stay (revoke them apart)."""
    if actor.pk != person.pk and not access.can_manage_org(actor):
        raise NotAllowed(_("Only the person himself or the system administrator ends his sessions."))
    with transaction.atomic():
        end_sessions(person)
        record(
            actor,
            "session.ended_everywhere",
            "person",
            person.pk,
            unit_id=person.unit_id,
            after={"by": "self" if actor.pk == person.pk else "admin"},
        )
