"""Frontline's shared fixtures: the organisation role (reads and writes selection rounds), the day the pages
run on (tests.conftest.NOW, Monday 2026-03-02), leaders' days logged through the service, cadres."""

from datetime import date, datetime, time

import pytest

from luoshi.frontline import services
from luoshi.frontline.models import Fieldwork
from luoshi.org.models import Person, Unit
from tests.conftest import NOW, SHANGHAI, make_person


@pytest.fixture
def organisation(db) -> Person:
    return make_person("organisation", ["organisation"], name="组织干事")


@pytest.fixture(autouse=True)
def on_the_fixed_day(time_machine):
    """The pages and the API run on the day the fixtures' services ran (tests.conftest.NOW)."""
    time_machine.move_to(NOW, tick=False)


def at(day: date, hour: int = 18) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def log_day(
    actor: Person,
    leader: Person,
    day: date,
    kind: str = "grassroots",
    days: int = 1,
    unit: Unit | None = None,
    place: str = "榆中县夏官营镇",
    problems: tuple[str, ...] = (),
    now: datetime = NOW,
) -> Fieldwork:
    entry, _created = services.do_log_fieldwork(
        actor,
        leader=leader,
        date=day,
        days=days,
        kind=kind,
        place=place,
        unit=unit,
        purpose="调研农村饮水安全工程",
        problems=[services.ProblemInput(text) for text in problems],
        now=now,
    )
    return entry


@pytest.fixture
def cadre_a(db, unit_a) -> Person:
    """A cadre of unit A without a business role: a promotion candidate, who sees his own postings."""
    return make_person("cadre_a", [], unit_a, name="工信委科长", title="综合科科长")


@pytest.fixture
def cadre_b(db, unit_b) -> Person:
    return make_person("cadre_b", [], unit_b, name="城关区科长", title="办公室主任")
