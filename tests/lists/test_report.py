from datetime import timedelta

import pytest

from luoshi.duties import services as duty_services
from luoshi.duties.models import DutyStatus, Report
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from tests.conftest import NOW, TODAY


def obligations(rlist):
    return list(rlist.duties.order_by("-role", "id"))


def test_liaison_reports_for_own_unit_and_the_next_report_moves(published_list, liaison_a):
    ob, _ = obligations(published_list)
    later = NOW + timedelta(days=4)
    report, created = duty_services.do_report(
        liaison_a, ob, progress=40, done="完成规划", difficulties="资金缺口", next_steps="报审", now=later
    )
    ob.refresh_from_db()
    assert created
    assert ob.progress == 40
    assert ob.last_report == report
    assert ob.next_report_due == TODAY + timedelta(days=4 + 14)  # a Friday
    assert report.due_date == TODAY + timedelta(days=14)  # as it was due when filed
    event = Event.objects.get(kind="report.filed")
    assert event.unit_id == ob.unit_id
    assert event.after["report"] == report.pk
    assert event.before["progress"] == 0 and event.after["progress"] == 40


def test_unit_head_may_report_too(published_list, head_a):
    ob, _ = obligations(published_list)
    _, created = duty_services.do_report(head_a, ob, progress=10, done="部署", now=NOW)
    assert created


def test_it_rejects_report_from_other_unit(published_list, liaison_b, outsider, office, leader):
    ob_a, _ = obligations(published_list)
    for person in (liaison_b, outsider, office, leader):
        with pytest.raises(NotAllowed):
            duty_services.do_report(person, ob_a, progress=10, done="x", now=NOW)
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"progress": 101, "done": "x"}, "progress"),
        ({"progress": -1, "done": "x"}, "progress"),
        ({"progress": 50, "done": "  "}, "done"),
        ({"progress": 90, "done": "x", "request_completion": True}, "progress"),
    ],
)
def test_bad_reports_are_refused_with_the_field(published_list, liaison_a, kwargs, field):
    ob, _ = obligations(published_list)
    with pytest.raises(InvalidInput) as err:
        duty_services.do_report(liaison_a, ob, now=NOW, **kwargs)
    assert err.value.field == field
    assert not Report.objects.exists()


def test_a_draft_takes_no_reports(draft_list, liaison_a):
    ob, _ = obligations(draft_list)
    with pytest.raises(Conflict):
        duty_services.do_report(liaison_a, ob, progress=10, done="x", now=NOW)


def test_the_same_submission_is_stored_once(published_list, liaison_a):
    ob, _ = obligations(published_list)
    first, created = duty_services.do_report(liaison_a, ob, progress=10, done="x", submission_key="k1", now=NOW)
    again, created_again = duty_services.do_report(liaison_a, ob, progress=10, done="x", submission_key="k1", now=NOW)
    assert created and not created_again
    assert first == again
    assert Report.objects.count() == 1
    assert Event.objects.filter(kind="report.filed").count() == 1


def test_a_correction_is_a_new_report(published_list, liaison_a):
    ob, _ = obligations(published_list)
    duty_services.do_report(liaison_a, ob, progress=60, done="x", now=NOW)
    duty_services.do_report(liaison_a, ob, progress=50, done="更正：实际进度50%", now=NOW + timedelta(hours=1))
    ob.refresh_from_db()
    assert Report.objects.filter(duty=ob).count() == 2
    assert ob.progress == 50


def test_asking_for_completion_pauses_reporting(published_list, liaison_a):
    ob, _ = obligations(published_list)
    duty_services.do_report(liaison_a, ob, progress=100, done="完成", request_completion=True, now=NOW)
    ob.refresh_from_db()
    assert ob.status == DutyStatus.COMPLETION_REQUESTED
    assert ob.next_report_due is None


def test_the_next_report_is_never_due_after_the_deadline(published_list, liaison_a):
    ob, _ = obligations(published_list)
    near_deadline = NOW + timedelta(days=55)  # deadline is day 60, cadence 14
    duty_services.do_report(liaison_a, ob, progress=80, done="x", now=near_deadline)
    ob.refresh_from_db()
    assert ob.next_report_due == ob.deadline


def test_a_report_due_on_a_weekend_or_holiday_moves_to_the_next_working_day(published_list, liaison_a):
    ob, _ = obligations(published_list)
    duty_services.do_report(liaison_a, ob, progress=10, done="x", now=NOW + timedelta(days=5))  # 5 + 14 = a Saturday
    ob.refresh_from_db()
    assert ob.next_report_due == TODAY + timedelta(days=5 + 14 + 2)  # the Monday after
