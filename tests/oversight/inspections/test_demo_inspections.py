"""The demo's inspections of the first half year, built on the demo city's organisation (its units and
people, without the year's lists and ledger, to keep this quick): 82 units inspected, 461 problems,
most of them rectified and verified, some waiting for verification, some overdue, a few extended; reproducible from the seed; its time is measured, not asserted."""

import random
import time
from collections import Counter
from datetime import date, datetime

import pytest
from django.utils import timezone

from luoshi.demo import oversight_inspections
from luoshi.demo.city import _build_people, _build_units
from luoshi.files.models import Attachment
from luoshi.oversight import findings, stats
from luoshi.oversight.models import Draw, Finding, FindingStatus, InspectedUnit, Inspection, Verification
from luoshi.oversight.queries_findings import duty_of, with_duties


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        rng = random.Random(2015)
        units = _build_units()
        people = _build_people(rng, units)
        now = timezone.now()
        started = time.monotonic()
        oversight_inspections.build_inspections(random.Random(7), units, people, now)
        seconds = time.monotonic() - started
        print(f"\ndemo inspections built in {seconds:.1f} s")
        yield {"seconds": seconds, "now": now, "units": units, "people": people}
        transaction.set_rollback(True)


pytestmark = pytest.mark.figures_by_hand  # the fixture's rows outlive each test's own check


def first_half() -> tuple[date, date]:
    year = timezone.localdate().year
    return date(year, 1, 1), date(year, 6, 30)


def test_82_units_inspected_and_461_problems_found(built, db):
    figures = stats.figures(*first_half())
    assert figures.units_inspected == 82 and figures.findings == 461
    assert InspectedUnit.objects.values("unit").distinct().count() == 82
    assert Inspection.objects.count() == 5 and Draw.objects.exists()
    print(f"rectified {figures.findings_rectified} of {figures.findings}; {built['seconds']:.1f} s")


def test_every_draw_is_reproducible_from_its_seed(built, db):
    for d in Draw.objects.all():
        assert random.Random(d.seed).sample(d.candidates, d.count) == d.drawn


def test_most_are_closed_some_verifying_some_overdue(built, db):
    today = timezone.localdate()
    rows = list(with_duties(Finding.objects.all()))
    states = Counter(findings.status(f, duty_of(f)) for f in rows)
    assert states[FindingStatus.CLOSED] > 0.7 * len(rows)
    assert states[FindingStatus.VERIFYING] >= 5
    overdue = [f for f in rows if f.closed_at is None and f.deadline < today]
    assert len(overdue) >= 20
    assert Verification.objects.filter(passed=False).exists()
    assert (
        Attachment.objects.filter(subject_type="report").exists()
        and Attachment.objects.filter(subject_type="finding").exists()
    )
    print(dict(states), "overdue", len(overdue))


def test_categories_spread(built, db):
    by_category = Counter(Finding.objects.values_list("category__name", flat=True))
    assert set(by_category) == {"清单落实不到位", "作风纪律", "项目推进", "服务群众", "其他"}
    assert by_category.most_common(1)[0][0] == "清单落实不到位"
    # The links to the plan's lists of source inspection: tests/demo/test_demo_oversight.py (the full city).


def test_the_towns_added_have_their_people_and_leaders(built, db):
    from luoshi.org.models import Person, Unit

    towns = Unit.objects.filter(kind="town")
    assert towns.count() >= 44
    supervised = set(Person.supervised_units.through.objects.values_list("unit_id", flat=True))
    for unit in towns:
        roles = {r for p in unit.people.all() for r in p.roles}
        assert {"liaison", "unit_head"} <= roles, unit.name
        assert unit.pk in supervised and unit.parent.kind == "district", unit.name
    assert len(set(Person.objects.values_list("password", flat=True))) == 1
    assert "glljd_liaison" in built["people"] and "glljd" in built["units"]


def test_every_step_is_in_the_past(built, db):
    assert not Finding.objects.filter(created_at__gt=built["now"]).exists()
    assert not Verification.objects.filter(verified_at__gt=built["now"]).exists()
    year = timezone.localdate().year
    assert not Finding.objects.exclude(found_on__range=(date(year, 1, 1), date(year, 6, 30))).exists()
    assert isinstance(built["now"], datetime)
