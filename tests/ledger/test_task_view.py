"""A task's page (/ledger/task/<id>/): its fields, parent and children with their progress, each unit's
duty with its reports (a linked list's too: one report, both places), the indicators with their plan,
history and chart, the timeline; linking a list; deciding a completion; who may see it."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from luoshi.duties import services as duty_services
from luoshi.duties.models import DutyStatus
from luoshi.ledger import services
from luoshi.ledger.models import Task, TaskLink


def page(task) -> str:
    return reverse("ledger:task", args=[task.pk])


@pytest.fixture
def reported(opened, liaison_a, unit_a):
    first = opened["first"]
    services.do_report_task(
        liaison_a,
        first,
        unit_a,
        progress=60,
        done="隧洞掘进3.2公里",
        difficulties="征地拆迁滞后",
        indicators=[(first.indicators.get(), Decimal("7.5"))],
    )
    return opened


def test_the_office_sees_a_leaf_with_its_units_reports_and_indicator(as_, office, reported):
    first = reported["first"]
    response = as_(office).get(page(first))
    assert response.status_code == 200
    html = response.content.decode()
    assert first.title in html and "隧洞掘进3.2公里" in html and "征地拆迁滞后" in html
    duties = response.context["duties"]
    assert [v.duty.unit.name for v in duties] == ["市工信委"]
    assert duties[0].reports[0].actuals[0].value == Decimal("7.5")
    [ind] = response.context["indicators"]
    chart = json.loads(ind.chart)
    assert chart["planned"][2] == 4.0 and chart["planned"][11] == 20.0  # Q1 at March, Q4 at December
    assert 7.5 in chart["actual"] and chart["target"] == 20.0
    assert 'class="ledger-chart mb-2" data-chart=' in html and "ledger-chart.js" in html
    assert [h.value for h in ind.history] == [Decimal("7.5")]
    assert response.context["timeline"][0].event.kind == "report.filed"
    assert 'id="parent-link"' in html and "<script>" not in html and "style=" not in html


def test_the_parent_shows_its_children_with_their_progress(as_, office, reported):
    response = as_(office).get(page(reported["parent"]))
    assert response.status_code == 200
    kids = response.context["children"]
    assert [k.code for k, _light in kids] == [reported["first"].code, reported["second"].code]
    assert kids[0][0].progress == Decimal(60)
    assert response.context["task"].progress == Decimal("45.00")
    assert 'id="no-duties"' in response.content.decode()  # its work is its children's


def test_a_parents_indicator_is_rolled_up_month_by_month(as_, office, programme, opened, liaison_a, unit_a):
    parent, first = opened["parent"], opened["first"]
    services.do_update_task(
        office,
        parent,
        services.TaskInput(
            programme=programme,
            title=parent.title,
            deadline=parent.deadline,
            leader=parent.leader,
            indicators=[services.IndicatorInput("年度完成投资", "亿元", Decimal(30))],
        ),
        reason="增加投资指标",
    )
    services.do_report_task(
        liaison_a, first, unit_a, progress=50, done="进展", indicators=[(first.indicators.get(), Decimal("8"))]
    )
    response = as_(office).get(page(parent))
    [ind] = response.context["indicators"]
    assert ind.derived and ind.indicator.actual == Decimal(8)
    assert json.loads(ind.chart)["actual"][-1] == 8.0
    assert [h.value for h in ind.history] == [Decimal(8)]
    assert "增加投资指标" in response.content.decode()  # the change's reason on the timeline


def test_the_unit_sees_its_task_and_the_parent_above_it(as_, liaison_a, reported):
    response = as_(liaison_a).get(page(reported["first"]))
    assert response.status_code == 200 and response.context["may_report"]
    assert 'id="report-link"' in response.content.decode()
    parent = as_(liaison_a).get(page(reported["parent"]))
    assert parent.status_code == 200 and not parent.context["may_report"]
    assert 'id="edit-task"' not in parent.content.decode()


def test_another_units_liaison_is_refused(as_, outsider, liaison_b, reported):
    assert as_(outsider).get(page(reported["first"])).status_code == 404
    assert as_(liaison_b).get(page(reported["first"])).status_code == 404  # unit b is not on the first task


def test_a_task_of_a_ledger_being_built_is_the_offices_alone(as_, office, liaison_a, tree):
    assert as_(office).get(page(tree["first"])).status_code == 200
    assert as_(liaison_a).get(page(tree["first"])).status_code == 404


def test_an_unknown_task_is_404(as_, office, db):
    assert as_(office).get("/ledger/task/99999999999999999999/").status_code == 404


def test_a_carried_task_names_its_origin(as_, office, opened):
    Task.objects.filter(pk=opened["second"].pk).update(origin=opened["first"])
    response = as_(office).get(page(opened["second"]))
    assert 'id="task-origin"' in response.content.decode()


# ---------------------------------------------------------------- report once: a linked list


@pytest.fixture
def linked(office, opened, published_list):
    """The second task (unit b leads, a co-handles) reported through the list (a leads, b co-handles)."""
    services.do_link_list(office, opened["second"], published_list)
    return opened["second"]


def test_a_report_on_a_linked_list_shows_on_the_task(as_, office, liaison_b, unit_b, linked, published_list):
    duty = published_list.duties.get(unit=unit_b)
    report, _created = duty_services.do_report(liaison_b, duty, progress=30, done="管网铺设1.2公里")
    response = as_(office).get(page(linked))
    html = response.content.decode()
    shown = [rv.report.pk for v in response.context["duties"] for rv in v.reports]
    assert shown == [report.pk] and "管网铺设1.2公里" in html
    assert reverse("lists:loop", args=[published_list.pk]) in html
    loop = as_(office).get(reverse("lists:loop", args=[published_list.pk]))
    assert "管网铺设1.2公里" in loop.content.decode()  # the same report, on the list's page too


def test_the_list_units_see_the_task_they_report_through(as_, liaison_b, linked):
    response = as_(liaison_b).get(page(linked))
    assert response.status_code == 200
    assert any(v.mine and v.via is not None for v in response.context["duties"])


def test_the_office_links_a_running_list_once(as_, office, opened, published_list):
    task = opened["second"]
    client = as_(office)
    form = client.get(reverse("ledger:link", args=[task.pk]))
    assert form.status_code == 200 and 'id="link-form-card"' in form.content.decode()
    for _twice in range(2):
        response = client.post(reverse("ledger:link", args=[task.pk]), {"list": published_list.pk})
        assert response.status_code == 302
    assert TaskLink.objects.filter(task=task).count() == 1


@pytest.mark.parametrize("value", ["", "abc", "99999999999999999999", "-3"])
def test_linking_a_bad_list_is_the_forms_field_error(as_, office, opened, published_list, value):
    response = as_(office).post(reverse("ledger:link", args=[opened["second"].pk]), {"list": value})
    assert response.status_code == 400 and "list" in response.context["link_form"].errors


def test_a_task_with_sub_tasks_is_not_linked(as_, office, opened, published_list):
    response = as_(office).post(reverse("ledger:link", args=[opened["parent"].pk]), {"list": published_list.pk})
    assert response.status_code == 409 and not TaskLink.objects.exists()


def test_only_the_office_links(as_, liaison_a, opened, published_list):
    response = as_(liaison_a).post(reverse("ledger:link", args=[opened["first"].pk]), {"list": published_list.pk})
    assert response.status_code == 403 and not TaskLink.objects.exists()


# ---------------------------------------------------------------- deciding a completion


@pytest.fixture
def asked(opened, liaison_a, unit_a):
    first = opened["first"]
    services.do_report_task(liaison_a, first, unit_a, progress=100, done="全部完工", request_completion=True)
    return services.reporting_duty(first, unit_a)


def test_the_office_accepts_a_completion_once(as_, office, opened, asked):
    client = as_(office)
    html = client.get(page(opened["first"])).content.decode()
    assert f'id="accept-{asked.pk}"' in html
    url = reverse("ledger:decide", args=[opened["first"].pk])
    for _twice in range(2):
        assert client.post(url, {"duty": asked.pk, "decision": "accept"}).status_code == 302
    asked.refresh_from_db()
    assert asked.status == DutyStatus.COMPLETED
    assert Task.objects.get(pk=opened["first"].pk).done


def test_the_tasks_leader_returns_a_completion_with_a_reason(as_, leader, opened, asked):
    url = reverse("ledger:decide", args=[opened["first"].pk])
    response = as_(leader).post(url, {"duty": asked.pk, "decision": "return", "reason": ""})
    assert response.status_code == 400
    assert as_(leader).post(url, {"duty": asked.pk, "decision": "return", "reason": "缺验收材料"}).status_code == 302
    asked.refresh_from_db()
    assert asked.status == DutyStatus.OPEN


@pytest.mark.parametrize("data", [{"duty": "x", "decision": "accept"}, {"duty": "1", "decision": "maybe"}])
def test_a_bad_decision_is_the_forms_error(as_, office, opened, asked, data):
    assert as_(office).post(reverse("ledger:decide", args=[opened["first"].pk]), data).status_code == 400


def test_a_unit_cannot_accept_its_own_completion(as_, liaison_a, opened, asked):
    url = reverse("ledger:decide", args=[opened["first"].pk])
    assert as_(liaison_a).post(url, {"duty": asked.pk, "decision": "accept"}).status_code == 403
    asked.refresh_from_db()
    assert asked.status == DutyStatus.COMPLETION_REQUESTED


def test_the_task_page_runs_a_fixed_number_of_queries(as_, office, reported, django_assert_max_num_queries):
    client = as_(office)
    client.get(page(reported["first"]))
    with django_assert_max_num_queries(30):
        client.get(page(reported["first"]))
