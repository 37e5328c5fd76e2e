"""Taking a problem in (受理) from any channel, and triage (分拣): accept, reject with a reason, or mark as
a duplicate of an original (whose outcome its reporters then see). Every write records an event on the
problem's timeline; a repeated submission key returns the first problem."""

import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from luoshi.duties.services import require_office, resolve_now
from luoshi.errors import Conflict, InvalidInput, NotFound
from luoshi.events.services import record
from luoshi.org.models import Person
from luoshi.public import categories
from luoshi.public.models import Broadcast, Channel, Open311Key, Problem, Status
from luoshi.text import check_text

CONTENT_MAX = 4000
PLACE_MAX = 200
NAME_MAX = 60
CONTACT_MAX = 100
# 20 characters of a 32-letter alphabet without look-alikes (no 0/O, 1/I/L): 100 bits, in groups of four.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(20))
    return "-".join(raw[i : i + 4] for i in range(0, 20, 4))


def normal_code(code: str) -> str:
    """A tracking code as typed (lower case, spaces, no dashes) in its stored form."""
    raw = "".join(ch for ch in (code or "").upper() if ch in ALPHABET)
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4)) if len(raw) == 20 else ""


@dataclass
class Submission:
    """What a problem is made of, as any channel sends it (checked by `clean`)."""

    channel: str
    category: str
    content: str
    place: str = ""
    reporter_name: str = ""
    reporter_contact: str = ""
    lat: Decimal | float | str | None = None
    lon: Decimal | float | str | None = None
    urgent: bool = False
    reporter_consents: bool = False
    broadcast: int | None = None


def _bounded(value: str, field: str, limit: int, *, multiline: bool = False, required: bool = False) -> str:
    text = check_text(value or "", field, multiline=multiline, required=required)
    if len(text) > limit:
        raise InvalidInput(_("At most {n} characters.").format(n=limit), field)
    return text


def _coordinate(value: object, field: str, limit: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(_("Give a number in degrees."), field) from None
    if not number.is_finite() or not -limit <= number <= limit:
        raise InvalidInput(_("Give a number from -{n} to {n}.").format(n=limit), field)
    return number.quantize(Decimal("0.000001"))


def clean(s: Submission) -> dict:
    """The problem's fields, or InvalidInput naming the first bad one."""
    if s.channel not in Channel.values:
        raise InvalidInput(_("Choose a channel: {codes}.").format(codes=", ".join(Channel.values)), "channel")
    fields = {
        "channel": s.channel,
        "category": categories.by_name(s.category),
        "content": _bounded(s.content, "content", CONTENT_MAX, multiline=True, required=True),
        "place": _bounded(s.place, "place", PLACE_MAX),
        "reporter_name": _bounded(s.reporter_name, "reporter_name", NAME_MAX),
        "reporter_contact": _bounded(s.reporter_contact, "reporter_contact", CONTACT_MAX),
        "lat": _coordinate(s.lat, "lat", 90),
        "lon": _coordinate(s.lon, "lon", 180),
        "urgent": bool(s.urgent),
        "reporter_consents": bool(s.reporter_consents),
    }
    if (fields["lat"] is None) != (fields["lon"] is None):
        raise InvalidInput(_("Give both coordinates or neither."), "lon" if fields["lon"] is None else "lat")
    if s.broadcast is not None:
        found = Broadcast.objects.filter(pk=s.broadcast).first() if 0 < s.broadcast < 2**31 else None
        if found is None:
            raise InvalidInput(_("No such episode."), "broadcast")
        fields["broadcast"] = found
    return fields


def problem_state(p: Problem) -> dict:
    return {"status": p.status, "lead_unit": p.lead_unit_id, "hot": p.hot}


def do_submit(
    actor: Person | None,
    submission: Submission,
    *,
    client: Open311Key | None = None,
    submission_key: str | None = None,
    now: datetime | None = None,
    address_digest: str = "",
) -> tuple[Problem, bool]:
    """Take a problem in: (problem, created). The office enters the hotline, TV, newspaper and tip channels;
    the public (no actor) only the web form, Open311 clients (a key) only theirs."""
    if actor is None:
        allowed = Channel.OPEN311 if client is not None else Channel.WEB
        if submission.channel != allowed:
            raise InvalidInput(_("This channel is not open to the public."), "channel")
    else:
        require_office(actor)
    fields = clean(submission)
    now = resolve_now(now)
    # A repeated key is found by the unique index refusing it: the first submission pays no lookup.
    try:
        with transaction.atomic():
            problem = Problem.objects.create(
                code=new_code(),
                created_at=now,
                created_by=actor,
                client=client,
                submission_key=submission_key or None,
                address_digest=address_digest,
                **fields,
            )
            record(
                actor,
                "problem.received",
                "problem",
                problem.pk,
                after={"channel": problem.channel, "category": problem.category.name, "status": problem.status},
                at=now,
            )
    except IntegrityError:
        if submission_key and (earlier := Problem.objects.filter(submission_key=submission_key).order_by("pk").first()):
            return earlier, False
        raise
    return problem, True


def locked(problem: Problem | int) -> Problem:
    pk = problem if isinstance(problem, int) else problem.pk
    found = Problem.objects.select_for_update(of=("self",)).select_related("category").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such problem."))
    return found


def _triage(actor: Person, problem: Problem, status: str, now: datetime, **changes: object) -> Problem:
    require_office(actor)
    with transaction.atomic():
        p = locked(problem)
        if p.status == status and all(getattr(p, k) == v for k, v in changes.items()):
            return p  # the same decision again: nothing changes, nothing is recorded
        if p.status != Status.PENDING:
            raise Conflict(_("Only a problem awaiting triage can be accepted, rejected or marked as a duplicate."))
        before = problem_state(p)
        p.status, p.triaged_at = status, now
        for k, v in changes.items():
            setattr(p, k, v)
        p.save(update_fields=["status", "triaged_at", *changes])
        after = {**problem_state(p), **{k: getattr(v, "pk", v) for k, v in changes.items()}}
        record(actor, f"problem.{status}", "problem", p.pk, before=before, after=after, at=now)
    return p


def do_accept(actor: Person, problem: Problem, now: datetime | None = None) -> Problem:
    return _triage(actor, problem, Status.ACCEPTED, resolve_now(now))


def do_reject(actor: Person, problem: Problem, reason: str, now: datetime | None = None) -> Problem:
    reason = _bounded(reason, "reason", 1000, multiline=True, required=True)
    return _triage(actor, problem, Status.REJECTED, resolve_now(now), reject_reason=reason)


def root_of(problem: Problem) -> Problem:
    """The original a chain of duplicates leads to."""
    seen = {problem.pk}
    while problem.duplicate_of_id is not None and problem.duplicate_of_id not in seen:
        seen.add(problem.duplicate_of_id)
        problem = Problem.objects.get(pk=problem.duplicate_of_id)
    return problem


def do_mark_duplicate(actor: Person, problem: Problem, of: int, now: datetime | None = None) -> Problem:
    """A duplicate of `of` (or of the original `of` is itself a duplicate of): its reporters see the
    original's progress and reply from then on."""
    require_office(actor)
    original = Problem.objects.filter(pk=of).first() if isinstance(of, int) and 0 < of < 2**63 else None
    if original is None:
        raise InvalidInput(_("No such problem."), "of")
    original = root_of(original)
    if original.pk == problem.pk:
        raise InvalidInput(_("A problem cannot duplicate itself."), "of")
    if original.status in (Status.REJECTED, Status.PENDING):
        raise InvalidInput(_("The original must be an accepted problem."), "of")
    return _triage(actor, problem, Status.DUPLICATE, resolve_now(now), duplicate_of=original)
