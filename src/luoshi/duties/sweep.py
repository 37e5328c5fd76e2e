"""The ladder's writes: the sweep over every owner's duties, ending episodes, handling talk proposals."""

from collections import Counter as Tally
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luoshi.duties import owners
from luoshi.duties.ladder import Rules, needs_talk_for_orders, reached_steps, steps_to_take, workdays_overdue
from luoshi.duties.models import STEP_RANK, Duty, DutyStatus, Episode, EpisodeKind, Escalation, Policy, Step
from luoshi.duties.signing import unsigned_reminders
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.events.services import build, next_number, record
from luoshi.notify.services import Message, in_every_language, notify_many
from luoshi.org import access
from luoshi.org.models import Person, Role, Unit
from luoshi.workdays import calendar
from luoshi.workdays.calendar import Calendar

CHUNK = 2000  # duties claimed per transaction: fewer round trips, short enough locks
NUMBER_PREFIX: dict[str, str] = {Step.URGE: "CB", Step.ORDER: "DB"}


def end_stale_episodes(ob: Duty, reason: str, now: datetime) -> int:
    """End the open episodes that no longer apply: every report episode on a report (even when the
    next report falls due on the same date again), and any episode whose due date has moved."""
    open_report = ob.status == DutyStatus.OPEN and ob.next_report_due and reason != "report"
    stale = Q(kind=EpisodeKind.REPORT) & (~Q(due_date=ob.next_report_due) if open_report else Q())
    stale |= Q(kind=EpisodeKind.DEADLINE) & (
        Q() if ob.status in (DutyStatus.COMPLETED, DutyStatus.WITHDRAWN) else ~Q(due_date=ob.deadline)
    )
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


class _Recipients:
    """Who receives each step, read once per sweep."""

    def __init__(self, only_unit: int | None = None) -> None:
        self.by_unit: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        self.office: list[int] = []
        people = Person.objects.filter(is_active=True)
        if only_unit is not None:  # a manual step to one unit: its people only
            people = people.filter(unit_id=only_unit)
        for pk, unit_id, roles in people.order_by("pk").values_list("pk", "unit_id", "roles"):
            if Role.OFFICE in roles:
                self.office.append(pk)
            if unit_id:
                for role in roles:
                    self.by_unit[unit_id][role].append(pk)

    def of(self, step: str, unit_id: int, leader_id: int | None) -> list[int]:
        unit = self.by_unit[unit_id]
        if step == Step.REMINDER:
            return unit[Role.LIAISON]
        if step == Step.URGE:
            return unit[Role.LIAISON] + unit[Role.UNIT_HEAD]
        if step == Step.ORDER:
            return unit[Role.UNIT_HEAD] + ([leader_id] if leader_id else [])
        return self.office


@in_every_language  # each reader sees it in their language; outside channels in the office's
def _message(esc: Escalation, ob: Duty) -> Message:
    step_name = str(Step(esc.step).label)
    title = f"{step_name} {esc.number}".strip() + f"：{ob.code} {ob.title}".rstrip()
    owner = owners.of(ob)
    noun = str(owner.noun)
    if esc.step == Step.REMINDER and esc.episode.kind == EpisodeKind.DEADLINE:
        body = _("{unit}: the work on this {noun} is to be completed by {due}.").format(
            unit=ob.unit.name, due=esc.due_date, noun=noun
        )
    elif esc.step == Step.REMINDER:
        body = _("{unit}: the report on this {noun} is due on {due}.").format(
            unit=ob.unit.name, due=esc.due_date, noun=noun
        )
    elif esc.step == Step.TALK_PROPOSAL:
        body = _("{unit} is persistently late on this {noun}; a reminder talk is proposed.").format(
            unit=ob.unit.name, noun=noun
        )
    else:
        body = _("{unit}: the report due on {due} is {days} working days overdue; report by {by}.").format(
            unit=ob.unit.name, due=esc.due_date, days=esc.days_overdue, by=esc.respond_by
        )
    return Message(kind=f"escalation.{esc.step}", title=title, body=body, url=owner.url(ob.owner_id))


def _take(
    steps: list[tuple[Episode, Duty, str]],
    today: date,
    now: datetime,
    cal: Calendar,
    rules: Callable[[str], Rules],
    who: _Recipients,
    actor: Person | None = None,
) -> list[Escalation]:
    """Insert the escalations, numbered, with their events and notifications."""
    if not steps:
        return []
    wanted = Tally(step for _e, _o, step in steps if step in NUMBER_PREFIX)
    first = {s: next_number(f"{NUMBER_PREFIX[s]}-{today.year}", n) for s, n in wanted.items()}
    escalations = []
    for episode, ob, step in steps:
        number = ""
        if step in first:
            number = f"{today.year}-{NUMBER_PREFIX[step]}-{first[step]:04d}"
            first[step] += 1
        escalations.append(
            Escalation(
                episode=episode,
                step=step,
                unit_id=ob.unit_id,
                duty=ob,
                number=number,
                created_at=now,
                manual=actor is not None,
                created_by=actor,
                due_date=episode.due_date,
                days_overdue=workdays_overdue(episode.due_date, today, cal),
                respond_by=cal.add_workdays(today, rules(ob.owner_kind).order_after_workdays)
                if step in NUMBER_PREFIX
                else None,
            )
        )
    escalations = Escalation.objects.bulk_create(escalations)
    obligations = {o.pk: o for _e, o, _s in steps}
    Event.objects.bulk_create(
        build(
            actor.pk if actor else None,
            f"escalation.{esc.step}",
            obligations[esc.duty_id].owner_kind,
            obligations[esc.duty_id].owner_id,
            at=now,
            unit_id=esc.unit_id,
            after={
                "step": esc.step,
                "number": esc.number,
                "escalation": esc.pk,
                "due_date": esc.due_date.isoformat(),
                "days_overdue": esc.days_overdue,
                "manual": esc.manual,
                "duty": esc.duty_id,
            },
        )
        for esc in escalations
    )
    with translation.override("zh-hans"):
        messages = []
        for esc, (_e, ob, _s) in zip(escalations, steps, strict=True):
            message = _message(esc, obligations[ob.pk])
            messages += [(pk, message) for pk in dict.fromkeys(who.of(esc.step, ob.unit_id, ob.leader_id))]
    notify_many(messages, now)
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


def _sweep_chunk(
    ids: list[int], today: date, now: datetime, cal: Calendar, rules: RulesByKind, who: _Recipients
) -> list[Escalation]:
    with transaction.atomic():
        # Claim: rows another sweeper (or a report being filed) holds are skipped, not waited for.
        # Fetched by primary key and checked here: SQLite plans a join filter on status badly.
        obs = [
            ob
            for ob in Duty.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk__in=ids)
            .select_related("unit")
            .order_by("pk")
            if ob.status == DutyStatus.OPEN and ob.paused_at is None
        ]
        keys = []
        for ob in obs:
            horizon = cal.add_workdays(today, rules(ob.owner_kind).reminder_workdays)
            if ob.next_report_due and ob.next_report_due <= horizon:
                keys.append((ob, EpisodeKind.REPORT, ob.next_report_due))
            if ob.deadline < today:
                keys.append((ob, EpisodeKind.DEADLINE, ob.deadline))
        existing = {
            (e.duty_id, e.kind, e.due_date): e
            for e in Episode.objects.filter(duty__in=[ob.pk for ob in obs], closed_at__isnull=True)
        }
        todo: list[tuple[Episode, Duty, list[str]]] = []
        new_episodes = []
        for ob, kind, due in keys:
            steps = reached_steps(kind, due, today, cal, rules(ob.owner_kind))
            episode = existing.get((ob.pk, kind, due))
            if episode is None and steps:
                episode = Episode(duty=ob, unit_id=ob.unit_id, kind=kind, due_date=due, opened_at=now)
                new_episodes.append(episode)
            if episode is not None and (take := steps_to_take(episode.last_step, steps)):
                todo.append((episode, ob, take))
        flat = [(e, ob, s) for e, ob, steps in todo for s in steps]
        moved: dict[str, list[int]] = defaultdict(list)
        for episode, _ob, steps in todo:
            if episode.pk:
                moved[steps[-1]].append(episode.pk)
            episode.last_step = steps[-1]
        Episode.objects.bulk_create(new_episodes)
        # One UPDATE per step reached (bulk_update's CASE per row is slow on thousands of rows).
        for step, pks in moved.items():
            Episode.objects.filter(pk__in=pks).update(last_step=step)
        taken = _take(flat, today, now, cal, rules, who)
        taken += _talks_for_repeated_orders(taken, today, now, cal, rules, who)
    return taken


def _talks_for_repeated_orders(
    taken: list[Escalation], today: date, now: datetime, cal: Calendar, rules: RulesByKind, who: _Recipients
) -> list[Escalation]:
    """K orders to one unit within the window: one talk proposal for that unit (the window and K are
    those of the kind of work the order was on)."""
    ordered = {e.unit_id: e for e in taken if e.step == Step.ORDER}
    if not ordered:
        return []
    # Lock the units (in a fixed order) so that concurrent sweeps decide each unit's talk one at a time.
    list(Unit.objects.select_for_update().filter(pk__in=sorted(ordered)).order_by("pk").values_list("pk"))
    duties = Duty.objects.select_related("unit").in_bulk([e.duty_id for e in ordered.values()])
    by_kind: dict[str, list[int]] = defaultdict(list)
    for unit_id, order in ordered.items():
        by_kind[duties[order.duty_id].owner_kind].append(unit_id)
    steps: list[tuple[Episode, Duty, str]] = []
    for kind, unit_ids in by_kind.items():  # one kind in practice: two queries, whatever the number of units
        kind_rules = rules(kind)
        recent = Escalation.objects.filter(
            unit_id__in=unit_ids, created_at__gte=now - timedelta(days=kind_rules.talk_window_days)
        )
        orders = dict(recent.filter(step=Step.ORDER).values_list("unit_id").annotate(n=Count("pk")))
        talked = set(recent.filter(step=Step.TALK_PROPOSAL).values_list("unit_id", flat=True))
        for unit_id in unit_ids:
            if needs_talk_for_orders(orders.get(unit_id, 0), int(unit_id in talked), kind_rules):
                episode = ordered[unit_id].episode
                if STEP_RANK[episode.last_step] < STEP_RANK[Step.TALK_PROPOSAL]:
                    episode.last_step = Step.TALK_PROPOSAL
                    episode.save(update_fields=["last_step"])
                    steps.append((episode, duties[ordered[unit_id].duty_id], Step.TALK_PROPOSAL))
    return _take(steps, today, now, cal, rules, who)


def sweep(now: datetime | None = None) -> dict[str, int]:
    """One pass of the ladder over every owner's duties. Cost follows the due items (indexed dates),
    not the number of duties."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cal = calendar.load()
    rules = RulesByKind()
    counts = {"due": 0, **dict.fromkeys(Step.values, 0)}
    if not cal.is_workday(today):
        return counts  # notices go out on working days only; the next working day catches up
    horizon = rules.widest_horizon(today, cal)
    # Only the indexed dates select the candidates; status is checked on the few rows found.
    due_ids = sorted(
        pk
        for pk, status, paused in Duty.objects.filter(Q(next_report_due__lte=horizon) | Q(deadline__lt=today))
        .order_by()
        .values_list("pk", "status", "paused_at")
        if status == DutyStatus.OPEN and paused is None
    )
    who = _Recipients()
    counts = {"due": len(due_ids), **dict.fromkeys(Step.values, 0)}
    for start in range(0, len(due_ids), CHUNK):
        for esc in _sweep_chunk(due_ids[start : start + CHUNK], today, now, cal, rules, who):
            counts[esc.step] += 1
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
