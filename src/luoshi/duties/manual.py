"""The office's "urge now" (立即催办): previewed on a confirmation page, then taken once per episode.

A late unit gets an urge notice (催办通知), numbered and printable like the sweep's; a unit whose report
is not yet due gets a reminder (提醒): no number, nothing to print, no demand for reasons of lateness.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.duties.ladder import Rules, reached_steps, workdays_overdue
from luoshi.duties.models import STEP_RANK, Duty, DutyStatus, Episode, EpisodeKind, Escalation, Policy, Step
from luoshi.duties.sweep import _message, _Recipients, _take
from luoshi.errors import Conflict, NotAllowed
from luoshi.notify.services import Message
from luoshi.org import access
from luoshi.org.models import Person
from luoshi.workdays import calendar
from luoshi.workdays.calendar import Calendar


@dataclass(frozen=True)
class ManualStep:
    """What "urge now" would send today: an urge notice (numbered, printable) when the unit is late,
    a reminder (提醒, no number, nothing to print) while its report is not yet due."""

    kind: str  # EpisodeKind
    due_date: date
    step: str  # Step.URGE or Step.REMINDER
    days_overdue: int

    @property
    def late(self) -> bool:
        return self.step == Step.URGE


def manual_step(ob: Duty, today: date, cal: Calendar, rules: Rules) -> ManualStep:
    """Pure: a late report first, then a passed deadline; if nothing is late, the report next due."""
    candidates = [(EpisodeKind.REPORT, ob.next_report_due)] if ob.next_report_due else []
    candidates.append((EpisodeKind.DEADLINE, ob.deadline))
    # Late as the ladder counts it: past the due date (a deadline on a rest day: the next working day).
    late = [(k, d) for k, d in candidates if any(s != Step.REMINDER for s in reached_steps(k, d, today, cal, rules))]
    kind, due = (late or candidates)[0]
    return ManualStep(kind, due, Step.URGE if late else Step.REMINDER, workdays_overdue(due, today, cal))


@dataclass(frozen=True)
class ManualPreview:
    """The confirmation page: what will be sent, to whom."""

    duty: Duty
    plan: ManualStep
    message: Message
    recipients: list[Person]
    respond_by: date | None
    already: Escalation | None  # the same step taken by hand in this episode: confirming sends nothing


def _check_manual(actor: Person, ob: Duty) -> None:
    if not access.can_steer_lists(actor):
        raise NotAllowed(_("Only the supervision office urges units."))
    if ob.status != DutyStatus.OPEN or ob.paused_at is not None:
        raise Conflict(_("Only open work on a list in progress can be urged."))


def manual_preview(actor: Person, ob: Duty, now: datetime | None = None) -> ManualPreview:
    """What do_manual_urge would send now, without sending it."""
    _check_manual(actor, ob)
    today = timezone.localdate(now or timezone.now())
    cal, rules = calendar.load(), Rules.from_policy(Policy.current(ob.owner_kind))
    plan = manual_step(ob, today, cal, rules)
    respond_by = cal.add_workdays(today, rules.order_after_workdays) if plan.late else None
    draft = Escalation(
        episode=Episode(kind=plan.kind, due_date=plan.due_date),
        step=plan.step,
        number="",
        due_date=plan.due_date,
        days_overdue=plan.days_overdue,
        respond_by=respond_by,
    )
    ids = _Recipients(ob.unit_id).of(plan.step, ob.unit_id, ob.leader_id)
    already = (
        Escalation.objects.filter(
            episode__duty=ob,
            episode__kind=plan.kind,
            episode__due_date=plan.due_date,
            episode__closed_at__isnull=True,
            step=plan.step,
            manual=True,
        )
        .order_by("pk")
        .first()
    )
    recipients = list(Person.objects.filter(pk__in=ids).order_by("pk"))
    return ManualPreview(ob, plan, _message(draft, ob), recipients, respond_by, already)


def do_manual_urge(
    actor: Person, ob: Duty, now: datetime | None = None, confirmed: str | None = None
) -> tuple[Escalation, bool]:
    """The office's "urge now": an urge notice, numbered like the automatic ones, to a late unit; a
    reminder to a unit whose report is not yet due. Always within the duty's open episode.

    One manual step of each kind per episode, whoever clicks: a repeated call (a double click, two
    office staff at once) returns the step already taken and `False`. `confirmed`: the step the
    office saw on the confirmation page; if the unit's situation changed since, nothing is sent (409).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        # The row lock serialises clicks (and the sweep, which skips locked rows) on this duty.
        ob = Duty.objects.select_for_update(of=("self",)).select_related("unit").get(pk=ob.pk)
        _check_manual(actor, ob)
        cal, rules = calendar.load(), Rules.from_policy(Policy.current(ob.owner_kind))
        plan = manual_step(ob, today, cal, rules)
        if confirmed and confirmed != plan.step:
            raise Conflict(_("The unit's situation changed since you looked: nothing was sent. Check it again."))
        episode = Episode.objects.filter(
            duty=ob, kind=plan.kind, due_date=plan.due_date, closed_at__isnull=True
        ).first()
        if episode is None:
            episode = Episode.objects.create(
                duty=ob,
                unit_id=ob.unit_id,
                kind=plan.kind,
                due_date=plan.due_date,
                opened_at=now,
            )
        elif taken := episode.steps.filter(step=plan.step, manual=True).order_by("pk").first():
            return taken, False
        if STEP_RANK[episode.last_step] < STEP_RANK[plan.step]:
            # Taken by hand, the step is not taken again by the sweep in this episode.
            episode.last_step = plan.step
            episode.save(update_fields=["last_step"])
        (esc,) = _take(
            [(episode, ob, plan.step)], today, now, cal, lambda _kind: rules, _Recipients(ob.unit_id), actor=actor
        )
    return esc, True
