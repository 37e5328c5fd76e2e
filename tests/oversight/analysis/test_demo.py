"""The demo's 登台剖析: the 27 August meeting of the year on its first half-year, the four heads of the
article on its agenda (the office's change recorded with what the score proposed), their commitments
as duties, some reported on."""

import random
from datetime import date, datetime

import pytest
from django.utils import timezone

from luoshi.demo.oversight_analysis import SPEAKERS, build_analysis, wipe_analysis
from luoshi.duties.models import Duty, DutyStatus, Report
from luoshi.events.models import Event
from luoshi.org.models import Unit
from luoshi.oversight.analysis_queries import agenda_of, ordered_rows
from luoshi.oversight.models import Analysis, AnalysisUnit, Commitment
from tests.conftest import make_person
from tests.oversight.analysis.conftest import talk

NAMES = {
    "gxw": "市工信委",
    "wgx": "市文化广播影视新闻出版局",
    "cgw": "市城市管理委员会",
    "yzx": "榆中县",
    "xgq": "西固区",
}


def small_city():
    units = {
        code: Unit.objects.create(name=name, kind="district" if code in ("yzx", "xgq") else "department")
        for code, name in NAMES.items()
    }
    people = {"office": make_person("office", ["office"], name="王晓燕")}
    for code, unit in units.items():
        people[f"{code}_head"] = make_person(f"{code}_head", ["unit_head"], unit, name=f"{unit.name}负责人")
        people[f"{code}_liaison"] = make_person(f"{code}_liaison", ["liaison"], unit, name=f"{unit.name}联络员")
    for day in (3, 4, 5):
        talk(people["office"], units["xgq"], date(2026, 3, day))  # 西固区 ranks worst by the score
    talk(people["office"], units["yzx"], date(2026, 4, 1))
    return units, people


def test_the_meeting_has_the_four_heads_and_the_office_says_what_the_score_proposed(db):
    units, people = small_city()
    now = timezone.make_aware(datetime(2026, 12, 3, 10))
    a = build_analysis(random.Random(2015), units, people, now)
    assert a is not None and a.meeting_on == date(2026, 8, 27)
    assert (a.period_from, a.period_to) == (date(2026, 1, 1), date(2026, 6, 30))
    agenda = agenda_of(ordered_rows(a))
    assert [r.unit_id for r in agenda] == [units[c].pk for c in SPEAKERS]
    assert [r.head for r in agenda] == [people[f"{c}_head"] for c in SPEAKERS]
    note = Event.objects.get(kind="analysis.agenda_set", subject_id=a.pk).note
    assert (
        "系统按上半年计分排名提出西固区、榆中县" in note and "市工信委期内无计分事项" in note and "榆中县第2位" in note
    )
    assert a.confirmed_at is not None and a.held_at is not None
    duties = Duty.objects.filter(owner_type__model="commitment")
    assert Commitment.objects.count() == 8 and duties.count() == 8
    assert set(duties.values_list("unit_id", flat=True)) == {units[c].pk for c in SPEAKERS}
    assert duties.filter(status=DutyStatus.COMPLETED).count() == 1
    assert Report.objects.filter(duty__in=duties).count() > 8


def test_before_the_half_year_ends_there_is_no_meeting(db):
    units, people = small_city()
    assert build_analysis(random.Random(1), units, people, timezone.make_aware(datetime(2026, 6, 20, 10))) is None


def test_before_the_meeting_the_agenda_is_confirmed_without_commitments(db):
    units, people = small_city()
    a = build_analysis(random.Random(1), units, people, timezone.make_aware(datetime(2026, 8, 25, 10)))
    assert a is not None and a.confirmed_at is not None and not Commitment.objects.exists()


@pytest.mark.figures_by_hand  # a reset deletes reports and leaves their tallies to the city's wipe
def test_the_reset_deletes_the_meeting_its_commitments_and_their_duties(db):
    units, people = small_city()
    build_analysis(random.Random(2015), units, people, timezone.make_aware(datetime(2026, 12, 3, 10)))
    wipe_analysis()
    assert not Analysis.objects.exists() and not AnalysisUnit.objects.exists() and not Commitment.objects.exists()
    assert not Duty.objects.filter(owner_type__model="commitment").exists()
    assert not Report.objects.exists()
