"""Helpers for the ladder's tests: dated clocks, a published list, the usual late scenario."""

from datetime import date, datetime, time

import pytest

from luoshi.duties import services as duty_services
from luoshi.duties.sweep import sweep
from luoshi.lists import services
from tests.conftest import SHANGHAI


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def publish(
    office,
    lead_unit,
    co_units=(),
    leader=None,
    title="任务",
    every=7,
    day=date(2026, 3, 2),
    deadline=date(2026, 12, 31),
    source="meeting",
):
    """A list published on `day` (Mon 03-02 by default); with every=7 its first report is due Mon 03-09."""
    rlist = services.do_create_list(
        office,
        source=source,
        title=title,
        content="",
        leader=leader,
        lead_unit=lead_unit,
        co_units=list(co_units),
        deadline=deadline,
        report_every_days=every,
        now=at(day),
    )
    return services.do_publish(office, rlist, now=at(day))


def make_urged(office, leader, unit_a, unit_b, liaison_b, reminders: bool = False):
    """Both units urged on Tue 03-10 (reminded on 03-05 too if asked); unit_b reports on 03-13 (its
    episode ends); unit_a is still late on Mon 03-16 and gets a supervision order."""
    rlist = publish(office, unit_a, [unit_b], leader=leader, title="推进兰州新区产业园区建设")
    if reminders:
        sweep(at(date(2026, 3, 5)))
    sweep(at(date(2026, 3, 10)))
    duty_services.do_report(
        liaison_b, rlist.duties.get(unit=unit_b), progress=20, done="开展调研", now=at(date(2026, 3, 13))
    )
    sweep(at(date(2026, 3, 16)))
    return rlist


@pytest.fixture
def urged(office, leader, unit_a, unit_b, liaison_a, liaison_b, head_a):
    return make_urged(office, leader, unit_a, unit_b, liaison_b)


@pytest.fixture
def lists_only(monkeypatch):
    """A city that keeps only lists (the other owners unregistered for the test)."""
    from luoshi.duties import owners

    monkeypatch.setattr(owners, "_owners", {"list": owners.get("list")})
    monkeypatch.setattr(owners, "_kind_by_type", {})
