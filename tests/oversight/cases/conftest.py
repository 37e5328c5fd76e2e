"""The restricted cases' fixtures: people of two units, a talk, a violation and a decision on each side,
and helpers to count the audited reads."""

from datetime import date, timedelta

import pytest

from luoshi.events.models import Event
from luoshi.org.models import Person, Unit
from luoshi.oversight import cases, cases_records
from luoshi.oversight.models import Accountability, Talk, Violation
from tests.conftest import NOW, TODAY, make_person

PAST = TODAY - timedelta(days=10)


@pytest.fixture(autouse=True)
def on_the_fixed_day(time_machine):
    """The pages and the API run on the day the fixtures' services ran (tests.conftest.NOW)."""
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def clerk_a(db, unit_a) -> Person:
    """A cadre of unit A without a business role: he sees his own cases and nothing else."""
    return make_person("clerk_a", [], unit_a, name="工信委科长", title="科长")


@pytest.fixture
def clerk_b(db, unit_b) -> Person:
    return make_person("clerk_b", [], unit_b, name="城关区科长", title="科长")


@pytest.fixture
def head_b(db, unit_b) -> Person:
    return make_person("head_b", ["unit_head"], unit_b, name="城关区区长")


def talk_with(office: Person, *, unit: Unit | None = None, person: Person | None = None, **extra) -> Talk:
    data = cases.TalkInput(
        kind=extra.pop("kind", "reminder"),
        held_on=extra.pop("held_on", PAST),
        unit=unit,
        person=person,
        record=extra.pop("record", "谈话记录"),
        **extra,
    )
    return cases.do_create_talk(office, data, now=NOW)[0]


def violation_of(office: Person, person: Person, day: date = PAST) -> Violation:
    return cases_records.do_create_violation(office, person=person, description="违规公款吃喝", found_on=day, now=NOW)[
        0
    ]


def decision_on(
    office: Person, *, unit: Unit | None = None, person: Person | None = None, measures=None, **extra
) -> Accountability:
    measures = measures or (["notice"] if person is None else ["admonition"])
    data = cases_records.AccountabilityInput(
        measures=measures,
        decided_on=extra.pop("decided_on", PAST),
        body=extra.pop("body", "市纪委"),
        unit=unit,
        person=person,
        **extra,
    )
    return cases_records.do_create_accountability(office, data, now=NOW)[0]


@pytest.fixture
def side_a(office, unit_a, clerk_a) -> dict:
    """Unit A's cases: a talk with its head, a talk with its clerk, his violation, a decision on him."""
    return {
        "unit_talk": talk_with(office, unit=unit_a),
        "talk": talk_with(office, person=clerk_a, kind="criticism"),
        "violation": violation_of(office, clerk_a),
        "decision": decision_on(office, person=clerk_a),
        "unit_decision": decision_on(office, unit=unit_a),
    }


@pytest.fixture
def side_b(office, unit_b, clerk_b) -> dict:
    return {
        "unit_talk": talk_with(office, unit=unit_b),
        "talk": talk_with(office, person=clerk_b, kind="criticism"),
        "violation": violation_of(office, clerk_b),
        "decision": decision_on(office, person=clerk_b),
        "unit_decision": decision_on(office, unit=unit_b),
    }


def reads(person: Person) -> list[Event]:
    return list(Event.objects.filter(kind="record.read", actor=person).order_by("id"))
