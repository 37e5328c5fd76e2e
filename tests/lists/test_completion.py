from datetime import timedelta

import pytest

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.duties.models import DutyStatus
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from tests.conftest import NOW, TODAY


@pytest.fixture
def requested(published_list, liaison_a):
    ob = published_list.duties.get(role="lead")
    duty_services.do_report(liaison_a, ob, progress=100, done="完成", request_completion=True, now=NOW)
    return ob


def test_office_accepts_a_completion(requested, office):
    ob = duty_completion.do_accept(office, requested, now=NOW + timedelta(days=1))
    assert ob.status == DutyStatus.COMPLETED
    assert ob.completed_at == NOW + timedelta(days=1)
    assert ob.next_report_due is None
    assert Event.objects.filter(kind="completion.accepted", unit=ob.unit).exists()


def test_the_responsible_leader_may_accept(requested, leader):
    assert duty_completion.do_accept(leader, requested, now=NOW).status == DutyStatus.COMPLETED


def test_others_may_not_decide_on_completion(requested, other_leader, liaison_a, head_a):
    for person in (other_leader, liaison_a, head_a):
        with pytest.raises(NotAllowed):
            duty_completion.do_accept(person, requested, now=NOW)


def test_office_returns_a_completion_with_a_reason(requested, office):
    ob = duty_completion.do_return(office, requested, "佐证材料不全", now=NOW + timedelta(days=2))
    assert ob.status == DutyStatus.OPEN
    assert ob.next_report_due == TODAY + timedelta(days=2 + 14)
    event = Event.objects.get(kind="completion.returned")
    assert event.note == "佐证材料不全"
    assert event.before["status"] == "completion_requested"


def test_a_return_needs_a_reason(requested, office):
    with pytest.raises(InvalidInput) as err:
        duty_completion.do_return(office, requested, "  ", now=NOW)
    assert err.value.field == "reason"


def test_accepting_twice_is_a_conflict(requested, office):
    duty_completion.do_accept(office, requested, now=NOW)
    with pytest.raises(Conflict):
        duty_completion.do_accept(office, requested, now=NOW)


def test_accepted_work_takes_no_more_reports(requested, office, liaison_a):
    duty_completion.do_accept(office, requested, now=NOW)
    with pytest.raises(Conflict):
        duty_services.do_report(liaison_a, requested, progress=100, done="x", now=NOW)
