"""The demo city's public problems: 落实进行时's ~20 episodes with 20+ units on air and 500+ problems accepted
on air, ~40 exposed hot issues with the article's three, the hotline and the web form over the year,
send-backs both upheld and overruled, a believable satisfaction mix, problems waiting at every stage, and
the reporters' contacts kept out of the public's sight."""

import pytest
from django.db.models import Count

from luoshi.demo.public_texts import NAMED_HOT
from luoshi.duties.models import DutyStatus
from luoshi.lists.models import ResponsibilityList
from luoshi.public import dispatch
from luoshi.public.models import Broadcast, Outcome, Problem, Programme, Ruling, SendBack, Status, Visit

pytestmark = pytest.mark.django_db


def test_the_programme_ran_about_20_episodes_with_20_units_and_500_problems_on_air(city):
    tv = Programme.objects.get(name="落实进行时")
    episodes = Broadcast.objects.filter(programme=tv)
    assert episodes.count() == 20
    units = Broadcast.units.through.objects.filter(broadcast__programme=tv).values("unit").distinct().count()
    assert units >= 20
    on_air = Problem.objects.filter(broadcast__programme=tv).exclude(status__in=[Status.REJECTED, Status.DUPLICATE])
    assert 500 <= on_air.count() < 600
    assert set(Problem.objects.values_list("channel", flat=True)) == {
        "tv",
        "newspaper",
        "hotline",
        "web",
        "open311",
        "internet_supervision",
    }


def test_about_40_hot_issues_are_exposed_with_the_articles_three(city):
    hot = Problem.objects.filter(hot=True)
    assert 35 <= hot.count() <= 45
    for _category, _handler, _district, place, content in NAMED_HOT:
        named = hot.get(content=content, place=place)
        assert named.status == Status.CLOSED and named.outcome == Outcome.SOLVED
    assert ResponsibilityList.objects.filter(problem__isnull=False).exists()


def test_send_backs_were_ruled_both_ways_and_each_problem_ended_with_its_right_unit(city):
    rulings = dict(SendBack.objects.values_list("ruling").annotate(n=Count("pk")))
    assert rulings.get(Ruling.UPHELD, 0) > 20 and rulings.get(Ruling.OVERRULED, 0) > 5
    for sb in SendBack.objects.filter(ruling=Ruling.OVERRULED).select_related("problem")[:10]:
        assert sb.problem.lead_unit_id == sb.unit_id  # ruled theirs: they handled it


def test_visits_have_a_believable_mix_and_closed_but_not_solved_is_apart(city):
    mix = dict(Visit.objects.values_list("satisfaction").annotate(n=Count("pk")))
    total = sum(mix.values())
    assert 0.55 < mix["satisfied"] / total < 0.85
    assert 0.05 < mix["unsatisfied"] / total < 0.2
    assert Visit.objects.filter(reopened=True).exists()
    assert Problem.objects.filter(status=Status.CLOSED, outcome=Outcome.UNSOLVED).count() > 10


def test_recent_problems_wait_at_every_stage(city):
    statuses = set(Problem.objects.values_list("status", flat=True))
    assert {Status.PENDING, Status.HANDLING, Status.REPLIED, Status.CLOSED, Status.REJECTED} <= statuses
    for p in Problem.objects.filter(status=Status.HANDLING)[:5]:
        assert dispatch.lead_duty(p).status == DutyStatus.OPEN
