"""Signing for a duty (签收): the unit acknowledges a new duty in one tap, or by its first report.

A duty not signed for within LUOSHI_SIGN_WITHIN_WORKDAYS working days of its assignment gets one
reminder to the unit's liaison and head (from the sweep, on working days only), and the office sees
who has not signed (the unsigned page, `GET /api/v1/duties?signed=false`).
"""

from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.duties import owners, respond
from luoshi.duties.models import LIVE_STATUSES, Duty, DutyStatus
from luoshi.duties.recipients import People
from luoshi.duties.services import announce_change, locked_duty, record_on_owner, resolve_now
from luoshi.errors import Conflict, NotAllowed
from luoshi.events.models import Event
from luoshi.events.services import build
from luoshi.notify.services import Message, in_every_language, notify_many
from luoshi.org import access
from luoshi.org.models import Person
from luoshi.workdays import calendar
from luoshi.workdays.calendar import Calendar

SIGNED = "duty.signed"
SIGN_REMINDER = "duty.sign_reminder"


def register_kinds() -> None:
    """For the notification settings (notify.kinds). Like the ladder's steps, the reminder cannot be muted."""
    from luoshi.notify import kinds

    kinds.register(SIGN_REMINDER, gettext_lazy("A reminder to sign for a new duty"), mutable=False)


def unsigned_q() -> Q:
    """Duties owed a signature: live, not signed for, and not suspended (a suspended owner's clocks stand
    still). Pending duties are not yet assigned; completed or awaiting ones were signed by their report."""
    return Q(status=DutyStatus.OPEN, signed_at__isnull=True, paused_at__isnull=True, created_at__isnull=False)


def unsigned() -> QuerySet[Duty]:
    """The office's list of who has not signed: the longest waiting first."""
    return Duty.objects.filter(unsigned_q()).select_related("unit").order_by("created_at", "pk")


def within_workdays() -> int:
    return max(0, int(settings.LUOSHI_SIGN_WITHIN_WORKDAYS))


def sign_by(assigned_at: datetime, cal: Calendar) -> datetime:
    """The moment a duty should be signed for: the same time of day, N working days after its assignment."""
    local = timezone.localtime(assigned_at)
    day = cal.add_workdays(local.date(), within_workdays())
    return datetime.combine(day, local.timetz().replace(tzinfo=None), local.tzinfo)


def workdays_waiting(assigned_at: datetime, today: date, cal: Calendar) -> int:
    return max(0, cal.workdays_between(timezone.localdate(assigned_at), today))


def may_sign(actor: Person, duty: Duty) -> bool:
    return access.can_report_for(actor, duty.unit_id)


def do_sign(actor: Person, duty: Duty, now: datetime | None = None) -> tuple[Duty, bool]:
    """The unit's liaison or head signs for the duty: (duty, signed now). Once signed, a second tap (or
    a tap racing the first) returns the duty as signed, records nothing and changes nothing."""
    if not may_sign(actor, duty):
        raise NotAllowed(_("Only the unit's own liaison or head may sign for its work."))
    now = resolve_now(now)
    with transaction.atomic():
        d = locked_duty(duty)
        if d.signed_at is not None:
            return d, False
        if d.status not in LIVE_STATUSES:
            if d.status == DutyStatus.PENDING:
                raise Conflict(_("This work is not yet published: there is nothing to sign for."))
            raise Conflict(_("This work is no longer owed by the unit: there is nothing to sign for."))
        before = {"deadline": d.deadline.isoformat()}
        d.signed_at, d.signed_by = now, actor
        fields = ["signed_at", "signed_by"]
        if d.resolve_workdays:  # the clock starts now (duties.respond)
            d.deadline = respond.deadline_from_sign(now, d.resolve_workdays, calendar.load())
            fields.append("deadline")
        d.save(update_fields=fields)
        after = {"signed_at": now.isoformat(), "deadline": d.deadline.isoformat(), "late": respond.is_late(d, now)}
        record_on_owner(actor, SIGNED, d, before=before, after=after, at=now)
        announce_change(d, "signed", now)
    return d, True


@in_every_language
def _reminder(duty: Duty, assigned_at: datetime) -> Message:
    noun = str(owners.of(duty).noun)
    title = _("Please sign for") + f"：{duty.code} {duty.title}".rstrip()
    body = _(
        "{unit}: this {noun} was assigned to your unit on {day} and has not been signed for (签收). "
        "Open it and sign for it, or file the first report."
    ).format(unit=duty.unit.name, noun=noun, day=timezone.localdate(assigned_at).isoformat())
    return Message(kind=SIGN_REMINDER, title=title, body=body, url=owners.url_of(duty))


def unsigned_reminders(now: datetime | None = None) -> int:
    """Remind, once, each unit that has not signed for a duty in time: its liaison and head. Called at
    the end of the sweep. Duties another sweep holds are skipped (it reminds them). Returns how many."""
    now = resolve_now(now)
    cal = calendar.load()
    if not cal.is_workday(timezone.localdate(now)):
        return 0
    # An hour-counted limit is urged instead (duties.respond).
    candidates = Duty.objects.filter(
        unsigned_q(), sign_reminded_at__isnull=True, created_at__lt=now, respond_by__isnull=True
    )
    # created_at is not indexed, but unsigned open duties are few; the exact moment is checked per duty.
    due = [pk for pk, created in candidates.values_list("pk", "created_at") if created and sign_by(created, cal) <= now]
    if not due:
        return 0
    kinds = set(owners.kinds())
    with transaction.atomic():
        duties = [
            d
            for d in Duty.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(unsigned_q(), pk__in=due, sign_reminded_at__isnull=True)
            .select_related("unit")
            .order_by("pk")
            if d.owner_kind in kinds  # an owner no longer registered has no page to send anyone to
        ]
        if not duties:
            return 0
        Duty.objects.filter(pk__in=[d.pk for d in duties]).update(sign_reminded_at=now)
        Event.objects.bulk_create(
            build(
                None,
                "duty.sign_reminded",
                d.owner_kind,
                d.owner_id,
                at=now,
                unit_id=d.unit_id,
                after={"duty": d.pk, "assigned_at": d.created_at.isoformat() if d.created_at else None},
            )
            for d in duties
        )
        people = People({d.unit_id for d in duties})
        pairs = []
        for d in duties:
            assert d.created_at is not None  # unsigned_q
            message = _reminder(d, d.created_at)
            pairs += [(pk, message) for pk in people.unit(d.unit_id)]
        notify_many(pairs, now)
    return len(duties)
