"""The frontline rules as pure functions of the facts: no database, no clock, no settings read inside.

- A leader's month: the distinct days of each kind (a day counts once whatever the number of entries, per
  kind and in the total; a trip of several days counts each of its days, in whichever month it falls) and
  whether they meet the rule (≥ 5 grassroots days, ≥ 2 supervised-unit days by default).
- A period's totals: trips (entries with a day in the period) and days (distinct days).
- The promotion rule (赛场选马): a candidate is eligible iff he or she has served in a frontline post.
- A placement's state: ended, running or overdue.
"""

import calendar as pycalendar
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

GRASSROOTS, SUPERVISED_UNIT, PROJECT_SITE = "grassroots", "supervised_unit", "project_site"
KINDS = (GRASSROOTS, SUPERVISED_UNIT, PROJECT_SITE)
# What the promotion rule finds lacking (Candidate.missing).
NO_FRONTLINE_POST = "frontline_post"
PLACEMENT_UNFINISHED = "placement_unfinished"
# Placement states.
ENDED, RUNNING, OVERDUE = "ended", "running", "overdue"


@dataclass(frozen=True)
class Rule:
    grassroots_days: int = 5
    supervised_days: int = 2


@dataclass(frozen=True)
class Entry:
    """One entry of a leader's log, as the rule reads it."""

    start: date
    days: int
    kind: str

    @property
    def last_date(self) -> date:
        return self.start + timedelta(days=self.days - 1)

    def dates(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]


def last_date(first: date, days: int) -> date:
    return first + timedelta(days=days - 1)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, pycalendar.monthrange(year, month)[1])


def half_bounds(year: int, half: int) -> tuple[date, date]:
    """The first (1) or second (2) half of a year."""
    return (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31))


def in_last_week(today: date) -> bool:
    """The month's last seven days: when a leader short of the rule is reminded."""
    return today.day > pycalendar.monthrange(today.year, today.month)[1] - 7


def days_by_kind(entries: Iterable[Entry], first: date, last: date) -> dict[str, set[date]]:
    """The distinct days of each kind between first and last (inclusive)."""
    out: dict[str, set[date]] = {kind: set() for kind in KINDS}
    for e in entries:
        if e.start > last or e.last_date < first:
            continue
        out.setdefault(e.kind, set()).update(d for d in e.dates() if first <= d <= last)
    return out


@dataclass(frozen=True)
class Month:
    """A leader's month against the rule."""

    year: int
    month: int
    rule: Rule
    days: dict[str, frozenset[date]]

    @property
    def grassroots_days(self) -> int:
        return len(self.days[GRASSROOTS])

    @property
    def supervised_days(self) -> int:
        return len(self.days[SUPERVISED_UNIT])

    @property
    def project_days(self) -> int:
        return len(self.days[PROJECT_SITE])

    @property
    def total_days(self) -> int:
        """Distinct days at the frontline, whatever the kind: a day of two kinds counts once here."""
        return len(frozenset().union(*self.days.values()))

    @property
    def grassroots_short(self) -> int:
        return max(0, self.rule.grassroots_days - self.grassroots_days)

    @property
    def supervised_short(self) -> int:
        return max(0, self.rule.supervised_days - self.supervised_days)

    @property
    def ok(self) -> bool:
        return not self.grassroots_short and not self.supervised_short

    def kinds_on(self, day: date) -> list[str]:
        return [kind for kind in KINDS if day in self.days[kind]]


def month_compliance(entries: Iterable[Entry], year: int, month: int, rule: Rule) -> Month:
    first, last = month_bounds(year, month)
    found = days_by_kind(entries, first, last)
    return Month(year, month, rule, {kind: frozenset(found.get(kind, ())) for kind in KINDS})


@dataclass(frozen=True)
class Totals:
    trips: int = 0
    days: int = 0

    def __add__(self, other: "Totals") -> "Totals":
        return Totals(self.trips + other.trips, self.days + other.days)


def period_totals(entries: Iterable[Entry], first: date, last: date) -> Totals:
    """One leader's trips (entries with a day in the period: a trip across its edge counts in both periods)
    and days (distinct days in the period, whatever the kind)."""
    trips, days = 0, set[date]()
    for e in entries:
        if e.start > last or e.last_date < first:
            continue
        trips += 1
        days.update(d for d in e.dates() if first <= d <= last)
    return Totals(trips, len(days))


_POST_SEPARATORS = re.compile(r"[、，,;；/\s]+")


def is_main_leader(title: str, main_posts: Collection[str]) -> bool:
    """A main leader (主要领导) holds one of the main posts (the party secretary and the mayor, 市委书记 and
    市长): "市委副书记、市长" does, "副市长" and "市委副书记" do not."""
    return any(post in main_posts for post in _POST_SEPARATORS.split(title.strip()) if post)


# -- the promotion rule --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    """One posting, as the promotion rule reads it. A placement counts once it has ended."""

    category: str
    start: date
    end: date | None = None
    placement: bool = False
    planned_end: date | None = None


@dataclass(frozen=True)
class Check:
    eligible: bool
    missing: list[str] = field(default_factory=list)


def served(post: Post, today: date, categories: Collection[str]) -> bool:
    """A frontline post held (begun by today); a placement only once completed."""
    if post.category not in categories or post.start > today:
        return False
    if post.placement:
        return post.end is not None and post.end <= today
    return True


def check_candidate(posts: Iterable[Post], today: date, categories: Collection[str]) -> Check:
    """Eligible iff a frontline post has been served; otherwise `missing` names what is lacking: a
    frontline post, or the end of the frontline placement under way."""
    posts = list(posts)
    if any(served(p, today, categories) for p in posts):
        return Check(True, [])
    if any(p.placement and p.category in categories and p.end is None for p in posts):
        return Check(False, [PLACEMENT_UNFINISHED])
    return Check(False, [NO_FRONTLINE_POST])


def placement_state(end: date | None, planned_end: date | None, today: date) -> str:
    """Ended once its end is recorded; running until its planned end; overdue after it."""
    if end is not None:
        return ENDED
    if planned_end is not None and planned_end < today:
        return OVERDUE
    return RUNNING
