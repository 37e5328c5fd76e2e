"""Working-day arithmetic. `Calendar` is pure once built; `load()` reads the exceptions once."""

import time
from collections.abc import Mapping
from datetime import date, timedelta

from luoshi.workdays.models import CalendarDay


class Calendar:
    def __init__(self, exceptions: Mapping[date, bool] | None = None) -> None:
        self.exceptions = dict(exceptions or {})

    def is_workday(self, day: date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def next_workday(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def add_workdays(self, day: date, n: int) -> date:
        """The date n working days after (n > 0) or before (n < 0) `day`."""
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        while remaining:
            day += timedelta(days=step)
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many working days `end` lies after `start` (negative if before)."""
        if end < start:
            return -self.workdays_between(end, start)
        days = (end - start).days
        full_weeks, rest = divmod(days, 7)
        count = full_weeks * 5
        for i in range(1, rest + 1):
            if (start + timedelta(days=i)).weekday() < 5:
                count += 1
        for day, is_work in self.exceptions.items():
            if start < day <= end and is_work != (day.weekday() < 5):
                count += 1 if is_work else -1
        return count


_memo: dict[str, tuple[Calendar, float]] = {}


def load() -> Calendar:
    """The calendar, read at most every 60 s per process (every report needs it)."""
    memo = _memo.get("calendar")
    if memo and memo[1] > time.monotonic():
        return memo[0]
    cal = Calendar(dict(CalendarDay.objects.values_list("date", "is_workday")))
    _memo["calendar"] = (cal, time.monotonic() + 60)
    return cal


def forget() -> None:
    """After an edit: this process reads the calendar afresh; others within 60 s."""
    _memo.clear()
