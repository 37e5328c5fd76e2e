"""The demo city's cases reproduce the article's first half-year from stored records."""

import random
from datetime import date

import pytest
from django.utils import timezone

from luoshi.demo.city import _build_people, _build_units
from luoshi.demo.oversight_cases import build_cases
from luoshi.events.models import Event
from luoshi.oversight import stats
from luoshi.oversight.models import CaseReason, Incident, Talk
from tests.conftest import NOW


@pytest.fixture
def built(db):
    rng = random.Random(2015)
    units = _build_units()
    people = _build_people(rng, units)
    made = build_cases(rng, units, people, NOW.replace(month=7, day=15))
    return units, made


def test_the_first_half_year_has_the_articles_figures(built):
    _units, made = built
    figures = stats.figures(date(NOW.year, 1, 1), date(NOW.year, 6, 30))
    assert (figures.units_talked, figures.talks, figures.violations) == (15, 14_186, 64)
    assert (figures.accountable, figures.disciplined) == (87, 33)
    assert made["talks"] == 14_186 and made["reminder_talks"] == 15


def test_the_talks_at_scale_are_one_batch_with_one_event(built):
    batch = Event.objects.get(kind="talk.imported")
    assert batch.after["count"] == 14_186 - 15
    assert Event.objects.filter(kind="talk.created").count() == 15


def test_the_articles_four_heads_are_among_the_units_talked_to(built):
    units, _made = built
    talked = set(Talk.objects.filter(kind="reminder", subject_kind="unit").values_list("unit_id", flat=True))
    assert {units[c].pk for c in ("gxw", "wgx", "cgw", "yzx")} <= talked


def test_the_four_incidents_have_their_units_people_and_decisions(built):
    incidents = list(Incident.objects.prefetch_related("units", "people").order_by("happened_on"))
    assert [i.title for i in incidents] == [
        "泰生大厦“1·2”火灾事故",
        "自来水异味事件",
        "彭家坪供水管道改造停水事件",
        "西固“5·17”围墙倒塌事故",
    ]
    assert [i.happened_on.strftime("%m-%d") for i in incidents] == ["01-02", "02-09", "03-12", "05-17"]
    for i in incidents:
        assert i.units.count() >= 3 and i.people.count() >= 3
        assert CaseReason.objects.filter(kind="incident", ref_id=i.pk, case_type="accountability").count() >= 4


def test_nothing_is_dated_after_the_half_year_or_in_the_future(db):
    rng = random.Random(7)
    units = _build_units()
    people = _build_people(rng, units)
    march = NOW  # the demo built on 2 March: the half-year so far
    build_cases(rng, units, people, march)
    assert not Talk.objects.filter(held_on__gte=march.date()).exists()
    assert not Event.objects.filter(at__gt=march).exists()
    assert not Incident.objects.filter(happened_on__gt=timezone.localdate(march)).exists()


def test_a_reset_leaves_no_reason_of_the_old_city(built):
    from luoshi.demo.oversight_cases import wipe_cases

    assert CaseReason.objects.exists()
    wipe_cases()
    assert not CaseReason.objects.exists()
