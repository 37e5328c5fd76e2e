"""登台剖析's fixtures: a month (March 2026) of stored facts for three units, made through the services
where there are services (lists, reports, the ladder's sweep, acceptance) and as rows where the owning
services are another area's (inspection findings, talks)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.duties.models import Escalation
from luoshi.duties.sweep import sweep
from luoshi.lists.models import ResponsibilityList
from luoshi.org.models import Person, Unit
from luoshi.oversight import analysis_services
from luoshi.oversight.models import Analysis, CaseReason, Finding, FindingCategory, Inspection, Talk
from tests.conftest import make_person
from tests.duties.conftest import at, publish

START, END = date(2026, 3, 1), date(2026, 3, 31)
DEADLINE = date(2026, 3, 12)  # the list's deadline: unit_a is late from 03-13 to the period's end
RANKED_AT = at(date(2026, 4, 1), 10)
MEETING = date(2026, 4, 10)
AFTER_MEETING = at(date(2026, 4, 13), 10)


@dataclass
class City:
    rlist: ResponsibilityList
    unit_a: Unit  # 市工信委: late all month, never reported, urged and ordered, an unrectified finding
    unit_b: Unit  # 城关区: a late report, finished six days late
    unit_c: Unit  # 榆中县: an unrectified finding and a talk
    quiet: Unit  # 市人社局: nothing at all
    head_b: Person
    head_c: Person


@pytest.fixture
def head_b(db, unit_b) -> Person:
    return make_person("head_b", ["unit_head"], unit_b, name="城关区区长")


@pytest.fixture
def head_c(db, unit_c) -> Person:
    return make_person("head_c", ["unit_head"], unit_c, name="榆中县县长")


@pytest.fixture
def liaison_c(db, unit_c) -> Person:
    return make_person("liaison_c2", ["liaison"], unit_c, name="榆中县联络员")


def sweep_days(first: date, last: date) -> None:
    day = first
    while day <= last:
        sweep(at(day))
        day += timedelta(days=1)


def finding(
    inspection: Inspection, unit: Unit, code: str, deadline: date, closed: datetime | None = None, **kw
) -> Finding:
    category, _ = FindingCategory.objects.get_or_create(name="清单落实不到位")
    return Finding.objects.create(
        inspection=inspection,
        code=code,
        unit=unit,
        category=category,
        severity=kw.pop("severity", "major"),
        description=kw.pop("description", f"{unit.name}问题{code}"),
        requirement="限期整改",
        deadline=deadline,
        found_on=kw.pop("found_on", date(2026, 3, 5)),
        created_by=inspection.created_by,
        created_at=at(date(2026, 3, 5)),
        closed_at=closed,
        **kw,
    )


def talk(
    office: Person, unit: Unit, held_on: date, record: str = "", because: tuple[str, int] | None = ("list", 1)
) -> Talk:
    """A talk with the unit's head; `because` its recorded cause (none: a talk of an imported batch)."""
    t = Talk.objects.create(
        kind="reminder",
        subject_kind="unit",
        unit=unit,
        talked_by=office,
        held_on=held_on,
        record=record,
        created_by=office,
        created_at=at(held_on),
    )
    if because:
        CaseReason.objects.create(case_type="talk", case_id=t.pk, kind=because[0], ref_id=because[1])
    return t


@pytest.fixture
def city(office, leader, unit_a, unit_b, unit_c, liaison_a, head_a, liaison_b, head_b, head_c) -> City:
    quiet = Unit.objects.create(name="市人社局", kind="department")
    Unit.objects.create(name="市委督查室", kind="office")
    rlist = publish(office, unit_a, [unit_b], leader=leader, title="推进兰州新区产业园区建设", deadline=DEADLINE)
    sweep_days(date(2026, 3, 3), date(2026, 3, 17))  # the first report was due 03-09: urges, then orders
    b = rlist.duties.get(unit=unit_b)
    duty_services.do_report(
        liaison_b, b, progress=100, done="园区配套道路完工", request_completion=True, now=at(date(2026, 3, 18))
    )
    duty_completion.do_accept(office, b, now=at(date(2026, 3, 19)))
    inspection = Inspection.objects.create(
        code="2026-DC-001",
        title="清单制度落实情况专项督查",
        leader=office,
        period_from=date(2026, 3, 2),
        period_to=date(2026, 3, 10),
        methods=["discussion", "spot_check"],
        created_by=office,
        created_at=at(date(2026, 3, 2)),
    )
    finding(inspection, unit_a, "2026-DC-001-001", date(2026, 3, 20), description="园区项目台账不全，进度不实")
    finding(inspection, unit_a, "2026-DC-001-002", date(2026, 3, 20), closed=at(date(2026, 3, 25)))
    finding(inspection, unit_a, "2026-DC-001-003", date(2026, 4, 30))  # not yet due by the period's end
    finding(inspection, unit_c, "2026-DC-001-004", date(2026, 3, 15), closed=at(date(2026, 4, 10)))
    talk(office, unit_c, date(2026, 3, 20), record="就清单落实不到位对县长进行提醒谈话", because=("list", rlist.pk))
    talk(office, unit_c, date(2026, 3, 21), because=None)  # one of an imported batch: no cause, not counted
    talk(office, unit_c, date(2026, 4, 5))  # after the period
    talk(office, unit_b, date(2026, 2, 20))  # before it
    return City(rlist, unit_a, unit_b, unit_c, quiet, head_b, head_c)


def steps(unit: Unit, step: str) -> int:
    """Urges or orders the unit received in March (what its facts must count)."""
    start = timezone.make_aware(datetime(2026, 3, 1))
    end = timezone.make_aware(datetime(2026, 4, 1))
    return Escalation.objects.filter(unit=unit, step=step, created_at__gte=start, created_at__lt=end).count()


@pytest.fixture
def ranked(office, city) -> Analysis:
    a, _created = analysis_services.do_create_analysis(
        office, period_from=START, period_to=END, meeting_on=MEETING, count=2, title="三月登台剖析", now=RANKED_AT
    )
    return a


@pytest.fixture
def confirmed(office, ranked) -> Analysis:
    return analysis_services.do_confirm_agenda(office, ranked, now=RANKED_AT + timedelta(days=1))
