"""The demo city's oversight and frontline work: the article's half-year figures from stored records
(82 units inspected, 461 problems, 15 units given reminder talks; 14,186 talks, 64 violations, 87 people
held accountable, 33 disciplined; the main leaders' 110+ trips and 80+ days), the four incidents with their
cases, the 08-27 登台剖析 meeting with its four heads, and the lists made from findings and frontline days."""

from datetime import date

import pytest
from django.utils import timezone

from luoshi.frontline import queries as frontline_queries
from luoshi.frontline.models import FieldProblem, Selection, Stationing
from luoshi.lists.models import ListStatus, ResponsibilityList, Source
from luoshi.oversight import stats
from luoshi.oversight.models import Analysis, CaseReason, Finding, Incident

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
FIRST_HALF = (date(TODAY.year, 1, 1), date(TODAY.year, 6, 30))
after_the_meeting = pytest.mark.skipif(date(TODAY.year, 8, 28) >= TODAY, reason="the 08-27 meeting is not held yet")


def test_the_first_half_year_has_the_articles_oversight_figures(city):
    figures = stats.figures(*FIRST_HALF).as_dict()
    assert figures | {"findings_rectified": 0} == {
        "units_inspected": 82,
        "findings": 461,
        "findings_rectified": 0,
        "units_talked": 15,
        "talks": 14186,
        "violations": 64,
        "accountable": 87,
        "disciplined": 33,
    }
    assert 300 < figures["findings_rectified"] < 461  # most rectified and verified, not all


def test_the_main_leaders_made_110_trips_in_80_days_in_the_first_half(city):
    leaders = frontline_queries.leaders()
    half = frontline_queries.half_year(leaders, TODAY.year, 1, TODAY)
    assert half.main.trips >= 110 and half.main.days >= 80


def test_the_four_incidents_lead_to_accountability(city):
    titles = set(Incident.objects.values_list("title", flat=True))
    for words in ("自来水", "彭家坪", "5·17", "1·2"):
        assert any(words in t for t in titles), words
    for incident in Incident.objects.all():
        assert incident.units.exists() and incident.people.exists()
        assert CaseReason.objects.filter(kind="incident", ref_id=incident.pk, case_type="accountability").exists()


@after_the_meeting
def test_the_0827_meeting_has_the_four_heads_with_their_commitments_as_duties(city):
    meeting = Analysis.objects.get(meeting_on=date(TODAY.year, 8, 27))
    chosen = meeting.ranked.filter(chosen=True).select_related("unit")
    assert {r.unit.name for r in chosen} == {"市工信委", "市文化广播影视新闻出版局", "市城市管理委员会", "榆中县"}
    assert all(r.head_id for r in chosen)
    assert all(r.commitments.exists() and r.commitments.first().duties.exists() for r in chosen)


def test_lists_made_from_findings_and_frontline_days_are_the_plans_own(city):
    """The year's lists keep the article's totals: those of source inspection and frontline are linked to
    the finding or the frontline problem they were made from."""
    linked = Finding.objects.exclude(list=None).select_related("list")
    assert linked.count() == 4
    assert all(f.list.source == Source.INSPECTION and f.found_on <= f.list.created_at.date() for f in linked)
    problems = FieldProblem.objects.exclude(list=None).select_related("list")
    assert problems.count() >= 1 and all(p.list.source == Source.FRONTLINE for p in problems)
    published = ResponsibilityList.objects.exclude(status=ListStatus.DRAFT)
    assert published.count() == 150


def test_cadres_are_stationed_and_a_selection_round_checks_its_candidates(city):
    assert Stationing.objects.filter(task__isnull=False).count() >= 3
    selection = Selection.objects.get(kind="county_leading")
    eligible = [c.eligible for c in selection.candidates.all()]
    assert True in eligible and False in eligible
