"""The changes page (调整) of a published list, a unit's transfer request (申请转办), and what the loop page shows."""

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from luoshi.duties.models import DutyStatus
from luoshi.events.models import Event
from luoshi.lists import changes, transfers
from luoshi.lists.models import ListStatus, TransferRequest, TransferStatus
from luoshi.org.models import Unit
from tests.conftest import NOW, days, make_person


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW):
        yield


def url(name, *args):
    return reverse(f"lists:{name}", args=args)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_office_finds_the_changes_page_from_the_loop_page(as_, office, published_list):
    html = as_(office).get(url("loop", published_list.pk)).content.decode()
    assert url("changes", published_list.pk) in html and 'id="change-list"' in html
    response = as_(office).get(url("changes", published_list.pk))
    assert response.status_code == 200
    page = response.content.decode()
    for form in ("change-fields", "add-unit", "withdraw-unit", "transfer-unit", "suspend-list", "cancel-list"):
        assert f'id="{form}"' in page


def test_only_the_office_opens_the_changes_page(as_, client, published_list, liaison_a, leader, outsider):
    assert as_(liaison_a).get(url("changes", published_list.pk)).status_code == 403
    assert as_(leader).get(url("changes", published_list.pk)).status_code == 403
    assert as_(outsider).get(url("changes", published_list.pk)).status_code == 404
    assert 'id="change-list"' not in as_(liaison_a).get(url("loop", published_list.pk)).content.decode()
    response = as_(liaison_a).post(url("suspend", published_list.pk), {"reason": "暂缓"})
    assert response.status_code == 403
    published_list.refresh_from_db()
    assert published_list.status == ListStatus.IN_PROGRESS


def test_the_office_adds_and_withdraws_a_unit_through_the_forms(as_, office, published_list, unit_b, unit_c):
    client = as_(office)
    response = client.post(url("add_unit", published_list.pk), {"unit": unit_c.pk, "reason": "需要配合"})
    assert response.status_code == 302 and response["Location"] == url("changes", published_list.pk)
    assert published_list.duties.filter(unit=unit_c, status=DutyStatus.OPEN).exists()
    response = client.post(url("withdraw_unit", published_list.pk), {"unit": unit_b.pk, "reason": "不需要"})
    assert response.status_code == 302
    assert "withdrawn" in messages_of(response)[-1]
    assert published_list.duties.get(unit=unit_b).status == DutyStatus.WITHDRAWN


def test_a_refusal_is_shown_on_the_field_with_its_status(as_, office, published_list, unit_a, unit_b):
    client = as_(office)
    response = client.post(url("withdraw_unit", published_list.pk), {"unit": unit_a.pk, "reason": "不需要"})
    assert response.status_code == 400
    assert response.context["forms"]["withdraw"].errors["unit"]
    response = client.post(url("withdraw_unit", published_list.pk), {"unit": unit_b.pk, "reason": ""})
    assert response.status_code == 400 and "reason" in response.context["forms"]["withdraw"].errors
    response = client.post(url("add_unit", published_list.pk), {"unit": unit_b.pk})
    assert response.status_code == 400 and "already handles" in response.content.decode()
    assert not Event.objects.filter(kind__startswith="duty.").exists()


def test_a_changed_deadline_is_posted_with_a_reason(as_, office, published_list, leader):
    data = {"title": "新标题", "content": "", "leader": leader.pk, "deadline": days(70).isoformat(), "reason": ""}
    response = as_(office).post(url("change_fields", published_list.pk), data)
    assert response.status_code == 400
    response = as_(office).post(url("change_fields", published_list.pk), {**data, "reason": "领导新指示"})
    assert response.status_code == 302
    published_list.refresh_from_db()
    assert (published_list.title, published_list.deadline) == ("新标题", days(70))
    response = as_(office).post(url("change_fields", published_list.pk), {**data, "reason": "领导新指示"})
    assert messages_of(response)[-1] == "Nothing was changed."
    assert Event.objects.filter(kind="list.changed").count() == 1


def test_suspend_resume_and_cancel_through_the_forms(as_, office, published_list, liaison_a):
    assert as_(office).post(url("suspend", published_list.pk), {"reason": "等待省级审批"}).status_code == 302
    loop = as_(liaison_a).get(url("loop", published_list.pk)).content.decode()
    assert 'id="suspended-note"' in loop and 'id="report"' not in loop  # no reporting while suspended
    client = as_(office)
    assert client.post(url("resume", published_list.pk), {"reason": ""}).status_code == 302
    assert client.post(url("cancel", published_list.pk), {"reason": ""}).status_code == 400
    assert client.post(url("cancel", published_list.pk), {"reason": "上级叫停"}).status_code == 302
    published_list.refresh_from_db()
    assert published_list.status == ListStatus.CANCELLED
    page = client.get(url("changes", published_list.pk)).content.decode()
    assert 'id="not-changeable"' in page and 'id="cancel-list"' not in page
    loop = client.get(url("loop", published_list.pk)).content.decode()
    assert 'id="cancelled-note"' in loop and 'id="change-list"' not in loop


def test_the_loop_page_greys_a_withdrawn_unit(as_, office, published_list, unit_b):
    changes.do_withdraw_unit(office, published_list, unit_b, "不需要", now=NOW)
    html = as_(office).get(url("loop", published_list.pk)).content.decode()
    assert 'class="text-secondary ls-withdrawn"' in html and "Withdrawn" in html
    assert 'data-kind="duty.withdrawn"' in html and "不需要" in html


def test_a_liaison_asks_for_a_transfer_and_the_office_approves_it(
    as_, office, published_list, liaison_b, unit_b, unit_c
):
    loop = as_(liaison_b).get(url("loop", published_list.pk)).content.decode()
    assert url("request_transfer", published_list.pk) in loop
    data = {"reason": "该事项属榆中县职责", "suggested_unit": unit_c.pk}
    response = as_(liaison_b).post(url("request_transfer", published_list.pk), data)
    assert response.status_code == 302 and response["Location"] == url("loop", published_list.pk)
    again = as_(liaison_b).post(url("request_transfer", published_list.pk), data)
    assert "stored once" in messages_of(again)[-1]
    req = TransferRequest.objects.get()
    assert 'id="transfer-waiting"' in as_(liaison_b).get(url("loop", published_list.pk)).content.decode()

    page = as_(office).get(url("changes", published_list.pk)).content.decode()
    assert f'id="transfer-request-{req.pk}"' in page and "该事项属榆中县职责" in page
    response = as_(office).post(url("decide_transfer", req.pk), {"approve": "yes", "to_unit": unit_c.pk, "note": ""})
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == TransferStatus.APPROVED
    assert published_list.duties.get(unit=unit_b).status == DutyStatus.WITHDRAWN
    assert published_list.duties.get(unit=unit_c).status == DutyStatus.OPEN


def test_only_a_units_own_people_ask_for_its_transfer(as_, published_list, liaison_a, leader, outsider, office):
    assert as_(leader).get(url("request_transfer", published_list.pk)).status_code == 403
    assert as_(office).get(url("request_transfer", published_list.pk)).status_code == 403
    assert as_(outsider).get(url("request_transfer", published_list.pk)).status_code == 404
    response = as_(liaison_a).post(url("request_transfer", published_list.pk), {"reason": "\x1b[2J"})
    assert response.status_code == 400 and response.context["form"].errors["reason"]
    assert not TransferRequest.objects.exists()


def test_a_decided_request_is_refused_the_second_time(as_, office, published_list, liaison_b, unit_b):
    req, _created = transfers.do_request_transfer(liaison_b, published_list, unit_b, "不属于", now=NOW)
    client = as_(office)
    assert client.post(url("decide_transfer", req.pk), {"approve": "no", "note": "仍由你单位办理"}).status_code == 302
    response = client.post(url("decide_transfer", req.pk), {"approve": "no", "note": ""})
    assert response.status_code == 409
    assert client.post(url("decide_transfer", 99999), {"approve": "no"}).status_code == 404


def test_the_changes_page_runs_a_constant_number_of_queries(
    as_, office, published_list, liaison_b, unit_b, django_assert_max_num_queries
):
    client = as_(office)
    client.get(url("changes", published_list.pk))
    with django_assert_max_num_queries(20) as few:
        client.get(url("changes", published_list.pk))
    for i in range(4):
        unit = Unit.objects.create(name=f"单位{i}", kind="department")
        changes.do_add_unit(office, published_list, unit, "co", now=NOW)
        transfers.do_request_transfer(make_person(f"l{i}", ["liaison"], unit), published_list, unit, "不属于", now=NOW)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url("changes", published_list.pk)).status_code == 200
