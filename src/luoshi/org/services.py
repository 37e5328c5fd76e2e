"""The writes on units and people."""

from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.events.services import record
from luoshi.org import access
from luoshi.org.aliases import clean_aliases, taken_names
from luoshi.org.models import Person, Role, Unit, UnitKind, normalize_username, validate_username
from luoshi.text import check_text


def do_create_unit(
    actor: Person,
    *,
    name: str,
    kind: str,
    parent_id: int | None = None,
    aliases: list[str] | None = None,
    submission_key: str | None = None,
) -> tuple[Unit, bool]:
    """A unit, with its short names (luoshi.org.aliases's rules); its name may not be another unit's alias.
    Returns (unit, created); the same `submission_key` again returns the first unit (created False), refused
    with Conflict on "submission_key" when it came from another administrator or with another unit."""
    if not access.can_manage_org(actor):
        raise NotAllowed(_("Only an administrator manages units and people."))
    name = check_text(name, "name", multiline=False)
    if not name:
        raise InvalidInput(_("A name is required."), "name")
    if kind not in UnitKind.values:
        raise InvalidInput(_("Unknown kind of unit."), "kind")
    sent = (name, kind, parent_id, list(aliases or []))
    # Before the name's check: a repeat's name is its own unit's, which that check would refuse.
    if submission_key and (earlier := Unit.objects.filter(submission_key=submission_key).first()):
        return _same_unit(actor, earlier, sent), False
    if parent_id is not None and not Unit.objects.filter(pk=parent_id).exists():
        raise InvalidInput(_("No such parent unit."), "parent")
    try:
        with transaction.atomic():
            taken = taken_names()
            if name in taken:
                if taken[name] == name:
                    raise InvalidInput(_("A unit with this name exists already."), "name")
                raise InvalidInput(_("This name is a short name of {unit}.").format(unit=taken[name]), "name")
            cleaned = clean_aliases(aliases or [], name=name, taken=taken)
            unit = Unit.objects.create(
                name=name, kind=kind, parent_id=parent_id, aliases=cleaned, submission_key=submission_key or None
            )
            after = {"name": name, "kind": kind, **({"aliases": cleaned} if cleaned else {})}
            record(actor, "unit.created", "unit", unit.pk, unit_id=unit.pk, after=after)
    except IntegrityError:
        # The same POST raced in twice (the name or the key is unique): the other one stored it.
        raced = Unit.objects.filter(submission_key=submission_key).first() if submission_key else None
        if raced is None:
            raise
        return _same_unit(actor, raced, sent), False
    return unit, True


def _creator_is(actor: Person, kind: str, subject_type: str, pk: int) -> bool:
    """Whether `actor` made the row (its creation event's actor): a key is its sender's, not everyone's."""
    made_by = Event.objects.filter(kind=kind, subject_type=subject_type, subject_id=pk).values_list("actor_id")
    return made_by.first() == (actor.pk,)


def _same_unit(actor: Person, earlier: Unit, sent: tuple) -> Unit:
    """The unit made under the key, as long as this is the same request again (compared with the unit as it
    stands: one renamed since is another unit to a late retry, refused rather than answered wrongly)."""
    name, kind, parent_id, aliases = sent
    cleaned = clean_aliases(aliases, name=name, unit_id=earlier.pk)  # as they were cleaned the first time
    stored = (earlier.name, earlier.kind, earlier.parent_id, list(earlier.aliases or []))
    if stored != (name, kind, parent_id, cleaned) or not _creator_is(actor, "unit.created", "unit", earlier.pk):
        raise Conflict(_("This submission key (Idempotency-Key) was already used for another unit."), "submission_key")
    return earlier


def do_create_person(
    actor: Person,
    *,
    username: str,
    name: str,
    password: str,
    title: str = "",
    unit: int | None = None,
    roles: list[str] | None = None,
    supervised_units: list[int] | None = None,
    submission_key: str | None = None,
) -> tuple[Person, bool]:
    """A person. Returns (person, created); the same `submission_key` again returns the first person (created
    False), refused with Conflict on "submission_key" when it came from another administrator or with
    another person."""
    if not access.can_manage_org(actor):
        raise NotAllowed(_("Only an administrator manages units and people."))
    roles = list(dict.fromkeys(roles or []))
    supervised_units = list(dict.fromkeys(supervised_units or []))
    username = clean_username(username)
    name = check_text(name, "name", multiline=False)
    title = check_text(title, "title", multiline=False)
    sent = (username, name, title, unit, set(roles), set(supervised_units), password)
    # Before the username's check: a repeat's username is its own person's, which that check would refuse.
    if submission_key and (earlier := Person.objects.filter(submission_key=submission_key).first()):
        return _same_person(actor, earlier, sent), False
    check_roles(roles)
    if unit is not None and not Unit.objects.filter(pk=unit).exists():
        raise InvalidInput(_("No such unit."), "unit")
    if {Role.UNIT_HEAD, Role.LIAISON} & set(roles) and unit is None:
        raise InvalidInput(_("A unit head or liaison belongs to a unit."), "unit")
    if Unit.objects.filter(pk__in=supervised_units).count() != len(supervised_units):
        raise InvalidInput(_("No such unit among the supervised units."), "supervised_units")
    with transaction.atomic():
        if Person.objects.filter(username__iexact=username).exists():
            raise InvalidInput(_("This username is taken."), "username")
        person = Person(
            username=username,
            name=name,
            title=title,
            unit_id=unit,
            roles=roles,
            is_staff=is_staff_for(roles),
            submission_key=submission_key or None,
        )
        person.set_password(password)
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError as e:  # the same name in another case, or the same POST, at the same moment
            raced = Person.objects.filter(submission_key=submission_key).first() if submission_key else None
            if raced is not None:
                return _same_person(actor, raced, sent), False
            raise InvalidInput(_("This username is taken."), "username") from e
        person.supervised_units.set(supervised_units)
        record(
            actor,
            "person.created",
            "person",
            person.pk,
            unit_id=unit,
            after={"username": person.username, "roles": roles, "supervised_units": supervised_units},
        )
    return person, True


def _same_person(actor: Person, earlier: Person, sent: tuple) -> Person:
    """The person made under the key, as long as this is the same request again (compared with the person as
    stored; the password against its hash, without the upgrade of the hash that Person.check_password saves)."""
    *fields, password = sent
    supervised = set(earlier.supervised_units.values_list("pk", flat=True))
    stored = [earlier.username, earlier.name, earlier.title, earlier.unit_id, set(earlier.roles), supervised]
    if (
        stored != fields
        or not check_password(password, earlier.password)
        or not _creator_is(actor, "person.created", "person", earlier.pk)
    ):
        raise Conflict(
            _("This submission key (Idempotency-Key) was already used for another person."), "submission_key"
        )
    return earlier


def clean_username(raw: str) -> str:
    """Normalised (NFKC, stripped) and checked: letters, digits and . _ - @ only."""
    username = normalize_username(raw)
    try:
        validate_username(username)
    except ValidationError as e:
        raise InvalidInput(" ".join(e.messages), "username") from e
    return username


def do_create_admin(username: str, password: str, name: str = "", role: str = Role.ADMIN) -> Person:
    """The first system administrator, security administrator or auditor, from the command line on the server
    (`luoshi createadmin [--role security|auditor]`): no actor is signed in yet, so the event names none.
    Django's staff flag for /admin/ (not the auditor, whose pages are Luoshi's), never the superuser flag."""
    if role not in access.PRIVILEGED:
        raise InvalidInput(_("The role is admin, security or auditor."), "role")
    username = clean_username(username)
    name = check_text(name, "name", multiline=False)
    try:
        validate_password(password)
    except ValidationError as e:
        raise InvalidInput(" ".join(e.messages), "password") from e
    with transaction.atomic():
        if Person.objects.filter(username__iexact=username).exists():
            raise InvalidInput(_("This username is taken."), "username")
        person = Person(username=username, name=name, roles=[role], is_staff=is_staff_for([role]))
        person.set_password(password)
        person.save()
        record(
            None,
            "person.created",
            "person",
            person.pk,
            after={"username": person.username, "roles": [role], "via": "createadmin"},
        )
    return person


def check_roles(roles: list[str]) -> None:
    """Known roles, and at most one of the three privileged ones (三员分立): 400 on the field roles."""
    if unknown := [r for r in roles if r not in Role.values]:
        raise InvalidInput(_("Unknown role: {roles}").format(roles=", ".join(unknown)), "roles")
    if len(held := [r for r in access.PRIVILEGED if r in roles]) > 1:
        raise InvalidInput(
            _(
                "The system administrator, the security administrator and the auditor are different people: "
                "one person cannot hold {roles}."
            ).format(roles=" + ".join(str(Role(r).label) for r in held)),
            "roles",
        )


def is_staff_for(roles: list[str]) -> bool:
    """Django's admin site is where the system and security administrators work; nobody else goes there."""
    return bool({Role.ADMIN, Role.SECURITY} & set(roles))


def do_set_roles(actor: Person, person: Person, roles: list[str]) -> Person:
    """The security administrator grants and withdraws roles (not his own). Unchanged roles record nothing."""
    if not access.can_manage_security(actor):
        raise NotAllowed(_("Only the security administrator changes roles."))
    if actor.pk == person.pk:
        raise NotAllowed(_("Nobody changes his own roles."))
    roles = list(dict.fromkeys(roles))
    check_roles(roles)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if {Role.UNIT_HEAD, Role.LIAISON} & set(roles) and person.unit_id is None:
            raise InvalidInput(_("A unit head or liaison belongs to a unit."), "roles")
        before = list(person.roles)
        if set(before) == set(roles) and person.is_staff == is_staff_for(roles) and not person.is_superuser:
            return person
        person.roles, person.is_staff, person.is_superuser = roles, is_staff_for(roles), False
        person.save(update_fields=["roles", "is_staff", "is_superuser"])
        record(
            actor,
            "person.roles_changed",
            "person",
            person.pk,
            unit_id=person.unit_id,
            before={"roles": before},
            after={"roles": roles},
        )
    return person


def do_disable_person(actor: Person, person: Person) -> Person:
    """People are disabled, never deleted (events point at them): no sign-in, every session ended (the
    session epoch is part of the session's hash), every API token revoked. Twice is once."""
    from luoshi.org import tokens

    if not access.can_manage_org(actor):
        raise NotAllowed(_("Only an administrator manages units and people."))
    if actor.pk == person.pk:
        raise NotAllowed(_("Nobody disables his own account."))
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if not person.is_active:
            return person
        person.is_active = False
        person.session_epoch += 1
        person.save(update_fields=["is_active", "session_epoch"])
        revoked = tokens.revoke_all(person, actor=actor, reason="disabled")
        record(
            actor,
            "person.disabled",
            "person",
            person.pk,
            unit_id=person.unit_id,
            before={"is_active": True},
            after={"is_active": False, "tokens_revoked": revoked},
        )
    return person


def do_enable_person(actor: Person, person: Person) -> Person:
    """Sign-in again (tokens stay revoked: the person asks for new ones). Twice is once."""
    if not access.can_manage_org(actor):
        raise NotAllowed(_("Only an administrator manages units and people."))
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.is_active:
            return person
        person.is_active = True
        person.save(update_fields=["is_active"])
        record(
            actor,
            "person.enabled",
            "person",
            person.pk,
            unit_id=person.unit_id,
            before={"is_active": False},
            after={"is_active": True},
        )
    return person
