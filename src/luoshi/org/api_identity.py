"""Identity in the API: one's own password and sessions, the system administrator's reset and logout of a
person, the security administrator's lockouts. The services (passwords, sessions, lockout) check and audit."""

from datetime import datetime

from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from luoshi.errors import InvalidInput, NotAllowed, NotFound
from luoshi.org import access, lockout, passwords
from luoshi.org.caller import caller
from luoshi.org.models import USERNAME_MAX, Person
from luoshi.org.sessions import do_logout_everywhere
from luoshi.schemas import BodyIn, Id, errors

router = Router(tags=["identity"])


class PasswordIn(BodyIn):
    old: str = Field(..., max_length=passwords.PASSWORD_MAX)
    new: str = Field(..., max_length=passwords.PASSWORD_MAX)


class ChangedOut(Schema):
    changed: bool


class EndedOut(Schema):
    ended: bool


class ResetOut(Schema):
    person: int
    temporary_password: str = Field(description="Shown this once: the person must change it at sign-in.")


class LockoutOut(Schema):
    scope: str = Field(description='"username" or "address"')
    username: str | None
    address: str | None
    person: int | None = Field(description="Whom a locked username names (null: nobody).")
    failures: int
    until: datetime


class ReleaseIn(BodyIn):
    username: str | None = Field(None, max_length=USERNAME_MAX)
    address: str | None = Field(None, max_length=45)


class ReleasedOut(Schema):
    released: bool = Field(description="False when it was not locked (any more): nothing recorded.")


def _by_session(request: HttpRequest) -> bool:
    return not request.headers.get("Authorization", "").lower().startswith("bearer ")


def _no_store(response: HttpResponse) -> None:
    response["Cache-Control"] = "no-store"


@router.post("/me/password", response={200: ChangedOut, **errors(403)}, summary="Change my password")
def change_password(request, payload: PasswordIn, response: HttpResponse):
    """Every API token of the person is revoked (the one calling too); a session caller stays signed in."""
    passwords.do_change_password(caller(request), old=payload.old, new=payload.new)
    if _by_session(request):
        update_session_auth_hash(request, caller(request))
    _no_store(response)
    return {"changed": True}


@router.post("/me/logout-everywhere", response={200: EndedOut, **errors()}, summary="Log me out everywhere")
def logout_me_everywhere(request):
    """Every session of mine ends (this one too). API tokens stay valid."""
    do_logout_everywhere(caller(request), caller(request))
    return {"ended": True}


def _admin(request: HttpRequest) -> Person:
    person = caller(request)
    if not access.can_manage_org(person):
        raise NotAllowed("Only the system administrator resets passwords and ends a person's sessions.")
    return person


def _person(person_id: int) -> Person:
    found = Person.objects.filter(pk=person_id).first()
    if found is None:
        raise NotFound("No such person.")
    return found


@router.post(
    "/people/{person_id}/password-reset",
    response={200: ResetOut, **errors(403, 404)},
    summary="Reset a person's password (system administrator)",
)
def reset_password(request, person_id: Id, response: HttpResponse):
    """A temporary password, answered this once (never stored or recorded in clear); the person must
    change it at sign-in. His sessions end and his API tokens are revoked."""
    actor = _admin(request)  # before the lookup: others learn nothing of who exists
    temporary = passwords.do_reset_password(actor, _person(person_id))
    _no_store(response)
    return {"person": person_id, "temporary_password": temporary}


@router.post(
    "/people/{person_id}/logout-everywhere",
    response={200: EndedOut, **errors(403, 404)},
    summary="End every session of a person (system administrator)",
)
def logout_person_everywhere(request, person_id: Id):
    actor = _admin(request)
    do_logout_everywhere(actor, _person(person_id))
    return {"ended": True}


def _security(request: HttpRequest) -> Person:
    person = caller(request)
    if not access.can_manage_security(person):
        raise NotAllowed("Only the security administrator sees and releases lockouts.")
    return person


@router.get("/lockouts", response={200: list[LockoutOut], **errors(403)}, summary="Current sign-in lockouts")
def list_lockouts(request):
    """Usernames (known or not) and addresses locked now, the latest first (security administrator)."""
    return [
        {
            "scope": lock.scope,
            "username": lock.value if lock.scope == lockout.USERNAME else None,
            "address": lock.value if lock.scope == lockout.ADDRESS else None,
            "person": lock.person.pk if lock.person else None,
            "failures": lock.failures,
            "until": lock.until,
        }
        for lock in lockout.lockout_list(_security(request))
    ]


@router.post("/lockouts/release", response={200: ReleasedOut, **errors(403)}, summary="Release a lockout")
def release_lockout(request, payload: ReleaseIn):
    """Give `username` or `address`. Releasing what is not locked answers released false."""
    actor = _security(request)
    if (payload.username is None) == (payload.address is None):
        raise InvalidInput("Give a username or an address.", "username")
    if payload.username is not None:
        return {"released": lockout.do_release_lockout(actor, lockout.USERNAME, payload.username)}
    return {"released": lockout.do_release_lockout(actor, lockout.ADDRESS, payload.address or "")}
