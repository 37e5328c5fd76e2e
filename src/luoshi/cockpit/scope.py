"""Whose work the cockpit shows, and over which days.

A leader's cockpit is his or her own and supervised work by default (`leader` set); the office, and a leader
who taps "whole city", see everything (`leader` None). Each area reads the scope its own way, and its
drill-down index takes the same `leader=` parameter with the same meaning, so that a number and its list
always agree."""

from dataclasses import dataclass, field
from datetime import date

from luoshi.org.models import Person


@dataclass(frozen=True)
class Scope:
    viewer: Person
    leader: Person | None  # None: the whole city
    start: date
    end: date  # inclusive
    today: date
    # The leader's supervised units (empty when leader is None).
    unit_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def leader_id(self) -> int | None:
        return self.leader.pk if self.leader else None

    def key(self) -> str:
        """For the cache: everything the figures depend on (the viewer too: a link to restricted records is
        only given to whom may open them)."""
        return f"{self.viewer.pk}:{self.leader_id or 0}:{self.start}:{self.end}:{self.today}"


def for_leader(viewer: Person, leader: Person | None, start: date, end: date, today: date) -> Scope:
    units = frozenset(leader.supervised_units.values_list("pk", flat=True)) if leader else frozenset()
    return Scope(viewer=viewer, leader=leader, start=start, end=end, today=today, unit_ids=units)
