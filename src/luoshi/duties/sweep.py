"""The ladder's writes: the sweep over every owner's duties, ending episodes, handling talk proposals."""

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi import bulk
from luoshi.duties import owners
from luoshi.duties.ladder import Rules, reached_steps, steps_to_take
from luoshi.duties.models import Duty, DutyStatus, Episode, EpisodeKind, Escalation, Policy, Step
from luoshi.duties.respond import urge_late_signs
from luoshi.duties.signing import unsigned_reminders
from luoshi.duties.sweep_take import (
    DutyRow,
    EpisodeRow,
    Recipients,
    Taken,
    body_of,
    take,
    talks_for_repeated_orders,
    title_of,
)
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.events.services import build, record
from luoshi.notify.services import Message, in_every_language
from luoshi.org import access
from luoshi.org.models import Person
from luoshi.workdays import calendar
from luoshi.workdays.calendar import Calendar

CHUNK = 2000  # duties claimed per transaction: fewer round trips, short enough locks


def end_stale_episodes(ob: Duty, reason: str, now: datetime) -> int:
    """End the open episodes that no longer apply: every report episode on a report (even when the
    next report falls due on the same date again), and any episode whose due date has moved."""
    open_report = ob.status == DutyStatus.OPEN and ob.next_report_due and reason != "report"
    stale = Q(kind=EpisodeKind.REPORT) & (~Q(due_date=ob.next_report_due) if open_report else Q())
    stale |= Q(kind=EpisodeKind.DEADLINE) & (
        Q() if ob.status in (DutyStatus.COMPLETED, DutyStatus.WITHDRAWN) else ~Q(due_date=ob.deadline)
    )
    if ob.signed_at is not None or ob.status != DutyStatus.OPEN:
        stale |= Q(kind=EpisodeKind.SIGN)
    episodes = list(Episode.objects.filter(stale, duty=ob, closed_at__isnull=True))
    if not episodes:
        return 0
    Episode.objects.filter(pk__in=[e.pk for e in episodes]).update(closed_at=now, closed_reason=reason)
    Event.objects.bulk_create(
        build(
            None,
            "escalation.ended",
            ob.owner_kind,
            ob.owner_id,
            at=now,
            unit_id=ob.unit_id,
            before={"step": e.last_step, "kind": e.kind, "due_date": e.due_date.isoformat()},
            after={"reason": reason, "episode": e.pk, "duty": ob.pk},
        )
        for e in episodes
    )
    return len(episodes)


_Recipients = Recipients  # the manual urge and the replay read it under this name


@in_every_language  # each reader sees it in their language; outside channels in the office's
def _message(esc: Escalation, ob: Duty) -> Message:
    """One step's notice (the manual urge's preview); the sweep builds them in bulk (sweep_take.messages)."""
    owner = owners.of(ob)
    title = title_of(str(Step(esc.step).label), esc.number, ob.code, ob.title)
    noun = str(owner.noun)
    body = body_of(esc.step, esc.episode.kind, ob.unit.name, esc.due_date, esc.days_overdue, esc.respond_by, noun)
    return Message(kind=f"escalation.{esc.step}", title=title, body=body, url=owner.url(ob.owner_id))


def _take(
    steps: list[tuple[Episode, Duty, str]],
    today: date,
    now: datetime,
    cal: Calendar,
    rules: Callable[[str], Rules],
    who: Recipients,
    actor: Person | None = None,
) -> list[Escalation]:
    """sweep_take.take for callers holding model instances (the manual urge, the replay of history)."""
    rows = [
        (
            EpisodeRow(e.pk, e.kind, e.due_date, e.last_step),
            DutyRow(ob.pk, ob.owner_kind, ob.owner_id, ob.unit_id, ob.unit.name, ob.leader_id, ob.code, ob.title),
            step,
        )
        for e, ob, step in steps
    ]
    escalations = []
    taken = take(rows, today, now, cal, rules, who, actor.pk if actor else None)
    for t, (episode, ob, _s) in zip(taken, steps, strict=True):
        esc = Escalation(
            pk=t.pk,
            episode=episode,
            step=t.step,
            unit_id=ob.unit_id,
            duty=ob,
            number=t.number,
            created_at=now,
            manual=actor is not None,
            created_by=actor,
            due_date=episode.due_date,
            days_overdue=t.days_overdue,
            respond_by=t.respond_by,
        )
        esc._state.adding = False
        escalations.append(esc)
    return escalations


class RulesByKind:
    """Each owner kind's ladder rules, read once per sweep."""

    def __init__(self) -> None:
        self._rules: dict[str, Rules] = {}

    def __call__(self, kind: str) -> Rules:
        if kind not in self._rules:
            self._rules[kind] = Rules.from_policy(Policy.current(kind))
        return self._rules[kind]

    def widest_horizon(self, today: date, cal: Calendar) -> date:
        days = max((self(k).reminder_workdays for k in owners.kinds()), default=Rules().reminder_workdays)
        return cal.add_workdays(today, days)


class _Ladder:
    """Today's ladder, worked out once per kind of work, episode kind and due date (due dates are few
    even when due duties are many)."""

    def __init__(self, today: date, cal: Calendar, rules: RulesByKind) -> None:
        self.today, self.cal, self.rules = today, cal, rules
        self._horizon: dict[str, date] = {}
        self._steps: dict[tuple[str, str, date, str], list[str]] = {}

    def keys(self, kind: str, next_report_due: date | None, deadline: date) -> list[tuple[str, date]]:
        """The episodes a duty is in today: a report due within the kind's reminder horizon, a deadline passed."""
        if kind not in self._horizon:
            self._horizon[kind] = self.cal.add_workdays(self.today, self.rules(kind).reminder_workdays)
        keys = []
        if next_report_due and next_report_due <= self._horizon[kind]:
            keys.append((EpisodeKind.REPORT.value, next_report_due))
        if deadline < self.today:
            keys.append((EpisodeKind.DEADLINE.value, deadline))
        return keys

    def to_take(self, kind: str, episode_kind: str, due: date, last_step: str) -> list[str]:
        key = (kind, episode_kind, due, last_step)
        if key not in self._steps:
            reached = reached_steps(episode_kind, due, self.today, self.cal, self.rules(kind))
            self._steps[key] = steps_to_take(last_step, reached)
        return self._steps[key]


def _sweep_chunk(
    ids: list[int], today: date, now: datetime, cal: Calendar, rules: RulesByKind, ladder: _Ladder, who: Recipients
) -> list[Taken]:
    with transaction.atomic():
        # Claim: rows another sweeper (or a report being filed) holds are skipped, not waited for.
        # Fetched by primary key and checked here: SQLite plans a join filter on status badly.
        claimed = [
            (
                DutyRow(pk, owners.kind_of(type_id), owner_id, unit_id, unit, leader_id, code, title),
                report_due,
                deadline,
            )
            for pk, type_id, owner_id, unit_id, unit, leader_id, code, title, status, paused, report_due, deadline in (
                Duty.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk__in=ids)
                .order_by("pk")
                .values_list(*CLAIMED)
            )
            if status == DutyStatus.OPEN and paused is None
        ]
        # Read again under the lock: another sweep may have taken steps since the candidates were read.
        existing = {
            (duty_id, kind, due): EpisodeRow(pk, kind, due, last_step)
            for pk, duty_id, kind, due, last_step in Episode.objects.filter(
                duty_id__in=[d.pk for d, _r, _d in claimed], closed_at__isnull=True
            ).values_list("pk", "duty_id", "kind", "due_date", "last_step")
        }
        todo: list[tuple[EpisodeRow, DutyRow, list[str]]] = []
        new_episodes: list[tuple[EpisodeRow, DutyRow]] = []
        for duty, report_due, deadline in claimed:
            for kind, due in ladder.keys(duty.owner_kind, report_due, deadline):
                episode = existing.get((duty.pk, kind, due))
                if steps := ladder.to_take(duty.owner_kind, kind, due, episode.last_step if episode else ""):
                    if episode is None:
                        episode = EpisodeRow(0, kind, due, "")
                        new_episodes.append((episode, duty))
                    todo.append((episode, duty, steps))
        moved: dict[str, list[int]] = defaultdict(list)
        for episode, _duty, steps in todo:
            if episode.pk:
                moved[steps[-1]].append(episode.pk)
            episode.last_step = steps[-1]
        new_ids = bulk.insert(
            Episode,
            ["duty_id", "unit_id", "kind", "due_date", "last_step"],
            ((d.pk, d.unit_id, e.kind, e.due_date, e.last_step) for e, d in new_episodes),
            fixed={"opened_at": now},
            returning=True,
        )
        for (episode, _duty), pk in zip(new_episodes, new_ids, strict=True):
            episode.pk = pk
        # One UPDATE per step reached (bulk_update's CASE per row is slow on thousands of rows).
        for step, pks in moved.items():
            Episode.objects.filter(pk__in=pks).update(last_step=step)
        taken = take([(e, d, s) for e, d, steps in todo for s in steps], today, now, cal, rules, who)
        taken += talks_for_repeated_orders(taken, today, now, cal, rules, who)
    return taken


CLAIMED: tuple[str, ...] = ("pk", "owner_type_id", "owner_id", "unit_id", "unit__name", "leader_id", "code", "title")
CLAIMED += ("status", "paused_at", "next_report_due", "deadline")


def sweep(now: datetime | None = None) -> dict[str, int]:
    """One pass of the ladder over every owner's duties. Cost follows the due items (indexed dates),
    not the number of duties; duties with nothing new to take cost a row read, no write."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cal = calendar.load()
    rules = RulesByKind()
    counts = {"due": 0, **dict.fromkeys(Step.values, 0)}
    # Hour-counted sign-for limits are urged on any day (duties.respond).
    counts[Step.URGE] += urge_late_signs(now, rules)
    if not cal.is_workday(today):
        return counts  # notices go out on working days only; the next working day catches up
    horizon = rules.widest_horizon(today, cal)
    # Only the indexed dates select the candidates; status is checked on the few rows found.
    dated = Q(next_report_due__lte=horizon) | Q(deadline__lt=today)
    due = [
        (pk, owners.kind_of(type_id), report_due, deadline)
        for pk, status, paused, type_id, report_due, deadline in Duty.objects.filter(dated)
        .order_by()
        .values_list("pk", "status", "paused_at", "owner_type_id", "next_report_due", "deadline")
        if status == DutyStatus.OPEN and paused is None
    ]
    counts["due"] = len(due)
    # The steps already taken in the open episodes of those duties: only duties with a step to take
    # now are claimed (checked again under the lock).
    last = (
        {
            (duty_id, kind, due_date): last_step
            for duty_id, kind, due_date, last_step in Episode.objects.filter(
                Q(duty__next_report_due__lte=horizon) | Q(duty__deadline__lt=today), closed_at__isnull=True
            ).values_list("duty_id", "kind", "due_date", "last_step")
        }
        if due
        else {}
    )
    ladder = _Ladder(today, cal, rules)
    todo = sorted(
        pk
        for pk, kind, report_due, deadline in due
        if any(ladder.to_take(kind, k, d, last.get((pk, k, d), "")) for k, d in ladder.keys(kind, report_due, deadline))
    )
    who = Recipients() if todo else None
    for start in range(0, len(todo), CHUNK):
        assert who is not None
        for t in _sweep_chunk(todo[start : start + CHUNK], today, now, cal, rules, ladder, who):
            counts[t.step] += 1
    # Units that have not signed for a new duty in time: one reminder each (duties.signing).
    unsigned_reminders(now)
    return counts


def do_handle_talk_proposal(actor: Person, esc: Escalation, note: str, now: datetime | None = None) -> Escalation:
    """The office records what it did with a talk proposal (talk arranged, or why not)."""
    if not access.can_steer_lists(actor):
        raise NotAllowed(_("Only the supervision office handles talk proposals."))
    if not note.strip():
        raise InvalidInput(_("Say what was decided."), "note")
    now = now or timezone.now()
    with transaction.atomic():
        esc = Escalation.objects.select_for_update().select_related("duty").get(pk=esc.pk)
        if esc.step != Step.TALK_PROPOSAL:
            raise Conflict(_("Only talk proposals are handled here."))
        if esc.handled_at:
            raise Conflict(_("This talk proposal has already been handled."))
        esc.handled_at, esc.handled_note = now, note.strip()
        esc.save(update_fields=["handled_at", "handled_note"])
        record(
            actor,
            "escalation.talk_handled",
            esc.duty.owner_kind,
            esc.duty.owner_id,
            unit_id=esc.unit_id,
            after={"escalation": esc.pk, "duty": esc.duty_id},
            note=esc.handled_note,
            at=now,
        )
    return esc
