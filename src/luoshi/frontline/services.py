"""The writes on frontline days: a leader's day logged (after the fact), a problem met there made a
responsibility list in one step. Stationed cadres, postings and selection rounds are in services_people."""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luoshi.duties.services import check_horizon, require_office, resolve_now
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.services import record
from luoshi.frontline import access
from luoshi.frontline.models import FieldKind, FieldProblem, Fieldwork
from luoshi.frontline.rule import last_date
from luoshi.lists import services as list_services
from luoshi.lists.models import ResponsibilityList, Source
from luoshi.org.models import Person, Unit
from luoshi.text import check_text

MAX_DAYS = 31  # one entry: a trip of at most a month
MAX_PROBLEMS = 20
PLACE_MAX = 200
PROBLEM_MAX = 2000
TEXT_MAX = 20_000


def stored_key(actor: Person, key: str | None) -> str | None:
    """A submission key as stored: per person (two people's keys never collide), 64 characters."""
    if not key:
        return None
    return hashlib.sha256(f"{actor.pk}:{key}".encode()).hexdigest()


@dataclass(frozen=True)
class ProblemInput:
    text: str
    solved: bool = False


def check_text_field(value: str, field: str, *, max_length: int, multiline: bool = True, required: bool = False) -> str:
    value = check_text(value, field, multiline=multiline, required=required)
    if len(value) > max_length:
        raise InvalidInput(_("At most {n} characters.").format(n=max_length), field)
    return value


def check_day(day: date, field: str, today: date) -> None:
    if day.year < 2000:
        raise InvalidInput(_("Give a date from the year 2000 on."), field)
    check_horizon(day, field, today)


def do_log_fieldwork(
    actor: Person,
    *,
    leader: Person,
    date: date,
    days: int = 1,
    kind: str,
    place: str,
    unit: Unit | None = None,
    purpose: str = "",
    problems: Sequence[ProblemInput] = (),
    now: datetime | None = None,
    submission_key: str | None = None,
    supervised_ids: Iterable[int] | None = None,
) -> tuple[Fieldwork, bool]:
    """Log a frontline day (or a trip of `days` days from `date`), after the fact. Returns (entry, created);
    a repeated submission key returns the first entry. `supervised_ids`, when the caller has them (the
    demo), spares reading the leader's portfolio."""
    if not access.is_leader(leader):
        raise InvalidInput(_("Frontline days are logged for a leader."), "leader")
    if not access.may_log_for(actor, leader):
        raise NotAllowed(
            _("Only the leader, or the supervision office for the leader, logs a leader's frontline days.")
        )
    now = resolve_now(now)
    today = timezone.localdate(now)
    if kind not in FieldKind.values:
        raise InvalidInput(_("Unknown kind of frontline day."), "kind")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(_("A trip lasts 1 to {n} days.").format(n=MAX_DAYS), "days")
    check_day(date, "date", today)
    if date > today:
        raise InvalidInput(_("Frontline days are logged after the fact: this date is still ahead."), "date")
    if last_date(date, days) > today:
        raise InvalidInput(_("Frontline days are logged after the fact: the trip's last day is still ahead."), "days")
    place = check_text_field(place, "place", max_length=PLACE_MAX, multiline=False, required=True)
    purpose = check_text_field(purpose, "purpose", max_length=TEXT_MAX)
    if kind == FieldKind.SUPERVISED_UNIT:
        if unit is None:
            raise InvalidInput(_("Name the supervised unit visited."), "unit")
        ids = set(supervised_ids) if supervised_ids is not None else None
        supervises = unit.pk in ids if ids is not None else leader.supervised_units.filter(pk=unit.pk).exists()
        if not supervises:
            raise InvalidInput(_("{unit} is not among the units this leader supervises.").format(unit=unit), "unit")
    if len(problems) > MAX_PROBLEMS:
        raise InvalidInput(_("At most {n} problems an entry.").format(n=MAX_PROBLEMS), "problems")
    cleaned = [
        ProblemInput(check_text_field(p.text, "problems", max_length=PROBLEM_MAX, required=True), p.solved)
        for p in problems
    ]
    key = stored_key(actor, submission_key)
    sent = (leader.pk, date, days, kind, place, unit.pk if unit else None)
    if key and (earlier := Fieldwork.objects.filter(submission_key=key).first()):
        return _same_entry(earlier, sent), False
    try:
        with transaction.atomic():
            entry = Fieldwork.objects.create(
                leader=leader,
                date=date,
                days=days,
                last_date=last_date(date, days),
                kind=kind,
                place=place,
                unit=unit,
                purpose=purpose,
                logged_by=actor,
                logged_at=now,
                submission_key=key,
            )
            FieldProblem.objects.bulk_create(
                FieldProblem(fieldwork=entry, text=p.text, solved=p.solved) for p in cleaned
            )
            after = {
                "leader": leader.pk,
                "date": date.isoformat(),
                "days": days,
                "kind": kind,
                "place": place,
                "unit": unit.pk if unit else None,
                "problems": len(cleaned),
            }
            record(actor, "fieldwork.logged", "fieldwork", entry.pk, unit_id=entry.unit_id, after=after, at=now)
    except IntegrityError:
        if not key:
            raise
        return _same_entry(Fieldwork.objects.get(submission_key=key), sent), False  # the same POST raced in twice
    return entry, True


def _same_entry(earlier: Fieldwork, sent: tuple) -> Fieldwork:
    stored = (earlier.leader_id, earlier.date, earlier.days, earlier.kind, earlier.place, earlier.unit_id)
    if stored != sent:
        raise Conflict(_("This submission key (Idempotency-Key) was already used for another entry."), "submission_key")
    return earlier


def _list_title(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), text.strip())
    return first if len(first) <= 200 else first[:199] + "…"


def do_problem_to_list(
    actor: Person,
    problem: FieldProblem,
    *,
    deadline: date,
    lead_unit: Unit | None = None,
    co_units: Iterable[Unit] = (),
    report_every_days: int = 30,
    title: str = "",
    milestones: Sequence[list_services.MilestoneInput] = (),
    now: datetime | None = None,
) -> tuple[ResponsibilityList, bool]:
    """Make a problem met on a frontline day a published responsibility list (source `frontline`), its
    leader the list's responsible leader and, unless another is named, the unit visited its lead unit.
    Once only: asked again, it returns the list made the first time (created False)."""
    require_office(actor)
    now = resolve_now(now)
    with transaction.atomic():
        problem = (
            FieldProblem.objects.select_for_update(of=("self",))  # PostgreSQL locks no outer join's side
            .select_related("fieldwork__leader", "fieldwork__unit", "list")
            .get(pk=problem.pk)
        )
        if problem.list is not None:
            return problem.list, False
        entry = problem.fieldwork
        lead_unit = lead_unit or entry.unit
        if lead_unit is None:
            raise InvalidInput(_("Name the unit that leads the work."), "lead_unit")
        title = check_text_field(title, "title", max_length=200, multiline=False) or _list_title(problem.text)
        with translation.override(settings.LANGUAGE_CODE):  # stored text: in the office's language
            origin = _("Met on {leader}'s frontline day of {date} at {place}.").format(
                leader=entry.leader, date=entry.date.isoformat(), place=entry.place
            )
        rlist = list_services.do_create_list(
            actor,
            source=Source.FRONTLINE,
            title=title,
            content=f"{problem.text}\n\n{origin}",
            leader=entry.leader,
            lead_unit=lead_unit,
            co_units=co_units,
            deadline=deadline,
            report_every_days=report_every_days,
            milestones=milestones,
            now=now,
        )
        rlist = list_services.do_publish(actor, rlist, now=now)
        problem.list = rlist
        problem.save(update_fields=["list"])
        record(
            actor,
            "field_problem.to_list",
            "fieldwork",
            entry.pk,
            unit_id=lead_unit.pk,
            after={"problem": problem.pk, "list": rlist.pk, "code": rlist.code},
            at=now,
        )
    return rlist, True
