"""A problem met on a frontline day becomes a published responsibility list (source `frontline`) in one step,
by the office, once."""

from datetime import timedelta

import pytest
from django.urls import reverse

from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.frontline import services
from luoshi.lists.models import ListStatus, ResponsibilityList
from tests.conftest import NOW, TODAY
from tests.frontline.conftest import log_day

DEADLINE = TODAY + timedelta(days=45)


@pytest.fixture
def problem(leader, unit_a):
    entry = log_day(
        leader,
        leader,
        TODAY - timedelta(days=1),
        kind="supervised_unit",
        unit=unit_a,
        problems=("园区企业用电报装周期长",),
    )
    return entry.problems.get()


def test_the_office_makes_a_problem_a_published_list_of_the_leader(office, leader, unit_a, problem):
    rlist, created = services.do_problem_to_list(office, problem, deadline=DEADLINE, now=NOW)
    assert created and rlist.status == ListStatus.IN_PROGRESS and rlist.code
    assert (rlist.source, rlist.leader, rlist.title) == ("frontline", leader, "园区企业用电报装周期长")
    assert "园区企业用电报装周期长" in rlist.content and "市工信委" not in rlist.title
    assert [d.unit for d in rlist.duties.all()] == [unit_a]  # the unit visited leads by default
    problem.refresh_from_db()
    assert problem.list == rlist and rlist.field_problem == problem
    assert Event.objects.filter(kind="field_problem.to_list", after__list=rlist.pk).exists()


def test_asked_again_it_answers_the_same_list(office, problem):
    first, _ = services.do_problem_to_list(office, problem, deadline=DEADLINE, now=NOW)
    again, created = services.do_problem_to_list(office, problem, deadline=DEADLINE, now=NOW)
    assert (again, created) == (first, False)
    assert ResponsibilityList.objects.count() == 1


def test_only_the_office_makes_a_list(leader, problem):
    with pytest.raises(NotAllowed):
        services.do_problem_to_list(leader, problem, deadline=DEADLINE, now=NOW)


def test_a_grassroots_problem_without_a_unit_needs_a_lead_unit(office, leader, unit_b):
    entry = log_day(leader, leader, TODAY, problems=("村道硬化未完成",))
    with pytest.raises(InvalidInput) as refused:
        services.do_problem_to_list(office, entry.problems.get(), deadline=DEADLINE, now=NOW)
    assert refused.value.field == "lead_unit"
    rlist, _ = services.do_problem_to_list(office, entry.problems.get(), lead_unit=unit_b, deadline=DEADLINE, now=NOW)
    assert rlist.duties.get().unit == unit_b


def test_the_api_makes_the_list_once(api, office, problem):
    path = f"/fieldwork/problems/{problem.pk}/to-list"
    first = api(office).post(path, {"deadline": DEADLINE.isoformat()})
    second = api(office).post(path, {"deadline": DEADLINE.isoformat()})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json() and ResponsibilityList.objects.count() == 1


def test_the_api_refuses_bad_input_and_others(api, office, leader, liaison_a, problem):
    path = f"/fieldwork/problems/{problem.pk}/to-list"
    assert (
        api(office).post(path, {"deadline": "2026-01-01"}, headers={"Accept-Language": "en"}).json()["field"]
        == "deadline"
    )
    assert api(office).post(path, {"deadline": DEADLINE.isoformat(), "lead_unit": 2**31}).json()["field"] == "lead_unit"
    assert api(office).post(path, {"deadline": DEADLINE.isoformat(), "title": "a\x00"}).json()["field"] == "title"
    assert api(leader).post(path, {"deadline": DEADLINE.isoformat()}).status_code == 403
    assert api(liaison_a).post(path, {"deadline": DEADLINE.isoformat()}).status_code == 404
    assert api(office).post("/fieldwork/problems/999999/to-list", {"deadline": DEADLINE.isoformat()}).status_code == 404


def test_the_page_publishes_the_list_and_lands_on_it(as_, office, unit_a, problem):
    client = as_(office)
    url = reverse("frontline:to_list", args=[problem.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"].initial["lead_unit"] == unit_a
    response = client.post(url, {"lead_unit": unit_a.pk, "deadline": DEADLINE.isoformat(), "report_every_days": 14})
    rlist = ResponsibilityList.objects.get()
    assert response.status_code == 302 and response.url == reverse("lists:loop", args=[rlist.pk])
    assert rlist.report_every_days == 14
    again = client.post(url, {"lead_unit": unit_a.pk, "deadline": DEADLINE.isoformat(), "report_every_days": 14})
    assert again.status_code == 302 and ResponsibilityList.objects.count() == 1


def test_the_page_refuses_a_past_deadline_naming_it(as_, office, unit_a, problem):
    response = as_(office).post(
        reverse("frontline:to_list", args=[problem.pk]),
        {"lead_unit": unit_a.pk, "deadline": "2026-01-01", "report_every_days": 30},
    )
    assert response.status_code == 400 and "deadline" in response.context["form"].errors


def test_the_page_is_the_offices(as_, leader, problem):
    assert as_(leader).get(reverse("frontline:to_list", args=[problem.pk])).status_code == 403
