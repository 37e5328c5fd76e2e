"""A unit's own page (本单位待办): its obligations on published lists, what is due first on top."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from tests.conftest import NOW, TODAY, english, login, make_person
from tests.lists.test_index import make_list

INBOX = reverse("lists:inbox")


@pytest.fixture(autouse=True)
def travel():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def work(office, leader, unit_a, unit_b, unit_c, liaison_a):
    """unit_a's work: red, yellow and green lists, one waiting for acceptance, one accepted; plus others'."""
    red = make_list(office, title="红灯清单", lead_unit=unit_a, at=NOW - timedelta(days=30), leader=leader)
    green = make_list(office, title="绿灯清单", lead_unit=unit_b, co_units=[unit_a], every=14)
    yellow = make_list(office, title="黄灯清单", lead_unit=unit_a, every=2)
    requested = make_list(office, title="待验收清单", lead_unit=unit_a, co_units=[unit_b])
    ob = requested.duties.get(unit=unit_a)
    duty_services.do_report(liaison_a, ob, progress=100, done="全部完成", request_completion=True, now=NOW)
    accepted = make_list(office, title="已验收清单", lead_unit=unit_a, co_units=[unit_b])
    ob = accepted.duties.get(unit=unit_a)
    duty_services.do_report(liaison_a, ob, progress=100, done="全部完成", request_completion=True, now=NOW)
    duty_completion.do_accept(office, ob, now=NOW)
    make_list(office, title="草稿清单", lead_unit=unit_a, publish=False)
    make_list(office, title="榆中县清单", lead_unit=unit_c)
    return {"red": red, "green": green, "yellow": yellow, "requested": requested, "accepted": accepted}


def rows(response):
    return [row.ob.title for _, group in response.context["groups"] for row in group]


def test_a_liaison_sees_the_units_work_due_first(client, liaison_a, work):
    response = login(client, liaison_a).get(INBOX)
    assert response.status_code == 200
    # Open work by next report due, then what waits for acceptance, then what is accepted; no drafts.
    assert rows(response) == ["红灯清单", "黄灯清单", "绿灯清单", "待验收清单", "已验收清单"]
    lights = [row.light for _, group in response.context["groups"] for row in group][:3]
    assert lights == ["red", "yellow", "green"]


def test_each_row_shows_role_due_days_deadline_last_report_and_a_report_button(client, liaison_a, work):
    html = english(login(client, liaison_a)).get(INBOX).content.decode()
    red = work["red"]
    assert reverse("lists:report_page", args=[red.pk, liaison_a.unit_id]) in html  # the phone's report page
    assert red.code in html
    assert "overdue 16 days" in html
    assert "due in 2 days" in html
    assert "due in 14 days" in html
    assert "Co-handling unit" in html and "Lead unit" in html
    assert (TODAY - timedelta(days=30) + timedelta(days=60)).isoformat() in html  # the red list's deadline
    assert "2026-03-02 10:00" in html  # the last report of the list waiting for acceptance
    # No report button for work waiting for acceptance or accepted.
    assert reverse("lists:loop", args=[work["requested"].pk]) + "#report" not in html
    assert reverse("lists:loop", args=[work["accepted"].pk]) + "#report" not in html


def test_the_unit_head_sees_the_same(client, head_a, work):
    assert rows(login(client, head_a).get(INBOX))[:3] == ["红灯清单", "黄灯清单", "绿灯清单"]


def test_other_units_people_see_nothing_of_it(client, outsider, work):
    response = login(client, outsider).get(INBOX)
    assert response.status_code == 200
    assert rows(response) == ["榆中县清单"]
    assert "红灯清单" not in response.content.decode()


def test_it_filters_by_light(client, liaison_a, work):
    login(client, liaison_a)
    assert rows(client.get(INBOX, {"light": "red"})) == ["红灯清单"]
    assert rows(client.get(INBOX, {"light": "green"})) == ["绿灯清单"]


def test_inbox_refuses_a_bad_light_with_400(client, liaison_a, work):
    response = login(client, liaison_a).get(INBOX, {"light": "purple"})
    assert response.status_code == 400
    assert "purple" in response.content.decode()


def test_inbox_is_404_for_people_without_unit(client, office, leader, work):
    assert login(client, office).get(INBOX).status_code == 404
    assert login(client, leader).get(INBOX).status_code == 404


def test_a_unit_member_without_a_reporting_role_gets_no_report_button(client, unit_a, work):
    viewer = make_person("viewer_a", [], unit_a)
    response = login(client, viewer).get(INBOX)
    assert rows(response)[:3] == ["红灯清单", "黄灯清单", "绿灯清单"]
    assert "#report" not in response.content.decode()


def test_inbox_runs_a_constant_number_of_queries(client, office, liaison_a, unit_a, django_assert_max_num_queries):
    for i in range(12):
        make_list(office, title=f"清单{i}", lead_unit=unit_a)
    login(client, liaison_a)
    with django_assert_max_num_queries(6):
        response = client.get(INBOX)
    assert len(rows(response)) == 12
