"""A unit's report on a task (/ledger/task/<id>/report): progress, words and one actual per indicator,
filed once per submission key through services.do_report_task; bad input is the form's field error."""

from decimal import Decimal

import pytest
from django.urls import reverse

from luoshi.duties import services as duty_services
from luoshi.duties.models import DutyStatus, Report
from luoshi.ledger import services
from luoshi.ledger.models import Actual, Task


def url(task) -> str:
    return reverse("ledger:report", args=[task.pk])


def post_data(client, task, **fields) -> dict:
    form = client.get(url(task)).context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    return {**{k: "" if v is None else v for k, v in data.items()}, "done": "隧洞掘进3.2公里", **fields}


def test_the_unit_reports_progress_with_an_indicator_actual(as_, liaison_a, opened):
    first = opened["first"]
    indicator = first.indicators.get()
    client = as_(liaison_a)
    page = client.get(url(first))
    assert page.status_code == 200 and f'id="id_actual_{indicator.pk}"' in page.content.decode()
    data = post_data(client, first, progress="60", **{f"actual_{indicator.pk}": "7.5"})
    response = client.post(url(first), data)
    assert response.status_code == 302 and response.url == reverse("ledger:task", args=[first.pk])
    [actual] = Actual.objects.all()
    assert actual.value == Decimal("7.5") and actual.indicator == indicator
    indicator.refresh_from_db()
    assert indicator.actual == Decimal("7.5")
    assert Task.objects.get(pk=opened["parent"].pk).progress == Decimal("45.00")


def test_an_actual_typed_with_a_thousands_separator_or_full_width_digits(as_, liaison_a, opened):
    first = opened["first"]
    indicator = first.indicators.get()
    client = as_(liaison_a)
    client.post(url(first), post_data(client, first, progress="10", **{f"actual_{indicator.pk}": "１,２３４.５"}))
    assert Actual.objects.get().value == Decimal("1234.5")


@pytest.mark.parametrize("typed", ["7.5亿", "75000万", "7.5亿元", "７.５"])
def test_a_figure_typed_with_its_magnitude_is_converted_to_the_measure(as_, liaison_a, opened, typed):
    first = opened["first"]  # 年度完成投资 in 亿元
    client = as_(liaison_a)
    response = client.post(
        url(first), post_data(client, first, progress="10", **{f"actual_{first.indicators.get().pk}": typed})
    )
    assert response.status_code == 302
    assert Actual.objects.get().value == Decimal("7.5")


def test_a_figure_in_another_base_is_refused_with_words(as_, liaison_a, opened):
    first = opened["first"]
    name = f"actual_{first.indicators.get().pk}"
    client = as_(liaison_a)
    response = client.post(url(first), post_data(client, first, progress="10", **{name: "7623套"}))
    assert response.status_code == 400 and "亿元" in response.context["form"].errors[name][0]


def test_a_double_submission_stores_one_report(as_, liaison_a, opened):
    first = opened["first"]
    indicator = first.indicators.get()
    client = as_(liaison_a)
    data = post_data(client, first, progress="40", **{f"actual_{indicator.pk}": "5"})
    assert client.post(url(first), data).status_code == 302
    assert client.post(url(first), data).status_code == 302
    assert Report.objects.count() == 1 and Actual.objects.count() == 1


def test_asking_for_completion_files_progress_100(as_, liaison_a, opened):
    first = opened["first"]
    client = as_(liaison_a)
    client.post(url(first), post_data(client, first, progress="80", action="complete"))
    report = Report.objects.get()
    assert report.progress == 100 and report.request_completion
    assert report.duty.status == DutyStatus.COMPLETION_REQUESTED


def test_a_co_unit_reports_on_its_own_share(as_, liaison_a, unit_a, opened):
    second = opened["second"]  # unit b leads, unit a co-handles
    client = as_(liaison_a)
    assert client.post(url(second), post_data(client, second, progress="20")).status_code == 302
    assert Report.objects.get().duty.unit == unit_a


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"progress": "101"}, "progress"),
        ({"progress": "abc"}, "progress"),
        ({"done": ""}, "done"),
        ({"done": "a\x00b"}, "done"),
        ({"actual": "abc"}, "actual"),
        ({"actual": "1e30"}, "actual"),
        ({"actual": "12345678901234567"}, "actual"),
        ({"actual": "1.23456"}, "actual"),
    ],
)
def test_bad_input_is_the_forms_field_error(as_, liaison_a, opened, fields, field):
    first = opened["first"]
    name = f"actual_{first.indicators.get().pk}"
    if "actual" in fields:
        fields = {name: fields.pop("actual")}
        field = name
    client = as_(liaison_a)
    response = client.post(url(first), post_data(client, first, **{"progress": "10", **fields}))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Report.objects.exists()


def test_another_units_liaison_is_refused(as_, outsider, liaison_b, opened):
    first = opened["first"]
    assert as_(outsider).get(url(first)).status_code == 404
    assert as_(liaison_b).post(url(first), {"progress": "10", "done": "x"}).status_code == 404
    assert not Report.objects.exists()


def test_the_office_and_a_parent_task_have_no_report_form(as_, office, liaison_a, opened):
    assert as_(office).get(url(opened["first"])).status_code == 404
    assert as_(liaison_a).get(url(opened["parent"])).status_code == 404


def test_a_ledger_being_built_takes_no_report(as_, liaison_a, tree):
    assert as_(liaison_a).get(url(tree["first"])).status_code == 404


def test_the_report_through_a_linked_list_is_the_lists_report(as_, office, liaison_b, unit_b, opened, published_list):
    second = opened["second"]
    services.do_link_list(office, second, published_list)
    client = as_(liaison_b)
    assert client.post(url(second), post_data(client, second, progress="30")).status_code == 302
    report = Report.objects.get()
    assert report.duty == published_list.duties.get(unit=unit_b)


def test_accepted_work_takes_no_more_reports(as_, office, liaison_a, unit_a, opened):
    from luoshi.duties import completion

    first = opened["first"]
    services.do_report_task(liaison_a, first, unit_a, progress=100, done="完工", request_completion=True)
    completion.do_accept(office, services.reporting_duty(first, unit_a))
    response = as_(liaison_a).get(url(first))
    assert response.status_code == 200 and response.context["form"] is None
    assert 'id="report-closed"' in response.content.decode()
    posted = as_(liaison_a).post(url(first), {"progress": "100", "done": "再报"})
    assert posted.status_code == 409 and Report.objects.count() == 1


def test_the_form_starts_from_the_last_report(as_, liaison_a, unit_a, opened):
    first = opened["first"]
    duty = services.reporting_duty(first, unit_a)
    duty_services.do_report(liaison_a, duty, progress=40, done="完成规划", difficulties="资金缺口", next_steps="报审")
    form = as_(liaison_a).get(url(first)).context["form"]
    assert form.initial["progress"] == 40 and form.initial["difficulties"] == "资金缺口"
    assert form.initial["submission_key"]
