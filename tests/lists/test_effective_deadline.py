"""The effective deadline: after an approved extension the index, the leader page, the loop header and the
API show the unit's new deadline, and the list's as the latest of its units not yet accepted; the red
marking agrees with the light (2026-ZR-0148 showed its old deadline in bold red beside a green light)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.lists import queries
from luoshi.lists.models import ResponsibilityList
from tests.conftest import NOW, ApiClient, days

INDEX = reverse("lists:index")


@pytest.fixture
def extended(published_list, office, liaison_b):
    """The co-unit (城关区) of the two-unit list asked for 30 more days, and got them."""
    ob_b = published_list.duties.get(role="co")
    ext = duty_completion.do_request_extension(liaison_b, ob_b, days(90), "拆迁安置需要时间", now=NOW)
    duty_completion.do_decide_extension(office, ext, True, "同意", now=NOW)
    return published_list


def report_late_in_the_term(liaison, rlist, unit, progress=80, **extra):
    """A report on day 59, so that the reporting cadence keeps the light green on day 61."""
    ob = rlist.duties.select_related("unit").get(unit=unit)
    return duty_services.do_report(liaison, ob, progress=progress, done="推进中", now=NOW + timedelta(days=59), **extra)


def row_of(response, rlist):
    (row,) = [r for r in response.context["rows"] if r.rlist.pk == rlist.pk]
    return row


def test_the_index_shows_the_extended_deadline_and_the_original(as_, office, extended):
    with time_machine.travel(NOW, tick=False):
        response = as_(office).get(INDEX)
    row = row_of(response, extended)
    assert row.rlist.deadline == days(60)  # the list's own, as created
    assert row.effective_deadline == days(90)
    html = response.content.decode()
    assert days(90).isoformat() in html
    assert f"originally {days(60).isoformat()}" in html


def test_0148_one_unit_accepted_the_other_extended_is_green_and_not_red_on_its_old_deadline(
    as_, office, extended, unit_a, unit_b, liaison_a, liaison_b
):
    ob_a = extended.duties.select_related("unit").get(unit=unit_a)
    duty_services.do_report(liaison_a, ob_a, progress=100, done="完成", request_completion=True, now=NOW)
    duty_completion.do_accept(office, ob_a, now=NOW)
    report_late_in_the_term(liaison_b, extended, unit_b)
    with time_machine.travel(NOW + timedelta(days=61), tick=False):  # past the list's original deadline
        response = as_(office).get(INDEX)
        row = row_of(response, extended)
        assert row.light == "green"
        assert row.effective_deadline == days(90)
        assert row.units_past_deadline == 0
        html = response.content.decode()
        assert "past its deadline" not in html and "past their deadline" not in html
        assert f'<span class="text-nowrap">{days(90).isoformat()}</span>' in html  # not in red
        # The filters agree: neither red nor overdue.
        assert extended.pk not in {r.rlist.pk for r in as_(office).get(INDEX, {"overdue": "1"}).context["rows"]}
        assert extended.pk in {r.rlist.pk for r in as_(office).get(INDEX, {"light": "green"}).context["rows"]}


def test_a_unit_still_working_past_its_own_deadline_is_named_even_if_another_was_extended(
    as_, office, extended, unit_a, unit_b, liaison_a, liaison_b
):
    report_late_in_the_term(liaison_a, extended, unit_a)
    report_late_in_the_term(liaison_b, extended, unit_b)
    with time_machine.travel(NOW + timedelta(days=61), tick=False):
        row = row_of(as_(office).get(INDEX), extended)
        assert row.light == "red"  # 市工信委 is past its deadline of day 60
        assert row.effective_deadline == days(90)
        assert row.units_past_deadline == 1
        assert "1 unit past its deadline" in as_(office).get(INDEX).content.decode()
        assert extended.pk in {r.rlist.pk for r in as_(office).get(INDEX, {"overdue": "1"}).context["rows"]}

        header = as_(office).get(reverse("lists:loop", args=[extended.pk]))
        assert header.context["effective_deadline"] == days(90)
        assert [u.pk for u in header.context["units_past_deadline"]] == [unit_a.pk]
        html = header.content.decode()
        assert days(90).isoformat() in html and f"originally {days(60).isoformat()}" in html
        assert "1 unit past its deadline" in html


def test_past_every_open_deadline_the_date_itself_is_red(as_, office, published_list):
    with time_machine.travel(NOW + timedelta(days=61), tick=False):
        response = as_(office).get(INDEX)
        row = row_of(response, published_list)
        assert row.effective_deadline == days(60) and row.units_past_deadline == 2
        html = response.content.decode()
        assert f'<span class="text-nowrap text-danger fw-semibold">{days(60).isoformat()}</span>' in html


def test_the_leader_page_shows_the_effective_deadline(as_, leader, extended):
    with time_machine.travel(NOW, tick=False):
        row = row_of(as_(leader).get(reverse("lists:leader")), extended)
    assert row.effective_deadline == days(90)


def test_once_every_unit_is_accepted_it_is_the_latest_deadline_of_all(office, extended, liaison_a, liaison_b):
    obligations = extended.duties.select_related("unit").order_by("-role")  # lead, then co
    for liaison, ob in zip((liaison_a, liaison_b), obligations, strict=True):
        duty_services.do_report(liaison, ob, progress=100, done="完成", request_completion=True, now=NOW)
        duty_completion.do_accept(office, ob, now=NOW)
    rlist = queries.with_lights(ResponsibilityList.objects.filter(pk=extended.pk)).get()
    assert rlist.effective_deadline == days(90)


def test_the_annotation_and_the_python_twin_agree(office, extended, liaison_a, unit_a):
    ob_a = extended.duties.select_related("unit").get(unit=unit_a)
    duty_services.do_report(liaison_a, ob_a, progress=100, done="完成", request_completion=True, now=NOW)
    annotated = queries.with_lights(ResponsibilityList.objects.filter(pk=extended.pk)).get()
    plain = ResponsibilityList.objects.prefetch_related("duties").get(pk=extended.pk)
    assert queries.effective_deadline(annotated) == queries.effective_deadline(plain) == days(90)


def test_the_api_gives_both_deadlines(office, extended):
    with time_machine.travel(NOW, tick=False):
        api = ApiClient(office)
        detail = api.get(f"/lists/{extended.pk}").json()
        (listed,) = api.get("/lists").json()["items"]
    for body in (detail, listed):
        assert body["deadline"] == days(60).isoformat()
        assert body["effective_deadline"] == days(90).isoformat()
    assert {o["unit_name"]: o["deadline"] for o in detail["obligations"]} == {
        "市工信委": days(60).isoformat(),
        "城关区": days(90).isoformat(),
    }
