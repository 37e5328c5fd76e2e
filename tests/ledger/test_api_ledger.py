"""The ledger API: ledgers, programmes, tasks, reports with indicator actuals, links and figures."""

import pytest
import time_machine

from luoshi.duties.models import Report
from luoshi.ledger.models import Actual, Task
from tests.conftest import NOW
from tests.ledger.conftest import YEAR


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def task_payload(of, **change):
    return {"programme": of.pk, "title": "新建生活垃圾焚烧发电项目", "deadline": f"{YEAR}-11-30", **change}


def test_the_office_creates_a_ledger_and_opens_it(api, office, unit_a, programme):
    r = api(office).post("/ledgers", {"year": YEAR + 1, "title": "下一年总台账"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "draft" and body["year"] == YEAR + 1
    programmes = api(office).get(f"/ledgers/{body['id']}/programmes").json()
    assert "重大项目" in [p["name"] for p in programmes]
    p = programmes[0]["id"]
    r = api(office).post(
        f"/ledgers/{body['id']}/tasks",
        {"programme": p, "title": "任务", "deadline": f"{YEAR + 1}-06-30", "lead_unit": unit_a.pk},
    )
    assert r.status_code == 201, r.content
    assert r.json()["code"] == f"{YEAR + 1}-TZ-0001"
    assert api(office).post(f"/ledgers/{body['id']}/open").json()["status"] == "open"


def test_a_second_ledger_for_a_year_is_a_conflict(api, office, ledger):
    r = api(office).post("/ledgers", {"year": YEAR, "title": "重复"})
    assert r.status_code == 409 and r.json()["field"] == "year"


def test_only_the_office_writes_the_ledger(api, liaison_a, leader, ledger, programme):
    assert api(liaison_a).post("/ledgers", {"year": YEAR + 2, "title": "x"}).status_code == 403
    assert api(leader).post(f"/ledgers/{ledger.pk}/programmes", {"name": "招商引资"}).status_code == 404  # a draft


def test_sub_tasks_take_sub_codes_and_indicators(api, office, ledger, programme, unit_a, tree):
    parent = tree["parent"]
    r = api(office).post(
        f"/ledgers/{ledger.pk}/tasks",
        task_payload(
            programme,
            parent=parent.pk,
            lead_unit=unit_a.pk,
            indicators=[
                {
                    "name": "完成投资",
                    "measure": "亿元",
                    "target": "2.58",
                    "trajectory": [{"period": f"{YEAR}-Q2", "planned": "1.2"}],
                }
            ],
        ),
    )
    assert r.status_code == 201, r.content
    assert r.json()["code"] == f"{parent.code}-03"
    task = api(office).get(f"/tasks/{r.json()['id']}").json()
    assert (
        task["indicators"][0]["target"] == "2.5800" and task["indicators"][0]["trajectory"][0]["period"] == f"{YEAR}-Q2"
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"programme": 2**31}, "programme"),
        ({"title": "a\x00b"}, "title"),
        ({"deadline": "9999-12-31"}, "deadline"),
        ({"weight": "-1"}, "weight"),
        ({"indicators": [{"name": "x", "measure": "亿元", "target": "NaN"}]}, "indicators.0.target"),
        (
            {
                "indicators": [
                    {
                        "name": "x",
                        "measure": "亿元",
                        "target": "1",
                        "trajectory": [{"period": "2026-13", "planned": "1"}],
                    }
                ]
            },
            "indicators.0.trajectory.0.period",
        ),
        ({"lead_unit": 999999}, "lead_unit"),
    ],
)
def test_bad_task_input_is_400_naming_the_field(api, office, ledger, programme, change, field):
    r = api(office).post(f"/ledgers/{ledger.pk}/tasks", task_payload(programme, **change))
    assert r.status_code == 400, r.content
    assert r.json()["field"] == field


def test_an_open_ledger_needs_a_reason_for_a_new_task(api, office, ledger, programme, opened):
    r = api(office).post(f"/ledgers/{ledger.pk}/tasks", task_payload(programme))
    assert r.status_code == 400 and r.json()["field"] == "reason"
    r = api(office).post(f"/ledgers/{ledger.pk}/tasks", task_payload(programme, reason="市政府常务会议新增"))
    assert r.status_code == 201


def test_a_unit_reports_with_an_actual_once(api, liaison_a, unit_a, opened):
    first = opened["first"]
    indicator = first.indicators.get()
    body = {
        "unit": unit_a.pk,
        "progress": 40,
        "done": "隧洞掘进2.1公里",
        "indicators": [{"indicator": indicator.pk, "actual": "6.3"}],
    }
    headers = {"Idempotency-Key": "k-1"}
    r = api(liaison_a).post(f"/tasks/{first.pk}/reports", body, headers=headers)
    assert r.status_code == 201, r.content
    again = api(liaison_a).post(f"/tasks/{first.pk}/reports", body, headers=headers)
    assert again.status_code == 200
    assert Report.objects.count() == 1 and Actual.objects.count() == 1
    task = api(liaison_a).get(f"/tasks/{first.pk}").json()
    assert task["progress"] == "40.00" and task["indicators"][0]["actual"] == "6.3000"
    parent = api(liaison_a).get(f"/tasks/{opened['parent'].pk}")
    assert parent.status_code == 404  # unit a leads no part of the parent itself


def test_another_unit_cannot_report_or_see(api, liaison_b, unit_a, unit_b, opened, outsider):
    first = opened["first"]
    assert (
        api(liaison_b).post(f"/tasks/{first.pk}/reports", {"unit": unit_a.pk, "progress": 1, "done": "x"}).status_code
        == 404
    )
    assert api(outsider).get(f"/tasks/{first.pk}").status_code == 404
    r = api(liaison_b).post(f"/tasks/{opened['second'].pk}/reports", {"unit": unit_a.pk, "progress": 1, "done": "x"})
    assert r.status_code == 403  # unit a co-handles the second task, but only its own people report for it


def test_an_indicator_of_another_task_is_refused(api, liaison_b, unit_b, opened):
    other = opened["first"].indicators.get()
    r = api(liaison_b).post(
        f"/tasks/{opened['second'].pk}/reports",
        {"unit": unit_b.pk, "progress": 5, "done": "x", "indicators": [{"indicator": other.pk, "actual": "1"}]},
    )
    assert r.status_code == 400 and r.json()["field"] == "indicators"


def test_the_task_list_filters_and_pages(api, office, ledger, opened, unit_b, django_assert_max_num_queries):
    rows = api(office).get(f"/ledgers/{ledger.pk}/tasks").json()
    assert [t["code"] for t in rows["items"]] == [opened[k].code for k in ("parent", "first", "second")]
    only_b = api(office).get(f"/ledgers/{ledger.pk}/tasks", unit=unit_b.pk).json()
    assert [t["id"] for t in only_b["items"]] == [opened["second"].pk]
    children = api(office).get(f"/ledgers/{ledger.pk}/tasks", parent=opened["parent"].pk).json()
    assert children["count"] == 2
    assert api(office).get(f"/ledgers/{ledger.pk}/tasks", light="blue").status_code == 400


def test_the_task_list_reads_a_constant_number_of_queries(
    api, office, ledger, programme, tree, django_assert_max_num_queries
):
    client = api(office)
    client.get(f"/ledgers/{ledger.pk}/tasks")  # the token's first use
    with django_assert_max_num_queries(8):
        client.get(f"/ledgers/{ledger.pk}/tasks")
    for n in range(10):
        from luoshi.ledger import services
        from tests.ledger.conftest import task_input

        services.do_create_task(office, ledger, task_input(programme, f"任务{n}"))
    with django_assert_max_num_queries(8):
        assert client.get(f"/ledgers/{ledger.pk}/tasks").json()["count"] == 13


def test_stats_count_the_year(api, office, liaison_a, unit_a, opened):
    first = opened["first"]
    api(liaison_a).post(
        f"/tasks/{first.pk}/reports",
        {
            "unit": unit_a.pk,
            "progress": 40,
            "done": "进展",
            "indicators": [{"indicator": first.indicators.get().pk, "actual": "6"}],
        },
    )
    stats = api(office).get("/stats/ledger", year=YEAR).json()
    assert stats["tasks"] == 3
    assert stats["tasks"] == stats["completed"] + stats["on_track"] + stats["at_risk"] + stats["late"]
    assert {"name": "年度完成投资", "measure": "亿元", "target": "20.0000", "actual": "6.0000"} in stats["indicators"]
    assert api(office).get("/stats/ledger", year=2099).status_code == 404


def test_a_task_changes_with_a_reason_and_an_event(api, office, opened, programme, unit_a):
    from luoshi.events.models import Event

    second = opened["second"]
    body = task_payload(
        programme,
        title="水厂及配套管网（调整）",
        lead_unit=unit_a.pk,
        parent=opened["parent"].pk,
        deadline=f"{YEAR}-12-31",
    )
    assert api(office).put(f"/tasks/{second.pk}", body).json()["field"] == "reason"
    r = api(office).put(f"/tasks/{second.pk}", {**body, "reason": "牵头单位调整"})
    assert r.status_code == 200, r.content
    assert Task.objects.get(pk=second.pk).lead_unit == unit_a
    event = Event.objects.filter(kind="ledger_task.changed", subject_id=second.pk).get()
    assert event.note == "牵头单位调整" and event.before["lead_unit"] != event.after["lead_unit"]
