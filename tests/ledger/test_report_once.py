"""Report once (最多报一次): a task linked to a list is reported through the list — one report, shown on
both, one event — and the unit's own duty on the task gives way to the list's."""

import pytest
import time_machine

from luoshi.duties import services as duty_services
from luoshi.duties.models import Duty, DutyStatus, Report
from luoshi.events.models import Event
from luoshi.ledger import services
from luoshi.ledger.models import Task
from tests.conftest import NOW


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def linked(office, opened, published_list):
    """The first task (unit a) linked to a published list handled by units a and b."""
    services.do_link_list(office, opened["first"], published_list)
    return opened["first"]


def test_linking_withdraws_the_units_own_duty_on_the_task(linked, unit_a):
    own = Duty.objects.get(owner_type__model="task", owner_id=linked.pk, unit=unit_a)
    assert own.status == DutyStatus.WITHDRAWN
    assert Event.objects.filter(kind="duty.withdrawn", subject_type="ledger_task", subject_id=linked.pk).count() == 1


def test_a_report_on_the_list_is_the_report_on_the_task(api, linked, published_list, liaison_a, unit_a):
    duty = published_list.duties.get(unit=unit_a)
    events_before = Event.objects.count()
    duty_services.do_report(liaison_a, duty, progress=70, done="隧洞贯通前期工作完成")
    assert Report.objects.count() == 1
    assert Event.objects.count() - events_before == 1  # report.filed, on the list's timeline
    assert Event.objects.filter(kind="report.filed", subject_type="list", subject_id=published_list.pk).exists()
    task = Task.objects.get(pk=linked.pk)
    assert task.progress == 35  # the list's units: a at 70, b at 0 — the list is the task's work now
    shown = api(liaison_a).get(f"/tasks/{linked.pk}").json()["duties"]
    assert [(d["unit"], d["progress"], d["through_list"]) for d in shown if d["unit"] == unit_a.pk] == [
        (unit_a.pk, 70, published_list.pk)
    ]


def test_a_report_on_the_task_through_the_api_is_filed_on_the_list(api, linked, published_list, liaison_a, unit_a):
    indicator = linked.indicators.get()
    r = api(liaison_a).post(
        f"/tasks/{linked.pk}/reports",
        {
            "unit": unit_a.pk,
            "progress": 30,
            "done": "完成征地",
            "indicators": [{"indicator": indicator.pk, "actual": "5"}],
        },
    )
    assert r.status_code == 201, r.content
    assert r.json()["through_list"] == published_list.pk
    report = Report.objects.get()
    assert report.duty.owner_id == published_list.pk and report.duty.unit == unit_a
    event = Event.objects.get(kind="report.filed")
    assert event.subject_type == "list" and event.after["indicators"] == {str(indicator.pk): "5"}
    indicator.refresh_from_db()
    assert indicator.actual == 5


def test_linking_twice_keeps_one_link(api, office, linked, published_list):
    r = api(office).post(f"/tasks/{linked.pk}/links", {"list": published_list.pk})
    assert r.status_code == 200
    assert linked.links.count() == 1


def test_only_the_office_links_and_a_parent_cannot_be_linked(api, liaison_a, office, opened, published_list):
    assert api(liaison_a).post(f"/tasks/{opened['first'].pk}/links", {"list": published_list.pk}).status_code == 403
    r = api(office).post(f"/tasks/{opened['parent'].pk}/links", {"list": published_list.pk})
    assert r.status_code == 409 and r.json()["field"] == "list"
    assert api(office).post(f"/tasks/{opened['first'].pk}/links", {"list": 2**31}).status_code == 400


def test_a_unit_reporting_through_a_linked_list_sees_the_task_in_the_tree(
    api, office, ledger, opened, published_list, liaison_b
):
    """Unit b handles the list, not the first task: linked, the task is its work too."""
    first = opened["first"]
    assert api(liaison_b).get(f"/tasks/{first.pk}").status_code == 404
    services.do_link_list(office, first, published_list)
    assert api(liaison_b).get(f"/tasks/{first.pk}").status_code == 200
    rows = api(liaison_b).get(f"/ledgers/{ledger.pk}/tasks").json()["items"]
    assert first.pk in [r["id"] for r in rows]
