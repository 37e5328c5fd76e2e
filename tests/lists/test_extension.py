from datetime import timedelta

import pytest

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.duties.models import ExtensionStatus
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from tests.conftest import NOW, days


@pytest.fixture
def ob_a(published_list):
    return published_list.duties.get(role="lead")


def test_a_unit_asks_and_the_office_approves(ob_a, liaison_a, office):
    ext = duty_completion.do_request_extension(liaison_a, ob_a, days(90), "征地手续未批", now=NOW)
    ext = duty_completion.do_decide_extension(office, ext, True, "同意", now=NOW + timedelta(days=1))
    ob_a.refresh_from_db()
    assert ext.status == ExtensionStatus.APPROVED
    assert ob_a.deadline == days(90)
    kinds = list(Event.objects.filter(subject_id=ob_a.owner_id).values_list("kind", flat=True))
    assert "extension.requested" in kinds and "extension.approved" in kinds


def test_a_refused_extension_keeps_the_deadline(ob_a, liaison_a, office):
    ext = duty_completion.do_request_extension(liaison_a, ob_a, days(90), "理由", now=NOW)
    duty_completion.do_decide_extension(office, ext, False, "不同意", now=NOW)
    ob_a.refresh_from_db()
    assert ob_a.deadline == days(60)
    assert Event.objects.filter(kind="extension.refused").exists()


def test_an_extension_must_be_asked_before_the_deadline(ob_a, liaison_a):
    with pytest.raises(Conflict):
        duty_completion.do_request_extension(liaison_a, ob_a, days(90), "理由", now=NOW + timedelta(days=61))


def test_the_new_deadline_must_be_later(ob_a, liaison_a):
    with pytest.raises(InvalidInput) as err:
        duty_completion.do_request_extension(liaison_a, ob_a, days(30), "理由", now=NOW)
    assert err.value.field == "new_deadline"


def test_one_pending_request_at_a_time(ob_a, liaison_a):
    duty_completion.do_request_extension(liaison_a, ob_a, days(90), "理由", now=NOW)
    with pytest.raises(Conflict):
        duty_completion.do_request_extension(liaison_a, ob_a, days(100), "理由", now=NOW)


def test_only_the_unit_asks_and_only_the_office_decides(ob_a, liaison_a, liaison_b, leader):
    with pytest.raises(NotAllowed):
        duty_completion.do_request_extension(liaison_b, ob_a, days(90), "理由", now=NOW)
    ext = duty_completion.do_request_extension(liaison_a, ob_a, days(90), "理由", now=NOW)
    with pytest.raises(NotAllowed):
        duty_completion.do_decide_extension(leader, ext, True, now=NOW)


def test_a_decision_is_taken_once(ob_a, liaison_a, office):
    ext = duty_completion.do_request_extension(liaison_a, ob_a, days(90), "理由", now=NOW)
    duty_completion.do_decide_extension(office, ext, True, now=NOW)
    with pytest.raises(Conflict):
        duty_completion.do_decide_extension(office, ext, False, now=NOW)


def test_an_extension_cannot_be_approved_once_the_work_is_accepted(ob_a, liaison_a, office):
    ext = duty_completion.do_request_extension(liaison_a, ob_a, days(90), "理由", now=NOW)
    duty_services.do_report(liaison_a, ob_a, progress=100, done="完成", request_completion=True, now=NOW)
    duty_completion.do_accept(office, ob_a, now=NOW)
    with pytest.raises(Conflict):
        duty_completion.do_decide_extension(office, ext, True, now=NOW)
    assert duty_completion.do_decide_extension(office, ext, False, "已完成", now=NOW).status == ExtensionStatus.REFUSED
