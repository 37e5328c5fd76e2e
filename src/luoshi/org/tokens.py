"""API tokens: issued for a limited time, listed, revoked (by the owner, the system or security
administrator, and all at once when the password changes or the person is disabled). Only the hash is
stored, and the events name a token by its id and prefix, never by the token itself."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events.services import record
from luoshi.org import access
from luoshi.org.models import ApiToken, Person, hash_token
from luoshi.text import check_text

NAME_MAX = 50
REASON_MAX = 30


def max_days() -> int:
    return int(settings.LUOSHI_TOKEN_DAYS)


def create(person: Person, *, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """The row and the raw token, unchecked and unaudited: `issue` is the service."""
    raw = "ls_" + secrets.token_urlsafe(32)
    lifetime = timedelta(days=max_days() if days is None else days)
    token = ApiToken.objects.create(
        person=person, key_hash=hash_token(raw), prefix=raw[:8], name=name, expires_at=timezone.now() + lifetime
    )
    return token, raw


def _may_act_on(actor: Person | None, person: Person) -> bool:
    """The owner, an administrator of people or of security, or the server's command line (no actor)."""
    if actor is None:
        return True
    return actor.pk == person.pk or access.can_manage_org(actor) or access.can_manage_security(actor)


def issue(person: Person, *, actor: Person | None, name: str = "", days: int | None = None) -> str:
    """A new token for `person`, valid `days` (at most LUOSHI_TOKEN_DAYS, the default): the raw token,
    shown once. Only the person himself asks for one (or the server's `luoshi token create`)."""
    return issue_row(person, actor=actor, name=name, days=days)[1]


def issue_row(person: Person, *, actor: Person | None, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """`issue`, with the new row too (the API and the page show it)."""
    if actor is not None and actor.pk != person.pk:
        raise NotAllowed(_("Only the person himself asks for an API token."))
    if not person.is_active:
        raise InvalidInput(_("A disabled person gets no API token."), "person")
    name = check_text(name or "", "name", multiline=False)
    if len(name) > NAME_MAX:
        raise InvalidInput(_("A token's name has at most 50 characters."), "name")
    if days is not None and not 1 <= days <= max_days():
        raise InvalidInput(_("A token lasts 1 to {days} days.").format(days=max_days()), "days")
    with transaction.atomic():
        token, raw = create(person, name=name, days=days)
        record(
            actor,
            "token.issued",
            "token",
            token.pk,
            unit_id=person.unit_id,
            after={
                "person": person.pk,
                "prefix": token.prefix,
                "name": name,
                "expires_at": token.expires_at.isoformat() if token.expires_at else None,
                **({} if actor is not None else {"via": "cli"}),
            },
        )
    return token, raw


def _check_reason(reason: str) -> str:
    reason = check_text(reason or "", "reason", multiline=False)
    if not reason or len(reason) > REASON_MAX:
        raise InvalidInput(_("Give a short reason (at most 30 characters)."), "reason")
    return reason


def revoke(token: ApiToken, *, actor: Person | None, reason: str) -> None:
    """Revoke one token. Revoking a revoked token changes nothing and records nothing (a second click)."""
    if not _may_act_on(actor, token.person):
        raise NotAllowed(_("Only the owner or an administrator revokes a token."))
    reason = _check_reason(reason)
    with transaction.atomic():
        now = timezone.now()
        if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now, revoke_reason=reason):
            token.revoked_at, token.revoke_reason = now, reason
            _record_revoked(actor, token, reason)


def revoke_all(person: Person, *, actor: Person | None, reason: str) -> int:
    """Revoke every live token of `person` (a password change or reset, a disabled person): how many."""
    if not _may_act_on(actor, person):
        raise NotAllowed(_("Only the owner or an administrator revokes tokens."))
    reason = _check_reason(reason)
    with transaction.atomic():
        now = timezone.now()
        live = list(ApiToken.objects.select_for_update().filter(person=person, revoked_at__isnull=True))
        ApiToken.objects.filter(pk__in=[t.pk for t in live]).update(revoked_at=now, revoke_reason=reason)
        for token in live:
            token.person = person
            _record_revoked(actor, token, reason)
    return len(live)


def _record_revoked(actor: Person | None, token: ApiToken, reason: str) -> None:
    record(
        actor,
        "token.revoked",
        "token",
        token.pk,
        unit_id=token.person.unit_id,
        after={"person": token.person_id, "prefix": token.prefix, "reason": reason},
    )


def tokens_of(person: Person) -> QuerySet[ApiToken]:
    """The person's tokens, newest first."""
    return ApiToken.objects.filter(person=person).order_by("-created_at", "-pk")
