"""The keys Open311 clients send as `api_key` when they post a request: issued to a client by the system
administrator or the supervision office (or the server's command line, `luoshi open311 key create`), shown
once, stored only as the SHA-256 digest with its first 8 characters as a prefix to tell keys apart. A
revoked key is refused (403). The events name a key by its id and prefix, never by the key itself."""

import hashlib
import secrets
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from luoshi.errors import Conflict, InvalidInput, NotAllowed, NotFound
from luoshi.events.models import Event
from luoshi.events.services import record
from luoshi.org import access
from luoshi.org.models import Person
from luoshi.public.models import Open311Key
from luoshi.text import check_text

NAME_MAX = 80
RAW_MAX = 200  # longer than any key we issue: refused unhashed
SUBJECT = "open311_key"


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def may_manage(actor: Person | None) -> bool:
    """The system administrator, the office, or the server's command line (no actor)."""
    return actor is None or access.can_manage_org(actor) or access.can_steer_lists(actor)


def _require(actor: Person | None) -> None:
    if not may_manage(actor):
        raise NotAllowed(_("Only an administrator or the office manages the Open311 keys."))


def key_state(k: Open311Key) -> dict:
    return {"name": k.name, "prefix": k.prefix, "revoked": k.revoked_at is not None}


def _stored_submission(actor: Person | None, submission_key: str | None) -> str | None:
    """A submission key as recorded: per person, so that two people's keys never collide."""
    if not submission_key:
        return None
    return hashlib.sha256(f"open311_key:{getattr(actor, 'pk', 0)}:{submission_key}".encode()).hexdigest()


def do_issue_key(
    actor: Person | None, name: str, now: datetime, *, submission_key: str | None = None
) -> tuple[Open311Key, str | None]:
    """A new key for the client `name`: (key, raw key), the raw key shown this once. A repeated submission
    key (Idempotency-Key) returns the key it issued and None: the raw key is not kept, so it cannot be
    shown again (revoke that key and issue another if the first answer was lost)."""
    _require(actor)
    name = check_text(name or "", "name", multiline=False, required=True)
    if len(name) > NAME_MAX:
        raise InvalidInput(_("At most {n} characters.").format(n=NAME_MAX), "name")
    stored = _stored_submission(actor, submission_key)
    with transaction.atomic():
        if stored and actor is not None:
            # One issuer's requests with a key queue here, so a double POST racing in stores once.
            list(Person.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True))
            earlier = (
                Event.objects.filter(subject_type=SUBJECT, kind="open311_key.issued", after__submission=stored)
                .values_list("subject_id", flat=True)
                .first()
            )
            if earlier is not None:
                key = Open311Key.objects.get(pk=earlier)
                if key.name != name:
                    raise Conflict(
                        _("This submission key (Idempotency-Key) was already used for another key."),
                        "submission_key",
                    )
                return key, None
        raw = secrets.token_urlsafe(32)
        key = Open311Key.objects.create(
            name=name, digest=digest_of(raw), prefix=raw[:8], created_at=now, created_by=actor
        )
        after = {**key_state(key), **({"submission": stored} if stored else {})}
        if actor is None:
            after["via"] = "cli"
        record(actor, "open311_key.issued", SUBJECT, key.pk, after=after, at=now)
    return key, raw


def do_revoke_key(actor: Person | None, key: Open311Key | int, now: datetime) -> tuple[Open311Key, bool]:
    """Revoke a key: (key, changed). Revoking it again changes nothing."""
    _require(actor)
    pk = key if isinstance(key, int) else key.pk
    with transaction.atomic():
        found = Open311Key.objects.select_for_update().filter(pk=pk).first() if 0 < pk < 2**31 else None
        if found is None:
            raise NotFound(_("No such Open311 key."))
        if found.revoked_at is not None:
            return found, False
        before = key_state(found)
        found.revoked_at = now
        found.save(update_fields=["revoked_at"])
        after = {**key_state(found), **({"via": "cli"} if actor is None else {})}
        record(actor, "open311_key.revoked", SUBJECT, found.pk, before=before, after=after, at=now)
    return found, True


def keys_for(actor: Person | None) -> QuerySet[Open311Key]:
    """Every key (never the key itself: only its digest is stored), for those who manage them."""
    _require(actor)
    return Open311Key.objects.order_by("pk")


def key_for(raw: str | None) -> Open311Key | None:
    """The active key an Open311 client sent, or None (unknown, revoked or malformed)."""
    if not raw or len(raw) > RAW_MAX:
        return None
    return Open311Key.objects.filter(digest=digest_of(raw), revoked_at__isnull=True).first()
