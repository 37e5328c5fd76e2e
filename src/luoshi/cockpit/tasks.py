"""The worker's bulletin job: on Mondays, the bulletin of the week before (cockpit.bulletins.make_weekly).

`scheduled()` is what worker.jobs() adds: the job on the week's first working day (Monday, or the day after
a Monday holiday such as National Day's), nothing on the other days. The scheduler claims each run for one
worker (worker.claim), every LUOSHI_BULLETIN_EVERY_SECONDS (3600) in working hours; the week's key makes the
bulletin once however many runs and workers there are."""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from luoshi.cockpit import bulletins
from luoshi.workdays import calendar

if TYPE_CHECKING:
    from django_tasks.base import Task


def every_seconds() -> int:
    return int(getattr(settings, "LUOSHI_BULLETIN_EVERY_SECONDS", 3600))


@task()
def make_weekly_bulletin(now_iso: str | None = None) -> int | None:
    """The id of the bulletin made, or None when the week has one already."""
    b = bulletins.make_weekly(datetime.fromisoformat(now_iso) if now_iso else None)
    return b.pk if b else None


def first_working_day_of_week(now: datetime | None = None) -> bool:
    """Today is the week's first working day: no working day before it since Monday (Monday itself is)."""
    today = timezone.localdate(now or timezone.now())
    cal = calendar.load() if today.weekday() else None
    return cal is None or not any(cal.is_workday(today - timedelta(days=i)) for i in range(1, today.weekday() + 1))


def scheduled(now: datetime | None = None) -> dict[str, tuple[int, "Task"]]:
    if not first_working_day_of_week(now):
        return {}
    return {"bulletin": (every_seconds(), make_weekly_bulletin)}
