"""The office's task form (/ledger/<id>/tasks/new, /ledger/task/<id>/edit): a task with its units,
dates, weight, cadence and indicators planned by quarter, through do_create_task / do_update_task;
a reason once the ledger is open; one task per submission; bad input is the form's field error."""

from decimal import Decimal

import pytest
from django.urls import reverse

from luoshi.events.models import Event
from luoshi.ledger.models import Indicator, Task, TrajectoryPoint
from tests.ledger.conftest import YEAR


def new_url(ledger, parent=None) -> str:
    return reverse("ledger:task_new", args=[ledger.pk]) + (f"?parent={parent}" if parent else "")


def edit_url(task) -> str:
    return reverse("ledger:task_edit", args=[task.pk])


def form_data(programme_, **fields) -> dict:
    data = {
        "programme": programme_.pk,
        "parent": "",
        "title": "棚户区改造",
        "requirements": "完成10个项目、7623套",
        "leader": "",
        "lead_unit": "",
        "deadline": f"{YEAR}-12-31",
        "weight": "2",
        "report_every_days": "30",
        "starts_on": "",
        "completes_on": "",
        "submission_key": "k-1",
        "ind-TOTAL_FORMS": "2",
        "ind-INITIAL_FORMS": "0",
        "ind-MIN_NUM_FORMS": "0",
        "ind-MAX_NUM_FORMS": "20",
        "ind-0-name": "改造套数",
        "ind-0-measure": "套",
        "ind-0-target": "7623",
        "ind-0-kind": "cumulative",
        "ind-0-q1": "1000",
        "ind-0-q2": "3000",
        "ind-0-q3": "",
        "ind-0-q4": "7623",
        "ind-1-kind": "cumulative",
    }
    return {**data, **fields}


def test_the_office_adds_a_task_with_units_and_an_indicator_planned_by_quarter(
    as_, office, leader, ledger, programme, unit_a, unit_b
):
    client = as_(office)
    page = client.get(new_url(ledger))
    assert page.status_code == 200 and 'data-search=""' in page.content.decode()  # the searchable pickers
    data = form_data(programme, leader=leader.pk, lead_unit=unit_a.pk, co_units=[unit_b.pk])
    response = client.post(new_url(ledger), data)
    assert response.status_code == 302
    task = Task.objects.get()
    assert response.url == reverse("ledger:task", args=[task.pk])
    assert task.code == f"{YEAR}-TZ-0001" and task.weight == Decimal(2) and task.leader == leader
    assert list(task.co_units.all()) == [unit_b]
    ind = Indicator.objects.get()
    assert (ind.name, ind.measure, ind.target) == ("改造套数", "套", Decimal(7623))
    assert list(ind.trajectory.values_list("period", "planned")) == [
        (f"{YEAR}-Q1", Decimal(1000)),
        (f"{YEAR}-Q2", Decimal(3000)),
        (f"{YEAR}-Q4", Decimal(7623)),
    ]


def test_figures_are_read_as_offices_type_them_in_the_indicators_measure(as_, office, ledger, programme):
    data = form_data(
        programme, **{"ind-0-measure": "万元", "ind-0-target": "2.58亿", "ind-0-q1": "3,000", "ind-0-q4": "25800"}
    )
    assert as_(office).post(new_url(ledger), data).status_code == 302
    ind = Indicator.objects.get()
    assert ind.target == Decimal(25800)
    assert ind.trajectory.get(period=f"{YEAR}-Q1").planned == Decimal(3000)


def test_a_sub_task_starts_from_its_parent(as_, office, ledger, programme, tree):
    parent = tree["parent"]
    client = as_(office)
    form = client.get(new_url(ledger, parent.pk)).context["form"]
    assert form.initial["parent"] == parent.code and form.initial["programme"] == parent.programme_id
    client.post(new_url(ledger), form_data(programme, parent=parent.code, title="水源地征地"))
    child = Task.objects.get(title="水源地征地")
    assert child.parent == parent and child.code == f"{parent.code}-03"


def test_a_double_submission_adds_one_task(as_, office, ledger, programme):
    client = as_(office)
    first = client.post(new_url(ledger), form_data(programme))
    second = client.post(new_url(ledger), form_data(programme))
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert Task.objects.count() == 1


def test_once_the_ledger_is_open_a_change_needs_its_reason(as_, office, ledger, programme, opened):
    client = as_(office)
    response = client.post(new_url(ledger), form_data(programme, title="新增任务"))
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    assert not Task.objects.filter(title="新增任务").exists()
    assert client.post(new_url(ledger), form_data(programme, title="新增任务", reason="市委新部署")).status_code == 302
    event = Event.objects.get(kind="ledger_task.created", subject_id=Task.objects.get(title="新增任务").pk)
    assert event.note == "市委新部署"


def test_the_office_edits_a_task_and_keeps_a_monthly_plan(as_, office, ledger, programme, tree, unit_a):
    first = tree["first"]
    ind = first.indicators.get()
    TrajectoryPoint.objects.create(indicator=ind, period=f"{YEAR}-05", planned=Decimal(7))
    client = as_(office)
    page = client.get(edit_url(first))
    assert page.status_code == 200
    initial = page.context["formset"].initial[0]
    assert initial["q2"] == "9" and initial["target"] == "20"
    data = form_data(
        programme,
        parent=tree["parent"].code,
        title="输水隧洞工程（一期）",
        lead_unit=unit_a.pk,
        **{
            "ind-INITIAL_FORMS": "1",
            "ind-0-name": "年度完成投资",
            "ind-0-measure": "亿元",
            "ind-0-target": "25",
            "ind-0-q1": "4",
            "ind-0-q2": "9",
            "ind-0-q3": "15",
            "ind-0-q4": "25",
        },
    )
    assert client.post(edit_url(first), data).status_code == 302
    first.refresh_from_db()
    ind.refresh_from_db()
    assert first.title == "输水隧洞工程（一期）" and ind.target == Decimal(25)
    assert ind.trajectory.filter(period=f"{YEAR}-05").exists()  # the form plans by quarter only
    assert ind.trajectory.get(period=f"{YEAR}-Q4").planned == Decimal(25)


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"programme": "abc"}, "programme"),
        ({"programme": "99999999999999999999"}, "programme"),
        ({"parent": "2026-XX-9999"}, "parent"),
        ({"title": ""}, "title"),
        ({"title": "a\u202eb"}, "title"),
        ({"weight": "-1"}, "weight"),
        ({"weight": "abc"}, "weight"),
        ({"deadline": "9999-12-31"}, "deadline"),
        ({"deadline": "2026-02-30"}, "deadline"),
        ({"report_every_days": "0"}, "report_every_days"),
        ({"leader": "99999999999999999999"}, "leader"),
        ({"lead_unit": "abc"}, "lead_unit"),
        ({"starts_on": f"{YEAR}-06-01", "completes_on": f"{YEAR}-01-01"}, "completes_on"),
    ],
)
def test_bad_input_is_the_forms_field_error(as_, office, ledger, programme, fields, field):
    response = as_(office).post(new_url(ledger), form_data(programme, **fields))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Task.objects.exists()


def test_a_lead_unit_named_as_a_co_unit_is_refused_on_its_field(as_, office, ledger, programme, unit_a):
    response = as_(office).post(new_url(ledger), form_data(programme, lead_unit=unit_a.pk, co_units=[unit_a.pk]))
    assert response.status_code == 400 and "co_units" in response.context["form"].errors


@pytest.mark.parametrize(
    "fields",
    [
        {"ind-0-measure": ""},
        {"ind-0-target": ""},
        {"ind-0-target": "1e20"},
        {"ind-0-q1": "x"},
        {"ind-0-target": "7623户"},
        {"ind-0-target": "约3000"},
        {"ind-0-kind": "other"},
        {"ind-1-name": "改造套数", "ind-1-measure": "套", "ind-1-target": "1"},
        {"ind-TOTAL_FORMS": "5000"},
    ],
)
def test_a_bad_indicator_is_the_formsets_error(as_, office, ledger, programme, fields):
    response = as_(office).post(new_url(ledger), form_data(programme, **fields))
    assert response.status_code == 400
    formset = response.context["formset"]
    assert any(formset.errors) or formset.non_form_errors()
    assert not Task.objects.exists()


def test_the_form_is_the_offices(as_, liaison_a, ledger, programme, tree):
    assert as_(liaison_a).get(new_url(ledger)).status_code == 403
    assert as_(liaison_a).post(new_url(ledger), form_data(programme)).status_code == 403
    assert as_(liaison_a).get(edit_url(tree["first"])).status_code == 403
    assert Task.objects.count() == 3


@pytest.mark.parametrize("parent", ["abc", "99999999999999999999", "999"])
def test_an_unknown_parent_in_the_address_is_404(as_, office, ledger, tree, parent):
    assert as_(office).get(new_url(ledger, parent)).status_code == 404
