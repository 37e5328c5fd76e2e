"""A unit says the work is not theirs (申请转办); the office decides; until then the duty runs."""

from datetime import timedelta

import pytest

from luoshi.duties import services as duty_services
from luoshi.duties.models import DutyStatus
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.lists import changes, transfers
from luoshi.lists.models import TransferRequest, TransferStatus
from luoshi.notify.models import Notification
from tests.conftest import NOW

LATER = NOW + timedelta(days=3)


def live(rlist, unit):
    return rlist.duties.exclude(status=DutyStatus.WITHDRAWN).filter(unit=unit).first()


def test_the_office_approves_a_request_and_the_duty_moves_to_the_suggested_unit(
    published_list, office, unit_b, unit_c, liaison_b, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        req, created = transfers.do_request_transfer(
            liaison_b, published_list, unit_b, "该事项属榆中县职责", unit_c, now=NOW
        )
    assert created and req.status == TransferStatus.PENDING
    assert live(published_list, unit_b).status == DutyStatus.OPEN  # the duty runs until the office decides
    assert Notification.objects.filter(recipient=office, kind="transfer.requested").exists()
    event = Event.objects.get(kind="transfer.requested")
    assert event.unit_id == unit_b.pk and event.note == "该事项属榆中县职责"

    with django_capture_on_commit_callbacks(execute=True):
        req = transfers.do_decide_transfer(office, req, True, note="同意转办", now=LATER)
    assert req.status == TransferStatus.APPROVED and req.to_unit == unit_c and req.decided_by == office
    assert live(published_list, unit_b) is None
    assert live(published_list, unit_c).role == "co"
    assert Event.objects.get(kind="duty.transferred").after["request"] == req.pk
    assert Notification.objects.filter(recipient=liaison_b, kind="transfer.decided").exists()
    assert Notification.objects.filter(recipient=outsider, kind="duty.assigned").exists()


def test_the_office_may_send_the_work_elsewhere_or_refuse(published_list, office, unit_a, unit_b, unit_c, liaison_b):
    req, _created = transfers.do_request_transfer(liaison_b, published_list, unit_b, "不属于本单位", now=NOW)
    with pytest.raises(InvalidInput) as err:  # no suggestion and no unit chosen
        transfers.do_decide_transfer(office, req, True, now=LATER)
    assert err.value.field == "to_unit"
    req = transfers.do_decide_transfer(office, req, False, note="仍由城关区办理", now=LATER)
    assert req.status == TransferStatus.REFUSED
    assert live(published_list, unit_b).status == DutyStatus.OPEN
    assert Event.objects.filter(kind="transfer.refused").count() == 1

    again, _created = transfers.do_request_transfer(liaison_b, published_list, unit_b, "确不属于", unit_a, now=LATER)
    transfers.do_decide_transfer(office, again, True, to_unit=unit_c, now=LATER)
    assert live(published_list, unit_c) is not None


def test_a_request_sent_twice_stores_once_and_a_different_one_waits(published_list, unit_b, liaison_b):
    first, created = transfers.do_request_transfer(liaison_b, published_list, unit_b, "不属于本单位", now=NOW)
    again, created_again = transfers.do_request_transfer(liaison_b, published_list, unit_b, "不属于本单位", now=NOW)
    assert created and not created_again and again.pk == first.pk
    with pytest.raises(Conflict):
        transfers.do_request_transfer(liaison_b, published_list, unit_b, "另一个理由", now=NOW)
    assert TransferRequest.objects.count() == 1


def test_a_decision_is_taken_once(published_list, office, unit_b, unit_c, liaison_b):
    req, _created = transfers.do_request_transfer(liaison_b, published_list, unit_b, "不属于", unit_c, now=NOW)
    transfers.do_decide_transfer(office, req, True, now=LATER)
    with pytest.raises(Conflict):
        transfers.do_decide_transfer(office, req, True, now=LATER)
    assert published_list.duties.filter(unit=unit_c).count() == 1


def test_only_the_units_own_people_ask_and_only_the_office_decides(
    published_list, office, leader, unit_b, unit_c, liaison_a, liaison_b, outsider
):
    with pytest.raises(NotAllowed):
        transfers.do_request_transfer(liaison_a, published_list, unit_b, "不属于", now=NOW)
    with pytest.raises(NotAllowed):
        transfers.do_request_transfer(office, published_list, unit_b, "不属于", now=NOW)
    with pytest.raises(InvalidInput) as err:  # a unit not on the list has nothing to transfer
        transfers.do_request_transfer(outsider, published_list, unit_c, "不属于", now=NOW)
    assert err.value.field == "unit"
    req, _created = transfers.do_request_transfer(liaison_b, published_list, unit_b, "不属于", now=NOW)
    for person in (leader, liaison_b):
        with pytest.raises(NotAllowed):
            transfers.do_decide_transfer(person, req, False, now=LATER)


def test_bad_requests_are_refused_naming_the_field(published_list, unit_b, liaison_b):
    with pytest.raises(InvalidInput) as err:
        transfers.do_request_transfer(liaison_b, published_list, unit_b, "", now=NOW)
    assert err.value.field == "reason"
    with pytest.raises(InvalidInput) as err:
        transfers.do_request_transfer(liaison_b, published_list, unit_b, "理由", unit_b, now=NOW)
    assert err.value.field == "suggested_unit"
    with pytest.raises(InvalidInput) as err:
        transfers.do_request_transfer(liaison_b, published_list, unit_b, "理由\x00", now=NOW)
    assert err.value.field == "reason"


def test_a_transfer_by_the_office_answers_a_waiting_request(published_list, office, unit_b, unit_c, liaison_b):
    req, _created = transfers.do_request_transfer(liaison_b, published_list, unit_b, "不属于", now=NOW)
    changes.do_transfer(office, published_list, unit_b, unit_c, "转榆中县", now=LATER)
    req.refresh_from_db()
    assert (req.status, req.to_unit) == (TransferStatus.APPROVED, unit_c)


def test_a_cancellation_closes_waiting_requests(published_list, office, unit_b, liaison_b):
    req, _created = transfers.do_request_transfer(liaison_b, published_list, unit_b, "不属于", now=NOW)
    changes.do_cancel(office, published_list, "停止", now=LATER)
    req.refresh_from_db()
    assert req.status == TransferStatus.REFUSED and req.decided_at == LATER


def test_reports_go_on_while_the_request_waits(published_list, unit_b, liaison_b):
    transfers.do_request_transfer(liaison_b, published_list, unit_b, "不属于", now=NOW)
    _report, created = duty_services.do_report(liaison_b, live(published_list, unit_b), progress=10, done="先行办理")
    assert created
