"""Rebuild the ladder's past from stored facts, as if the sweep had run every working morning.

The demo city's history is written list by list, so the sweep could not have seen it happen;
this replays each ended lateness (a report filed after its due date, work accepted after its
deadline) through the same pure ladder functions, then the real sweep takes today's steps.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from luoshi.duties.ladder import Rules, needs_talk_for_orders, reached_steps, steps_to_take
from luoshi.duties.models import Duty, Episode, EpisodeKind, Report, Step
from luoshi.duties.sweep import RulesByKind, _Recipients, _take
from luoshi.events.models import Event
from luoshi.events.services import build
from luoshi.notify.models import Notification
from luoshi.workdays import calendar
from luoshi.workdays.calendar import Calendar

MORNING = time(9, 0)


def _walk(
    kind: str, due: date, end_at: datetime, cal: Calendar, rules: Rules, halts: Sequence[tuple[datetime, bool]] = ()
) -> list[tuple[date, str]]:
    """(day, step) for each step the daily sweep would have taken from the reminder window until the
    lateness ended at `end_at`: the end day's own morning counts when it came first.

    `halts` are the moments the duty's status changed, in order, each saying whether it was then waiting
    for acceptance: the sweep claims open duties only, so no step is taken on such a morning."""
    tz = timezone.get_current_timezone()
    taken: list[tuple[date, str]] = []
    last = ""
    day = cal.add_workdays(due, -rules.reminder_workdays) if kind == EpisodeKind.REPORT else due
    while (morning := datetime.combine(day, MORNING, tz)) < end_at:
        if cal.is_workday(day) and not _waiting(morning, halts):
            for step in steps_to_take(last, reached_steps(kind, due, day, cal, rules)):
                taken.append((day, step))
                last = step
        day += timedelta(days=1)
    return taken


def _waiting(moment: datetime, halts: Iterable[tuple[datetime, bool]]) -> bool:
    """Whether the duty was waiting for acceptance at `moment` (a change at that very moment counts)."""
    waiting = False
    for at, asked in halts:
        if at > moment:
            break
        waiting = asked
    return waiting


def _halts(until: datetime) -> dict[int, list[tuple[datetime, bool]]]:
    """The changes between open and waiting for acceptance of each duty that ever asked for its
    completion, in time order: a report asks for it or (any other report) takes the duty back to open
    work; a return reopens it."""
    asked = Report.objects.filter(request_completion=True, filed_at__lt=until).values("duty_id")
    changes: dict[int, list[tuple[datetime, bool]]] = defaultdict(list)
    for duty_id, filed_at, request in Report.objects.filter(duty_id__in=asked, filed_at__lt=until).values_list(
        "duty_id", "filed_at", "request_completion"
    ):
        changes[duty_id].append((filed_at, request))
    for duty_id, at in Event.objects.filter(kind="completion.returned", at__lt=until).values_list("after__duty", "at"):
        changes[duty_id].append((at, False))
    for moments in changes.values():
        moments.sort()
    return changes


def replay_history(until: datetime) -> int:
    """Insert the steps of every lateness that ended before `until`; returns how many."""
    cal = calendar.load()
    rules_of = RulesByKind()
    tz = timezone.get_current_timezone()
    ended: list[tuple[Duty, str, date, datetime, str]] = []
    obligations = {ob.pk: ob for ob in Duty.objects.select_related("unit").order_by("pk")}
    for ob_id, filed_at, due in (
        Report.objects.filter(due_date__isnull=False, filed_at__lt=until)
        .order_by("filed_at", "pk")
        .values_list("duty_id", "filed_at", "due_date")
    ):
        assert due is not None  # filtered above
        ended.append((obligations[ob_id], EpisodeKind.REPORT, due, filed_at, "report"))
    # Ended as the sweep would have ended it: an acceptance, or the owner's own completion (a quarter
    # confirmed, a problem closed: duties.completion.complete_by_owner).
    by_owner = set(Event.objects.filter(kind="duty.completed", at__lt=until).values_list("after__duty", flat=True))
    for ob in obligations.values():
        if ob.completed_at and ob.completed_at < until and timezone.localdate(ob.completed_at) > ob.deadline:
            reason = "completed" if ob.pk in by_owner else "accepted"
            ended.append((ob, EpisodeKind.DEADLINE, ob.deadline, ob.completed_at, reason))

    # The sweep claims open duties only: while a completion waits for acceptance nothing is urged.
    halts = _halts(until)
    plan: list[tuple[Duty, str, date, datetime, str, list[tuple[date, str]]]] = []
    for ob, kind, due, end_at, reason in ended:
        if steps := _walk(kind, due, end_at, cal, rules_of(ob.owner_kind), halts.get(ob.pk, [])):
            plan.append((ob, kind, due, end_at, reason, steps))
    # K orders within the window: one talk proposal for the unit, on the day of the K-th order.
    orders_by_unit: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for i, (ob, *_rest, steps) in enumerate(plan):
        orders_by_unit[ob.unit_id] += [(day, i) for day, step in steps if step == Step.ORDER]
    for orders in orders_by_unit.values():
        orders.sort()
        talks: list[date] = []
        for n, (day, i) in enumerate(orders):
            rules = rules_of(plan[i][0].owner_kind)
            window_start = day - timedelta(days=rules.talk_window_days)
            in_window = sum(1 for d, _i in orders[: n + 1] if d > window_start)
            talked = sum(1 for d in talks if d > window_start)
            steps = plan[i][5]
            if needs_talk_for_orders(in_window, talked, rules) and Step.TALK_PROPOSAL not in {s for _d, s in steps}:
                steps.append((day, Step.TALK_PROPOSAL))
                talks.append(day)

    with transaction.atomic():
        episodes = Episode.objects.bulk_create(
            Episode(
                duty=ob,
                unit_id=ob.unit_id,
                kind=kind,
                due_date=due,
                last_step=steps[-1][1],
                opened_at=datetime.combine(steps[0][0], MORNING, tz),
                closed_at=end_at,
                closed_reason=reason,
            )
            for ob, kind, due, end_at, reason, steps in plan
        )
        by_day: dict[date, list[tuple[Episode, Duty, str]]] = defaultdict(list)
        for episode, (ob, _k, _d, _e, _r, steps) in zip(episodes, plan, strict=True):
            for day, step in steps:
                by_day[day].append((episode, ob, step))
        # Day by day, through the sweep's own writer: numbers follow the calendar as they would have.
        who = _Recipients()
        taken = 0
        for day in sorted(by_day):
            morning = datetime.combine(day, MORNING, tz)
            taken += len(_take(by_day[day], day, morning, cal, rules_of, who))
        Event.objects.bulk_create(
            build(
                None,
                "escalation.ended",
                ep.duty.owner_kind,
                ep.duty.owner_id,
                at=end_at,
                unit_id=ep.unit_id,
                before={"step": ep.last_step, "kind": ep.kind, "due_date": ep.due_date.isoformat()},
                after={"reason": ep.closed_reason, "episode": ep.pk, "duty": ep.duty_id},
            )
            for ep, (_o, _k, _d, end_at, _r, _s) in zip(episodes, plan, strict=True)
        )
        # The past has been read.
        Notification.objects.filter(kind__startswith="escalation.", created_at__lt=until).update(
            read_at=F("created_at") + timedelta(hours=3)
        )
    return taken
