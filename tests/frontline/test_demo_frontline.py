"""The demo city's frontline work on its own (the city's units and people, no lists or ledger): the article's
half-year figures from stored entries, a believable mix of months, stationed cadres, a selection round."""

import random
from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from luoshi.demo.city import _build_people, _build_units
from luoshi.demo.frontline import build_frontline
from luoshi.frontline import queries
from luoshi.frontline.models import Fieldwork, Posting, Selection, Stationing
from luoshi.lists.models import ListStatus, ResponsibilityList
from tests.conftest import SHANGHAI

DEMO_NOW = datetime(2026, 12, 3, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def city(db, time_machine):
    time_machine.move_to(DEMO_NOW, tick=False)
    units = _build_units()
    people = _build_people(random.Random(2015), units)
    figures = build_frontline(random.Random(7), units, people, DEMO_NOW)
    return {"figures": figures, "people": people}


def test_the_main_leader_makes_110_trips_in_80_days_in_the_first_half(city):
    h = queries.half_year(queries.leaders(), 2026, 1, DEMO_NOW.date())
    assert 110 <= h.main.trips <= 140 and 80 <= h.main.days <= 100, (h.main, [r.leader.title for r in h.rows if r.main])
    assert [r.leader.username for r in h.rows if r.main] == ["leader01"]  # 市委副书记、市长


def test_most_leaders_meet_the_rule_most_months_and_some_fall_short(city):
    verdicts = Counter()
    for month in range(1, 12):
        for row in queries.month_table(queries.leaders(), 2026, month):
            verdicts[row.month.ok] += 1
    assert verdicts[True] >= 0.75 * sum(verdicts.values()) and verdicts[False] >= 5, verdicts
    december = queries.month_table(queries.leaders(), 2026, 12)
    assert all(row.month.total_days <= 2 for row in december)  # the month in progress: two days gone


def test_days_are_in_the_past_and_some_are_logged_by_the_office(city):
    assert not Fieldwork.objects.filter(last_date__gte=DEMO_NOW.date()).exists()
    assert Fieldwork.objects.filter(days__gt=1).exists()
    assert Fieldwork.objects.exclude(logged_by=models_leader()).exists()


def models_leader():
    from django.db.models import F

    return F("leader")


def test_some_problems_became_published_frontline_lists(city):
    lists = ResponsibilityList.objects.filter(source="frontline").exclude(status=ListStatus.DRAFT)
    assert 1 <= lists.count() <= 3 and all(rl.field_problem for rl in lists)
    assert all(rl.milestones.exists() and rl.report_every_days == 30 for rl in lists)


def test_cadres_are_stationed_at_the_second_water_source(city):
    stationed = Stationing.objects.filter(project__contains="第二水源")
    assert stationed.count() == 4 and stationed.filter(end=None).count() == 3


def test_a_county_leading_round_has_candidates_lacking_frontline_experience_one_placed(city):
    s = Selection.objects.get()
    assert s.kind == "county_leading"
    lacking = [c for c in s.candidates.all() if not c.eligible]
    assert len(lacking) == 3 and s.candidates.filter(eligible=True).count() == 5
    placed = Posting.objects.exclude(placement_for=None).get()
    assert placed.placement_for in lacking and placed.end is None and placed.planned_end > DEMO_NOW.date()
    assert placed.placement_for.missing == ["placement_unfinished"]
    assert all(Posting.objects.filter(person=c.person).exists() for c in s.candidates.all())


def test_the_demos_people_are_as_the_citys(city):
    new = [p for p in city["people"].values() if p.username.startswith(("cadre", "slj_zs", "zzb_"))]
    assert new and all(p.username.isascii() and not p.name.isascii() and p.unit for p in new)
    assert {p.password for p in city["people"].values()} == {city["people"]["admin"].password}


def test_the_first_days_of_a_year_build_too(db, time_machine):
    moment = datetime(2026, 1, 2, 9, 0, tzinfo=SHANGHAI)
    time_machine.move_to(moment, tick=False)
    units = _build_units()
    people = _build_people(random.Random(2015), units)
    build_frontline(random.Random(7), units, people, moment)
    assert not Fieldwork.objects.filter(date__gte=date(2026, 1, 2)).exists()
    assert (
        Selection.objects.exists() and Stationing.objects.filter(start__lte=moment.date() + timedelta(days=3)).exists()
    )
