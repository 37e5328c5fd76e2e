"""The demo city's supervision bulletins (督查通报): the worker's Monday bulletins of the last four weeks.

The office issued the year's earlier issues by hand before Luoshi (so their numbers are taken: the first
bulletin Luoshi makes is numbered by its week of the year, as a weekly bulletin numbered from January is)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from luoshi.cockpit import bulletins
from luoshi.cockpit.models import Bulletin
from luoshi.events.models import Counter

WEEKS = 4


def build_bulletins(now: datetime, weeks: int = WEEKS) -> list[Bulletin]:
    """The Monday bulletins of the last `weeks` weeks before `now`, as the worker made them at 09:00."""
    today = timezone.localdate(now)
    this_monday = today - timedelta(days=today.weekday())
    mondays = [this_monday - timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]
    mondays = [m for m in mondays if datetime.combine(m, time(9), timezone.get_current_timezone()) <= now]
    if not mondays:
        return []
    first_start, _end = bulletins.last_week(mondays[0])
    issued_by_hand = max(0, first_start.isocalendar().week - 1) if first_start.year == mondays[0].year else 0
    Counter.objects.update_or_create(key=bulletins.counter_key(mondays[0].year), defaults={"value": issued_by_hand})
    made = []
    for monday in mondays:
        b = bulletins.make_weekly(datetime.combine(monday, time(9), timezone.get_current_timezone()))
        if b is not None:
            made.append(b)
    return made


def wipe_bulletins() -> None:
    Bulletin.objects.all().delete()
