"""Working hours: a daily window (08:30–18:00 by default) on the calendar's working days.

Outside channels deliver, and the worker's scheduled sweep runs, only inside it, so that nobody's
phone buzzes with a supervision order at 01:55. `LUOSHI_DELIVERY_HOURS` sets it ("08:30-18:00"),
or "always" for no window at all.
"""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from luoshi.workdays import calendar
from luoshi.workdays.calendar import Calendar

_WINDOW = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*-\s*([01]?\d|2[0-4]):([0-5]\d)\s*$")


@dataclass(frozen=True)
class Hours:
    """Open from `opens` (inclusive) to `closes` (exclusive) local time on working days; None: always open."""

    opens: time | None
    closes: time | None

    @classmethod
    def parse(cls, text: str) -> "Hours":
        if text.strip().lower() == "always":
            return cls(None, None)
        match = _WINDOW.match(text)
        if not match:
            raise ImproperlyConfigured(f"LUOSHI_DELIVERY_HOURS must look like 08:30-18:00 or be 'always', not {text!r}")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if (h2, m2) > (24, 0) or (h1, m1) >= (h2, m2):
            raise ImproperlyConfigured(f"LUOSHI_DELIVERY_HOURS must open before it closes: {text!r}")
        # 24:00 means the end of the day; time() cannot hold it, the last microsecond can.
        closes = time.max if h2 == 24 else time(h2, m2)
        return cls(time(h1, m1), closes)

    @property
    def always(self) -> bool:
        return self.opens is None

    def is_open(self, moment: datetime, cal: Calendar) -> bool:
        if self.opens is None or self.closes is None:
            return True
        local = timezone.localtime(moment)
        return cal.is_workday(local.date()) and self.opens <= local.time() < self.closes

    def next_open(self, moment: datetime, cal: Calendar) -> datetime:
        """`moment` itself when the window is open, else the start of the next window."""
        if self.opens is None or self.is_open(moment, cal):
            return moment
        local = timezone.localtime(moment)
        day = local.date()
        if not (cal.is_workday(day) and local.time() < self.opens):
            day = cal.next_workday(day + timedelta(days=1))
        return datetime.combine(day, self.opens, local.tzinfo)

    def closing(self, moment: datetime) -> datetime | None:
        """When the window that is open at `moment` closes (None when there is no window)."""
        if self.closes is None:
            return None
        local = timezone.localtime(moment)
        return datetime.combine(local.date(), self.closes, local.tzinfo)


@lru_cache(maxsize=4)
def _parsed(text: str) -> Hours:
    return Hours.parse(text)


def delivery_hours() -> Hours:
    """The configured window (read from settings each call, so tests may override it)."""
    return _parsed(getattr(settings, "LUOSHI_DELIVERY_HOURS", "08:30-18:00"))


def next_working_moment(moment: datetime) -> datetime:
    """The first moment at or after `moment` inside working hours, on the shared calendar."""
    return delivery_hours().next_open(moment, calendar.load())


def in_working_hours(moment: datetime) -> bool:
    return delivery_hours().is_open(moment, calendar.load())


def last_working_moment(moment: datetime) -> datetime:
    """`moment` itself inside working hours; otherwise the last minute of the latest window before it."""
    hours, cal = delivery_hours(), calendar.load()
    if hours.opens is None or hours.closes is None or hours.is_open(moment, cal):
        return moment
    local = timezone.localtime(moment)
    day = local.date()
    if not (cal.is_workday(day) and local.time() >= hours.closes):
        day -= timedelta(days=1)
        while not cal.is_workday(day):
            day -= timedelta(days=1)
    closes = datetime.combine(day, hours.closes, local.tzinfo)
    return closes - timedelta(minutes=1)
