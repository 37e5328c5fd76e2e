"""The writes on talks (约谈): one held and recorded, one from the ladder's talk proposal (which leaves the
office's queue in the same step), and a batch of talks imported at once (the units' tallies).

Incidents, violations and accountability decisions are in oversight.cases_records; what a case may cite
(its reasons) and the double-submission rule all of them share are here. Every write is the office's or
the discipline role's (oversight.access.is_case_officer), one transaction and one event."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.duties import handoffs
from luoshi.duties.models import Duty, Escalation, HandlingRole, Step
from luoshi.duties.services import check_horizon, do_open_duties, resolve_now
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.events.services import record
from luoshi.org.models import Person, Unit
from luoshi.oversight.access import is_case_officer
from luoshi.oversight.models import CaseReason, Finding, Incident, ReasonKind, SubjectKind, Talk, TalkKind, Violation
from luoshi.text import check_text

MAX_REASONS = 50
IMPORT_BATCH = 2000
M = TypeVar("M", bound=models.Model)


def require_officer(actor: Person) -> None:
    if not is_case_officer(actor):
        raise NotAllowed(_("Only the supervision office and discipline inspection record talks and cases."))


# ---------------------------------------------------------------- reasons


def _citable(kind: str) -> models.QuerySet:
    """The records of a kind a case may cite. The writers (the officers) may read all of them; a list
    is cited once published (a draft caused nothing)."""
    from luoshi.lists.models import ListStatus, ResponsibilityList

    if kind == ReasonKind.LIST:
        return ResponsibilityList.objects.exclude(status=ListStatus.DRAFT)
    if kind == ReasonKind.FINDING:
        return Finding.objects.all()
    if kind == ReasonKind.TALK_PROPOSAL:
        return Escalation.objects.filter(step=Step.TALK_PROPOSAL)
    if kind == ReasonKind.INCIDENT:
        return Incident.objects.all()
    if kind == ReasonKind.VIOLATION:
        return Violation.objects.all()
    return Talk.objects.all()


def check_reasons(reasons: Sequence[tuple[str, int]], field: str = "reasons") -> list[tuple[str, int]]:
    """The reasons without repeats, each naming a stored record of its kind (one query per kind), or
    InvalidInput naming the field."""
    unique = list(dict.fromkeys((str(k), int(i)) for k, i in reasons))
    if len(unique) > MAX_REASONS:
        raise InvalidInput(_("At most {n} reasons.").format(n=MAX_REASONS), field)
    by_kind: dict[str, set[int]] = {}
    for kind, ref_id in unique:
        if kind not in ReasonKind.values:
            raise InvalidInput(_("Unknown kind of reason: {kind}.").format(kind=kind[:30]), field)
        by_kind.setdefault(kind, set()).add(ref_id)
    for kind, ids in by_kind.items():
        found = set(_citable(kind).filter(pk__in=ids).values_list("pk", flat=True))
        if missing := sorted(ids - found):
            raise InvalidInput(
                _("No such {kind} to cite: {ids}.").format(
                    kind=ReasonKind(kind).label, ids=", ".join(map(str, missing[:5]))
                ),
                field,
            )
    return unique


def store_reasons(case_type: str, case_id: int, reasons: Sequence[tuple[str, int]]) -> None:
    CaseReason.objects.bulk_create(
        CaseReason(case_type=case_type, case_id=case_id, kind=kind, ref_id=ref_id) for kind, ref_id in reasons
    )


# ---------------------------------------------------------------- double submission


def earlier_submission(model: type[M], actor: Person, submission_key: str | None) -> M | None:
    """The record this key created before (the same form or request sent twice), or None. Another
    person's key is refused: keys are random, so only a replayed request carries one."""
    if not submission_key:
        return None
    earlier = model._default_manager.filter(submission_key=submission_key).first()
    if earlier is not None and getattr(earlier, "created_by_id", None) != actor.pk:
        raise Conflict(_("This submission key (Idempotency-Key) was already used."), "submission_key")
    return earlier


def once(model: type[M], actor: Person, submission_key: str | None, create: Callable[[], M]) -> tuple[M, bool]:
    """create() in its own transaction, unless the key created a record already: (record, created). Two
    requests racing with one key: the unique key refuses the second, which returns the first's record."""
    if (earlier := earlier_submission(model, actor, submission_key)) is not None:
        return earlier, False
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        if (earlier := earlier_submission(model, actor, submission_key)) is None:
            raise
        return earlier, False


def check_day(day: date, field: str, now: datetime, *, past: bool = True) -> date:
    """A date within reason; `past`: not after today (what happened is recorded afterwards)."""
    today = timezone.localdate(now)
    check_horizon(day, field, today)
    if past and day > today:
        raise InvalidInput(_("This date is in the future."), field)
    return day


# ---------------------------------------------------------------- talks


@dataclass(frozen=True)
class TalkInput:
    kind: str
    held_on: date
    unit: Unit | None = None  # talked to the unit's head (no person), or the person's unit
    person: Person | None = None
    record: str = ""
    reasons: Sequence[tuple[str, int]] = ()
    talked_by: Person | None = None
    followup: str = ""  # what the unit must report on, by followup_deadline (a duty of the unit)
    followup_deadline: date | None = None


def _subject(unit: Unit | None, person: Person | None) -> tuple[str, Unit]:
    """(subject kind, unit): a person's case is kept under his unit (or the unit given)."""
    if person is not None:
        unit = unit or person.unit
        if unit is None:
            raise InvalidInput(_("This person belongs to no unit: name the unit."), "unit")
        return SubjectKind.PERSON, unit
    if unit is None:
        raise InvalidInput(_("Name the unit or the person."), "unit")
    return SubjectKind.UNIT, unit


def check_talk(data: TalkInput, now: datetime) -> tuple[str, Unit, str, str, list[tuple[str, int]]]:
    if data.kind not in TalkKind.values:
        raise InvalidInput(_("Unknown kind of talk."), "kind")
    subject_kind, unit = _subject(data.unit, data.person)
    check_day(data.held_on, "held_on", now)
    text = check_text(data.record, "record")
    followup = check_text(data.followup, "followup")
    if data.followup_deadline is not None:
        check_day(data.followup_deadline, "followup_deadline", now, past=False)
        if data.followup_deadline < timezone.localdate(now):
            raise InvalidInput(_("The follow-up deadline has already passed."), "followup_deadline")
        if not followup:
            raise InvalidInput(_("Say what the unit must follow up."), "followup")
    elif followup:
        raise InvalidInput(_("Give the follow-up a deadline."), "followup_deadline")
    return subject_kind, unit, text, followup, check_reasons(data.reasons)


def _talk_row(actor: Person, data: TalkInput, subject_kind: str, unit: Unit, text: str, followup: str, **extra) -> Talk:
    return Talk(
        kind=data.kind,
        subject_kind=subject_kind,
        unit=unit,
        person=data.person,
        talked_by=data.talked_by,
        held_on=data.held_on,
        record=text,
        followup=followup,
        followup_deadline=data.followup_deadline,
        created_by=actor,
        **extra,
    )


def _open_followup(talk: Talk, now: datetime) -> Duty | None:
    """The unit's follow-up report, a duty of the engine (owner kind "talk"), owed by the deadline."""
    if talk.followup_deadline is None:
        return None
    title = talk.followup.splitlines()[0][:150]
    duty = Duty.objects.create(
        owner_type=ContentType.objects.get_for_model(Talk),
        owner_id=talk.pk,
        unit=talk.unit,
        role=HandlingRole.LEAD,
        title=_("Talk follow-up: {what}").format(what=title)[:200],
        deadline=talk.followup_deadline,
        report_every_days=None,
    )
    do_open_duties([duty], now)
    handoffs.assigned([duty], now)
    return duty


def _talk_event(actor: Person, talk: Talk, reasons: Sequence[tuple[str, int]], now: datetime, **extra) -> None:
    after = {
        "kind": talk.kind,
        "subject": talk.subject_kind,
        "person": talk.person_id,
        "held_on": talk.held_on.isoformat(),
        "reasons": [f"{k}:{i}" for k, i in reasons],
        **extra,
    }
    record(actor, "talk.created", "talk", talk.pk, unit_id=talk.unit_id, after=after, at=now)


def do_create_talk(
    actor: Person, data: TalkInput, *, now: datetime | None = None, submission_key: str | None = None
) -> tuple[Talk, bool]:
    """Record a talk held; with a follow-up, the unit owes a report by its deadline. (talk, created):
    a repeated submission key returns the first talk."""
    require_officer(actor)
    now = resolve_now(now)
    subject_kind, unit, text, followup, reasons = check_talk(data, now)

    def create() -> Talk:
        talk = _talk_row(
            actor, data, subject_kind, unit, text, followup, created_at=now, submission_key=submission_key or None
        )
        talk.save()
        store_reasons("talk", talk.pk, reasons)
        duty = _open_followup(talk, now)
        _talk_event(actor, talk, reasons, now, **({"duty": duty.pk} if duty else {}))
        return talk

    return once(Talk, actor, submission_key, create)


def do_talk_from_proposal(
    actor: Person,
    esc: Escalation,
    *,
    kind: str = TalkKind.REMINDER,
    held_on: date | None = None,
    record_text: str = "",
    now: datetime | None = None,
) -> tuple[Talk, bool]:
    """The ladder's talk proposal (约谈建议) becomes a talk with the unit's head, and leaves the office's
    queue (handled, with a note naming the talk) in the same transaction. The proposal names its talk
    (Talk.proposal), so a second request returns that talk: (talk, created)."""
    require_officer(actor)
    now = resolve_now(now)
    held_on = held_on or timezone.localdate(now)
    with transaction.atomic():
        esc = Escalation.objects.select_for_update().select_related("duty").get(pk=esc.pk)
        if esc.step != Step.TALK_PROPOSAL:
            raise Conflict(_("Only a talk proposal becomes a talk."))
        if earlier := Talk.objects.filter(proposal=esc).first():
            return earlier, False
        if esc.handled_at:
            raise Conflict(_("This talk proposal has already been handled."))
        reasons: list[tuple[str, int]] = [(ReasonKind.TALK_PROPOSAL, esc.pk)]
        if esc.duty.owner_kind == "list":
            reasons.append((ReasonKind.LIST, esc.duty.owner_id))
        data = TalkInput(kind=kind, held_on=held_on, unit=esc.unit, record=record_text, reasons=reasons)
        subject_kind, unit, text, followup, reasons = check_talk(data, now)
        talk = _talk_row(actor, data, subject_kind, unit, text, followup, created_at=now, proposal=esc)
        talk.save()
        store_reasons("talk", talk.pk, reasons)
        esc.handled_at = now
        esc.handled_note = _("{kind} recorded (talk no. {id}).").format(kind=TalkKind(kind).label, id=talk.pk)
        esc.save(update_fields=["handled_at", "handled_note"])
        record(
            actor,
            "escalation.talk_handled",
            esc.duty.owner_kind,
            esc.duty.owner_id,
            unit_id=esc.unit_id,
            after={"escalation": esc.pk, "duty": esc.duty_id, "talk": talk.pk},
            note=esc.handled_note,
            at=now,
        )
        _talk_event(actor, talk, reasons, now, escalation=esc.pk)
    return talk, True


# ---------------------------------------------------------------- a batch of talks


@dataclass(frozen=True)
class TalkRow:
    """One talk of a batch (a unit's tally, the demo): with a person of the unit, named or not (a tally
    names none); no reasons, no follow-up."""

    kind: str
    unit_id: int
    held_on: date
    person_id: int | None = None
    talked_by_id: int | None = None
    record: str = ""


def _imported_before(actor: Person, submission_key: str | None) -> int | None:
    """How many talks the batch sent with this key stored, if it was sent before. The person's row is
    locked first, so that two requests with one key queue up here and the second finds the first's event."""
    if not submission_key:
        return None
    Person.objects.select_for_update().filter(pk=actor.pk).first()
    earlier = Event.objects.filter(kind="talk.imported", actor=actor, after__submission_key=submission_key)
    after = earlier.values_list("after", flat=True).first()
    return int(after["count"]) if after else None


def do_import_talks(
    actor: Person,
    rows: Sequence[TalkRow],
    now: datetime | None = None,
    *,
    note: str = "",
    submission_key: str | None = None,
) -> int:
    """Record many talks at once (bulk inserts, one "talk.imported" event for the batch naming how many,
    their dates and ids); returns how many. Every row is checked before any is stored. The talks are
    with people of their unit (subject "person", the person named or not): a tally says how many talks
    a unit's leaders held with its cadres, not a talk with the unit's head (提醒约谈 of a unit, counted
    apart). A repeated submission key stores nothing and returns the first batch's count."""
    require_officer(actor)
    now = resolve_now(now)
    units = set(Unit.objects.filter(pk__in={r.unit_id for r in rows}).values_list("pk", flat=True))
    people_ids = {r.person_id for r in rows if r.person_id} | {r.talked_by_id for r in rows if r.talked_by_id}
    people = set(Person.objects.filter(pk__in=people_ids).values_list("pk", flat=True))
    talks = []
    for n, r in enumerate(rows, start=1):
        where = f"rows.{n}"
        if r.kind not in TalkKind.values:
            raise InvalidInput(_("Row {n}: unknown kind of talk.").format(n=n), f"{where}.kind")
        if r.unit_id not in units:
            raise InvalidInput(_("Row {n}: no such unit.").format(n=n), f"{where}.unit")
        if (r.person_id and r.person_id not in people) or (r.talked_by_id and r.talked_by_id not in people):
            raise InvalidInput(_("Row {n}: no such person.").format(n=n), f"{where}.person")
        check_day(r.held_on, f"{where}.held_on", now)
        talks.append(
            Talk(
                kind=r.kind,
                subject_kind=SubjectKind.PERSON,
                unit_id=r.unit_id,
                person_id=r.person_id,
                talked_by_id=r.talked_by_id,
                held_on=r.held_on,
                record=check_text(r.record, f"{where}.record"),
                created_by=actor,
                created_at=now,
            )
        )
    if not talks:
        raise InvalidInput(_("There are no talks to import."), "rows")
    with transaction.atomic():
        if (earlier := _imported_before(actor, submission_key)) is not None:
            return earlier
        stored = Talk.objects.bulk_create(talks, batch_size=IMPORT_BATCH)
        ids = [t.pk for t in stored if t.pk]
        days = sorted(t.held_on for t in talks)
        after = {
            "count": len(talks),
            "from": days[0].isoformat(),
            "to": days[-1].isoformat(),
            "units": len({t.unit_id for t in talks}),
            **({"first_id": min(ids), "last_id": max(ids)} if ids else {}),
            **({"submission_key": submission_key} if submission_key else {}),
        }
        record(actor, "talk.imported", "talk", 0, after=after, note=note, at=now)
    return len(talks)
