"""The actions posted from the loop page: thin views over lists.services, refusals as 400/403/404/409."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.duties.models import DutyStatus, Extension, ExtensionStatus, Report
from luoshi.events.models import Event
from luoshi.lists import completion
from luoshi.lists.models import ListStatus
from tests.conftest import NOW, days


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW):
        yield


def obligations(rlist):
    return list(rlist.duties.select_related("unit").order_by("-role", "id"))


def loop_url(rlist) -> str:
    return reverse("lists:loop", args=[rlist.pk])


def post(client, name, rlist, data=None, **kwargs):
    return client.post(reverse(f"lists:{name}", args=[rlist.pk]), data or {}, **kwargs)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def report_data(unit, **overrides):
    data = {
        "unit": unit.pk,
        "submission_key": "",
        "progress": "40",
        "done": "完成规划",
        "difficulties": "资金缺口",
        "next_steps": "报审",
    }
    data.update(overrides)
    return data


def ask_completion(liaison, ob):
    duty_services.do_report(liaison, ob, progress=100, done="完成", request_completion=True, now=NOW)


# --- publish ---------------------------------------------------------------------------------------


def test_office_publishes_a_draft(as_, office, draft_list):
    response = post(as_(office), "publish", draft_list)
    assert response.status_code == 302 and response.url == loop_url(draft_list)
    draft_list.refresh_from_db()
    assert draft_list.status == ListStatus.IN_PROGRESS
    assert messages_of(response) == [f"Published as {draft_list.code}. The handling units now report directly."]


def test_publishing_twice_gets_409(as_, office, published_list):
    response = post(as_(office), "publish", published_list)
    assert response.status_code == 409
    assert "already published" in response.content.decode()


def test_a_unit_cannot_publish(as_, liaison_a, draft_list):
    # a draft is the office's until published: the unit does not even see it
    assert post(as_(liaison_a), "publish", draft_list).status_code == 404
    draft_list.refresh_from_db()
    assert draft_list.status == ListStatus.DRAFT


def test_actions_only_take_posts(as_, office, published_list):
    assert as_(office).get(reverse("lists:publish", args=[published_list.pk])).status_code == 405


# --- report ----------------------------------------------------------------------------------------


def test_liaison_reports_for_own_unit(as_, liaison_a, unit_a, published_list):
    response = post(as_(liaison_a), "report", published_list, report_data(unit_a, submission_key="k1"))
    assert response.status_code == 302 and response.url == loop_url(published_list)
    report = Report.objects.get()
    assert (report.progress, report.done, report.difficulties, report.next_steps) == (
        40,
        "完成规划",
        "资金缺口",
        "报审",
    )
    assert report.author == liaison_a and report.submission_key == "k1"
    assert messages_of(response) == ["Report filed."]


def test_the_unit_head_reports_and_asks_for_completion(as_, head_a, unit_a, published_list):
    response = post(as_(head_a), "report", published_list, report_data(unit_a, progress="100", request_completion="on"))
    assert response.status_code == 302
    ob_a, _ = obligations(published_list)
    assert ob_a.status == DutyStatus.COMPLETION_REQUESTED


def test_it_rejects_report_from_other_unit(as_, liaison_b, outsider, office, unit_a, published_list):
    # The outsider's unit handles nothing on this list: the list does not exist for it.
    assert as_(outsider).get(loop_url(published_list)).status_code == 404
    assert post(as_(outsider), "report", published_list, report_data(unit_a)).status_code == 404
    # liaison_b sees the list (its unit is a co-handler) but may not report for unit_a.
    response = post(as_(liaison_b), "report", published_list, report_data(unit_a))
    assert response.status_code == 403
    assert escape("Only the unit's own liaison or head may report for it.") in response.content.decode()
    # Nor may the office report for a unit.
    assert post(as_(office), "report", published_list, report_data(unit_a)).status_code == 403
    assert not Report.objects.exists()


def test_a_report_for_a_unit_not_on_the_list_gets_400(as_, liaison_a, unit_c, published_list):
    response = post(as_(liaison_a), "report", published_list, report_data(unit_c))
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_double_submitted_report_is_stored_once(as_, liaison_a, unit_a, published_list):
    client = as_(liaison_a)
    page = client.get(loop_url(published_list))
    key = page.context["my_rows"][0].report_form.initial["submission_key"]
    first = post(client, "report", published_list, report_data(unit_a, submission_key=key))
    second = post(client, "report", published_list, report_data(unit_a, submission_key=key))
    assert first.status_code == second.status_code == 302
    assert second.url == loop_url(published_list)
    assert Report.objects.count() == 1
    assert Event.objects.filter(kind="report.filed").count() == 1
    assert messages_of(second)[-1] == "This report was already filed; it is stored once."
    # A new rendering gives a new key: the next report is a new one.
    post(client, "report", published_list, report_data(unit_a, submission_key="another"))
    assert Report.objects.count() == 2


@pytest.mark.parametrize(
    "overrides",
    [
        {"progress": "101"},
        {"progress": "-1"},
        {"progress": "abc"},
        {"done": "   "},
        {"progress": "50", "request_completion": "on"},  # the service's rule: completion needs 100
    ],
)
def test_report_with_bad_progress_gets_400_and_keeps_nothing(as_, liaison_a, unit_a, published_list, overrides):
    response = post(
        as_(liaison_a), "report", published_list, report_data(unit_a, difficulties="保留这段困难", **overrides)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "保留这段困难" in html  # the form comes back with what was typed
    assert "is-invalid" in html
    assert not Report.objects.exists()
    ob_a, _ = obligations(published_list)
    assert ob_a.progress == 0 and ob_a.last_report is None


def test_a_report_over_htmx_gets_a_client_redirect(as_, liaison_a, unit_a, published_list):
    response = post(as_(liaison_a), "report", published_list, report_data(unit_a), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == loop_url(published_list)
    assert Report.objects.count() == 1


def test_a_refused_report_over_htmx_keeps_its_status_and_page(as_, liaison_a, unit_a, published_list):
    response = post(
        as_(liaison_a), "report", published_list, report_data(unit_a, progress="300"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    assert "HX-Redirect" not in response
    assert 'id="report"' in response.content.decode()


def test_reporting_on_a_closed_list_gets_409(as_, office, liaison_a, liaison_b, unit_a, published_list):
    for ob, liaison in zip(obligations(published_list), (liaison_a, liaison_b), strict=True):
        ask_completion(liaison, ob)
        duty_completion.do_accept(office, ob, now=NOW)
    completion.do_close(office, published_list, now=NOW)
    assert post(as_(liaison_a), "report", published_list, report_data(unit_a)).status_code == 409


# --- accept / return -------------------------------------------------------------------------------


def test_office_accepts_a_completion(as_, office, liaison_a, unit_a, published_list):
    ob_a, _ = obligations(published_list)
    ask_completion(liaison_a, ob_a)
    response = post(as_(office), "accept", published_list, {"unit": unit_a.pk})
    assert response.status_code == 302
    ob_a.refresh_from_db()
    assert ob_a.status == DutyStatus.COMPLETED and ob_a.next_report_due is None


def test_the_responsible_leader_may_accept(as_, leader, liaison_a, unit_a, published_list):
    ob_a, _ = obligations(published_list)
    ask_completion(liaison_a, ob_a)
    assert post(as_(leader), "accept", published_list, {"unit": unit_a.pk}).status_code == 302


def test_a_unit_cannot_accept_its_own_completion(as_, liaison_a, unit_a, published_list):
    ob_a, _ = obligations(published_list)
    ask_completion(liaison_a, ob_a)
    assert post(as_(liaison_a), "accept", published_list, {"unit": unit_a.pk}).status_code == 403
    ob_a.refresh_from_db()
    assert ob_a.status == DutyStatus.COMPLETION_REQUESTED


def test_accepting_a_unit_that_has_not_asked_gets_409(as_, office, unit_a, published_list):
    response = post(as_(office), "accept", published_list, {"unit": unit_a.pk})
    assert response.status_code == 409
    assert "市工信委 has not asked for completion." in response.content.decode()


def test_office_returns_a_completion_with_a_reason(as_, office, liaison_a, unit_a, published_list):
    ob_a, _ = obligations(published_list)
    ask_completion(liaison_a, ob_a)
    response = post(as_(office), "return", published_list, {"unit": unit_a.pk, "reason": "缺少验收报告"})
    assert response.status_code == 302
    ob_a.refresh_from_db()
    assert ob_a.status == DutyStatus.OPEN and ob_a.next_report_due is not None
    event = Event.objects.get(kind="completion.returned")
    assert event.note == "缺少验收报告" and event.unit_id == unit_a.pk
    assert "缺少验收报告" in as_(office).get(loop_url(published_list)).content.decode()


def test_a_return_without_a_reason_gets_400(as_, office, liaison_a, unit_a, published_list):
    ob_a, _ = obligations(published_list)
    ask_completion(liaison_a, ob_a)
    response = post(as_(office), "return", published_list, {"unit": unit_a.pk, "reason": " "})
    assert response.status_code == 400
    ob_a.refresh_from_db()
    assert ob_a.status == DutyStatus.COMPLETION_REQUESTED


# --- close -----------------------------------------------------------------------------------------


def test_close_is_refused_while_units_are_open_and_names_them(as_, office, liaison_a, unit_a, published_list):
    ob_a, _ = obligations(published_list)
    ask_completion(liaison_a, ob_a)
    duty_completion.do_accept(office, ob_a, now=NOW)
    response = post(as_(office), "close", published_list)
    assert response.status_code == 409
    html = response.content.decode()
    assert "The list cannot be struck off: not yet completed by 城关区." in html
    published_list.refresh_from_db()
    assert published_list.status == ListStatus.IN_PROGRESS


def test_office_closes_once_every_unit_is_accepted(as_, office, liaison_a, liaison_b, published_list):
    for ob, liaison in zip(obligations(published_list), (liaison_a, liaison_b), strict=True):
        ask_completion(liaison, ob)
        duty_completion.do_accept(office, ob, now=NOW)
    response = post(as_(office), "close", published_list)
    assert response.status_code == 302
    published_list.refresh_from_db()
    assert published_list.status == ListStatus.CLOSED
    page = as_(office).get(loop_url(published_list)).content.decode()
    assert "Struck the list off." in page
    assert reverse("lists:close", args=[published_list.pk]) not in page


def test_only_the_office_closes(as_, leader, published_list):
    assert post(as_(leader), "close", published_list).status_code == 403


# --- extensions ------------------------------------------------------------------------------------


def decide(client, ext, data):
    return client.post(reverse("lists:decide_extension", args=[ext.pk]), data)


def test_a_unit_requests_an_extension_and_the_office_approves_it(as_, liaison_a, office, unit_a, published_list):
    response = post(
        as_(liaison_a),
        "extension",
        published_list,
        {"unit": unit_a.pk, "new_deadline": days(90).isoformat(), "reason": "征地手续未批"},
    )
    assert response.status_code == 302
    ext = Extension.objects.get()
    assert (ext.status, ext.new_deadline, ext.reason) == (ExtensionStatus.PENDING, days(90), "征地手续未批")

    response = decide(as_(office), ext, {"approve": "yes", "note": "同意"})
    assert response.status_code == 302 and response.url == loop_url(published_list)
    ext.refresh_from_db()
    ob_a, _ = obligations(published_list)
    assert ext.status == ExtensionStatus.APPROVED and ext.note == "同意"
    assert ob_a.deadline == days(90)
    page = as_(office).get(loop_url(published_list)).content.decode()
    assert "征地手续未批" in page and "Approved" in page


def test_the_office_refuses_an_extension(as_, liaison_a, office, published_list):
    ob_a, _ = obligations(published_list)
    ext = duty_completion.do_request_extension(liaison_a, ob_a, days(90), "理由", now=NOW)
    assert decide(as_(office), ext, {"approve": "no", "note": "理由不足"}).status_code == 302
    ext.refresh_from_db()
    ob_a.refresh_from_db()
    assert ext.status == ExtensionStatus.REFUSED and ob_a.deadline == days(60)


def test_a_decision_is_taken_once(as_, liaison_a, office, published_list):
    ob_a, _ = obligations(published_list)
    ext = duty_completion.do_request_extension(liaison_a, ob_a, days(90), "理由", now=NOW)
    decide(as_(office), ext, {"approve": "yes"})
    assert decide(as_(office), ext, {"approve": "no"}).status_code == 409


def test_a_decision_needs_yes_or_no(as_, liaison_a, office, published_list):
    ob_a, _ = obligations(published_list)
    ext = duty_completion.do_request_extension(liaison_a, ob_a, days(90), "理由", now=NOW)
    assert decide(as_(office), ext, {"approve": "maybe"}).status_code == 400


def test_an_extension_to_an_earlier_date_gets_400(as_, liaison_a, unit_a, published_list):
    response = post(
        as_(liaison_a),
        "extension",
        published_list,
        {"unit": unit_a.pk, "new_deadline": days(30).isoformat(), "reason": "理由"},
    )
    assert response.status_code == 400
    assert "The new deadline must be later than the current one." in response.content.decode()
    assert not Extension.objects.exists()


def test_a_second_pending_request_gets_409(as_, liaison_a, unit_a, published_list):
    data = {"unit": unit_a.pk, "new_deadline": days(90).isoformat(), "reason": "理由"}
    post(as_(liaison_a), "extension", published_list, data)
    assert post(as_(liaison_a), "extension", published_list, {**data, "new_deadline": days(99)}).status_code == 409


def test_an_extension_after_the_deadline_gets_409(as_, liaison_a, unit_a, published_list):
    with time_machine.travel(NOW + timedelta(days=61)):
        response = post(
            as_(liaison_a),
            "extension",
            published_list,
            {"unit": unit_a.pk, "new_deadline": days(90).isoformat(), "reason": "理由"},
        )
    assert response.status_code == 409


def test_another_unit_cannot_ask_for_an_extension(as_, liaison_b, unit_a, published_list):
    response = post(
        as_(liaison_b),
        "extension",
        published_list,
        {"unit": unit_a.pk, "new_deadline": days(90).isoformat(), "reason": "理由"},
    )
    assert response.status_code == 403


def test_only_the_office_decides_and_outsiders_get_404(as_, liaison_a, leader, outsider, published_list):
    ob_a, _ = obligations(published_list)
    ext = duty_completion.do_request_extension(liaison_a, ob_a, days(90), "理由", now=NOW)
    assert decide(as_(leader), ext, {"approve": "yes"}).status_code == 403
    assert decide(as_(outsider), ext, {"approve": "yes"}).status_code == 404
    assert as_(leader).post(reverse("lists:decide_extension", args=[999]), {"approve": "yes"}).status_code == 404
    ext.refresh_from_db()
    assert ext.status == ExtensionStatus.PENDING
