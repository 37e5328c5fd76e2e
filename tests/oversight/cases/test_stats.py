"""The oversight figures of a period, counted from the stored records (`GET /api/v1/stats/oversight`)."""

from datetime import date

import pytest

from luoshi.oversight.models import Finding, FindingCategory, InspectedUnit, Inspection
from tests.conftest import NOW, make_person
from tests.oversight.cases.conftest import decision_on, talk_with, violation_of


def inspection(office, units, start: date, end: date, n: int) -> Inspection:
    i = Inspection.objects.create(
        code=f"2026-DC-{n:03d}",
        title=f"专项督查{n}",
        leader=office,
        period_from=start,
        period_to=end,
        created_by=office,
        created_at=NOW,
    )
    InspectedUnit.objects.bulk_create(InspectedUnit(inspection=i, unit=u) for u in units)
    return i


def finding(office, i: Inspection, unit, day: date, n: int, closed: bool = False) -> Finding:
    category, _ = FindingCategory.objects.get_or_create(name="清单落实不到位")
    return Finding.objects.create(
        inspection=i,
        code=f"{i.code}-{n:03d}",
        unit=unit,
        category=category,
        severity="minor",
        description="台账不全",
        requirement="补齐台账",
        deadline=date(2026, 4, 1),
        found_on=day,
        created_by=office,
        created_at=NOW,
        closed_at=NOW if closed else None,
    )


@pytest.fixture
def facts(office, unit_a, unit_b, unit_c):
    """January and February: two inspections, findings, talks, violations and decisions."""
    jan = inspection(office, [unit_a, unit_b], date(2026, 1, 5), date(2026, 1, 20), 1)
    feb = inspection(office, [unit_b, unit_c], date(2026, 2, 3), date(2026, 2, 14), 2)
    finding(office, jan, unit_a, date(2026, 1, 8), 1, closed=True)
    finding(office, jan, unit_b, date(2026, 1, 9), 2)
    finding(office, feb, unit_c, date(2026, 2, 5), 3, closed=True)
    talk_with(office, unit=unit_a, held_on=date(2026, 1, 25))
    talk_with(office, unit=unit_a, held_on=date(2026, 2, 2))  # the same unit again
    talk_with(office, unit=unit_b, kind="criticism", held_on=date(2026, 2, 3))  # not a reminder
    p1, p2 = make_person("p1", [], unit_a), make_person("p2", [], unit_b)
    talk_with(office, person=p1, held_on=date(2026, 2, 4))  # a reminder with a person: not a unit talked to
    violation_of(office, p1, date(2026, 1, 12))
    violation_of(office, p2, date(2026, 2, 12))
    decision_on(office, person=p1, measures=["party_discipline"], decided_on=date(2026, 1, 28))
    decision_on(office, person=p1, measures=["notice"], decided_on=date(2026, 2, 20))  # the same person again
    decision_on(office, person=p2, measures=["admonition"], decided_on=date(2026, 2, 21))
    decision_on(office, unit=unit_c, measures=["notice"], decided_on=date(2026, 2, 22))  # a unit: no person


@pytest.mark.parametrize("who", ["office", "discipline", "leader"])
def test_the_figures_count_the_stored_records(request, api, facts, who):
    r = api(request.getfixturevalue(who)).get("/stats/oversight", **{"from": "2026-01-01", "to": "2026-06-30"})
    assert r.status_code == 200
    assert r.json() == {
        "units_inspected": 3,
        "findings": 3,
        "findings_rectified": 2,
        "units_talked": 1,
        "talks": 4,
        "violations": 2,
        "accountable": 2,
        "disciplined": 1,
    }


def test_the_period_bounds_every_figure(api, office, facts):
    jan = api(office).get("/stats/oversight", **{"from": "2026-01-01", "to": "2026-01-31"}).json()
    assert jan == {
        "units_inspected": 2,
        "findings": 2,
        "findings_rectified": 1,
        "units_talked": 1,
        "talks": 1,
        "violations": 1,
        "accountable": 1,
        "disciplined": 1,
    }
    feb = api(office).get("/stats/oversight", **{"from": "2026-02-01"}).json()
    assert (feb["units_inspected"], feb["talks"], feb["accountable"], feb["disciplined"]) == (2, 3, 2, 0)


@pytest.mark.parametrize("who", ["head_a", "liaison_a"])
def test_units_do_not_read_the_figures(request, api, who):
    assert api(request.getfixturevalue(who)).get("/stats/oversight").status_code == 403


@pytest.mark.parametrize(
    "params, field",
    [({"from": "2026-02-30"}, "from"), ({"to": "x"}, "to"), ({"from": "2026-03-01", "to": "2026-02-01"}, "to")],
)
def test_a_bad_period_is_a_400(api, office, params, field):
    r = api(office).get("/stats/oversight", **params)
    assert r.status_code == 400 and r.json()["field"] == field
