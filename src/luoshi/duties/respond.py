"""Hour-counted sign-for limits (a hotline's 紧急 2 hours, 一般 24 hours): a duty with `respond_by` that is
still unsigned past that moment is itself late. The sweep opens a "sign" episode for it and urges the unit
at once, on any day (a citizen's emergency does not wait for Monday); the sign-for ends the episode.

When the clock of the work starts at the sign-for (`resolve_workdays`), the sign-for sets the deadline:
that many working days from the day it was signed."""

from collections.abc import Callable
from datetime import date, datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from luoshi import bulk
from luoshi.duties import owners
from luoshi.duties.ladder import Rules
from luoshi.duties.models import Duty, DutyStatus, Episode, EpisodeKind, Step
from luoshi.duties.sweep_take import DutyRow, EpisodeRow, Recipients, take
from luoshi.workdays import calendar
from luoshi.workdays.calendar import Calendar

CLAIMED = ("pk", "owner_type_id", "owner_id", "unit_id", "unit__name", "leader_id", "code", "title", "respond_by")


def late_q(now: datetime) -> Q:
    return Q(respond_by__lt=now, signed_at__isnull=True, status=DutyStatus.OPEN, paused_at__isnull=True)


def is_late(duty: Duty, now: datetime) -> bool:
    """Pure: past its sign-for limit unsigned (or signed after it)."""
    if duty.respond_by is None:
        return False
    return (duty.signed_at or now) > duty.respond_by


def deadline_from_sign(signed: datetime, workdays: int, cal: Calendar) -> date:
    """The deadline when the clock starts at the sign-for: N working days after the day of signing."""
    return cal.add_workdays(timezone.localdate(signed), workdays)


def urge_late_signs(now: datetime, rules: Callable[[str], Rules]) -> int:
    """One urge per duty past its sign-for limit: a new "sign" episode and its step. Duties another sweep
    holds are skipped (it urges them). Returns how many were urged."""
    ids = list(Duty.objects.filter(late_q(now)).order_by("pk").values_list("pk", flat=True)[:5000])
    if not ids:
        return 0
    today = timezone.localdate(now)
    cal = calendar.load()
    with transaction.atomic():
        duties = list(
            Duty.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(late_q(now), pk__in=ids)
            .order_by("pk")
            .values_list(*CLAIMED)
        )
        urged = set(
            Episode.objects.filter(duty_id__in=[d[0] for d in duties], kind=EpisodeKind.SIGN).values_list(
                "duty_id", flat=True
            )
        )
        kinds = set(owners.kinds())
        fresh = [
            (DutyRow(pk, owners.kind_of(t), oid, uid, uname, lid, code, title), timezone.localdate(by))
            for pk, t, oid, uid, uname, lid, code, title, by in duties
            if pk not in urged and owners.kind_of(t) in kinds
        ]
        if not fresh:
            return 0
        pks = bulk.insert(
            Episode,
            ["duty_id", "unit_id", "kind", "due_date", "last_step"],
            ((d.pk, d.unit_id, EpisodeKind.SIGN.value, due, Step.URGE.value) for d, due in fresh),
            fixed={"opened_at": now},
            returning=True,
        )
        steps = [
            (EpisodeRow(pk, EpisodeKind.SIGN.value, due, Step.URGE.value), d, Step.URGE.value)
            for (d, due), pk in zip(fresh, pks, strict=True)
        ]
        take(steps, today, now, cal, rules, Recipients())
    return len(fresh)
