"""The phone's report page (/lists/<id>/report/<unit>/): prefilled from the unit's last report, a one-tap
"no change" sentence, a completion button that files with progress 100, back to the to-do after filing."""

from datetime import timedelta

import pytest
from django.urls import reverse

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.duties.models import DutyStatus, Report
from luoshi.lists.views_report import NO_CHANGE
from tests.conftest import NOW


@pytest.fixture
def duty(published_list, unit_a):
    return published_list.duties.get(unit=unit_a)


@pytest.fixture
def page(published_list, unit_a) -> str:
    return reverse("lists:report_page", args=[published_list.pk, unit_a.pk])


@pytest.fixture
def reported(duty, liaison_a):
    """Last week's report: 40%, with difficulties and next steps."""
    duty_services.do_report(
        liaison_a, duty, progress=40, done="完成规划", difficulties="资金缺口", next_steps="报审", now=NOW
    )
    duty.refresh_from_db()
    return duty


def form_data(client, page: str, **fields) -> dict:
    """What the page's form would post as it was rendered, changed by `fields`."""
    form = client.get(page).context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    return {**data, **fields}


def test_the_form_is_prefilled_from_the_units_last_report(as_, liaison_a, reported, page):
    response = as_(liaison_a).get(page)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["progress"] == 40
    assert form.initial["difficulties"] == "资金缺口" and form.initial["next_steps"] == "报审"
    assert form.initial["done"] == "" and form.initial["submission_key"]
    html = response.content.decode()
    assert "完成规划" in html  # the last report is shown above the form
    assert "资金缺口</textarea>" in html and 'id="chip-no_change"' in html
    assert 'id="file-report"' in html and 'id="ask-completion"' in html


def test_a_first_report_starts_blank_but_for_the_progress(as_, liaison_a, duty, page):
    form = as_(liaison_a).get(page).context["form"]
    assert form.initial["progress"] == 0 and form.initial["difficulties"] == "" and form.initial["next_steps"] == ""


def test_no_change_is_a_report_and_filing_returns_to_the_todo(as_, liaison_a, reported, page):
    client = as_(liaison_a)
    response = client.post(page, form_data(client, page, done=str(NO_CHANGE), action="report"))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    report = Report.objects.latest("id")
    assert (report.progress, report.done, report.difficulties, report.next_steps) == (
        40,
        str(NO_CHANGE),
        "资金缺口",
        "报审",
    )
    assert not report.request_completion
    assert "filed" in client.get(reverse("home")).content.decode()


def test_the_completion_button_files_with_progress_100_and_asks_for_completion(as_, liaison_a, reported, page):
    client = as_(liaison_a)
    response = client.post(page, form_data(client, page, done="全部完成", progress="74", action="complete"))
    assert response.status_code == 302
    report = Report.objects.latest("id")
    assert report.progress == 100 and report.request_completion
    reported.refresh_from_db()
    assert reported.status == DutyStatus.COMPLETION_REQUESTED


def test_a_double_submission_stores_one_report(as_, liaison_a, reported, page):
    client = as_(liaison_a)
    data = form_data(client, page, done="推进", action="report")
    first, second = client.post(page, data), client.post(page, data)
    assert first.status_code == second.status_code == 302
    assert Report.objects.filter(submission_key=data["submission_key"]).count() == 1
    assert "already filed" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("who", ["liaison_b", "office", "leader"])
def test_no_one_but_the_units_people_may_report(as_, request, who, reported, page):
    client = as_(request.getfixturevalue(who))
    assert client.get(page).status_code == 403
    assert client.post(page, {"progress": "50", "done": "x", "action": "report"}).status_code == 403
    assert Report.objects.count() == 1


def test_a_unit_that_does_not_see_the_list_gets_404(as_, outsider, published_list, unit_a, unit_c, page):
    client = as_(outsider)
    assert client.get(page).status_code == 404
    assert client.get(reverse("lists:report_page", args=[published_list.pk, unit_c.pk])).status_code == 404
    assert client.get(reverse("lists:report_page", args=[999999, unit_a.pk])).status_code == 404


def test_a_head_of_the_unit_may_report(as_, head_a, duty, page):
    assert as_(head_a).get(page).status_code == 200


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"progress": "101"}, "progress", "less than or equal to 100"),
        ({"progress": "many"}, "progress", "Enter a whole number"),
        ({"done": "   "}, "done", "This field is required"),
        ({"done": "推进\x07"}, "done", "not allowed (U+0007)"),
        ({"difficulties": "资金\u202e缺口"}, "difficulties", "not allowed (U+202E)"),
    ],
)
def test_bad_input_is_refused_with_the_fields_message(as_, liaison_a, reported, page, fields, field, message):
    client = as_(liaison_a)
    response = client.post(page, form_data(client, page, **{"done": "推进", "action": "report", **fields}))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert message in response.content.decode()
    assert Report.objects.count() == 1


def test_an_unknown_action_is_refused(as_, liaison_a, reported, page):
    client = as_(liaison_a)
    response = client.post(page, form_data(client, page, done="推进", action="erase"))
    assert response.status_code == 400 and Report.objects.count() == 1


def test_a_chip_without_javascript_fills_the_sentence_and_files_nothing(as_, liaison_a, reported, page):
    client = as_(liaison_a)
    response = client.post(page, form_data(client, page, chip="no_change", difficulties="新的困难"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["done"] == str(NO_CHANGE) and form.initial["difficulties"] == "新的困难"
    assert Report.objects.count() == 1


def test_accepted_work_takes_no_more_reports(as_, office, liaison_a, duty, page):
    duty_services.do_report(liaison_a, duty, progress=100, done="完成", request_completion=True, now=NOW)
    duty_completion.do_accept(office, duty, now=NOW)
    client = as_(liaison_a)
    response = client.get(page)
    assert response.status_code == 200 and response.context["form"] is None
    assert 'id="report-closed"' in response.content.decode()
    assert client.post(page, {"progress": "100", "done": "再报", "action": "report"}).status_code == 409


def test_a_returned_completion_shows_why(as_, office, liaison_a, duty, page):
    duty_services.do_report(liaison_a, duty, progress=100, done="完成", request_completion=True, now=NOW)
    duty_completion.do_return(office, duty, "缺少验收材料", now=NOW + timedelta(hours=1))
    html = as_(liaison_a).get(page).content.decode()
    assert 'id="report-returned"' in html and "缺少验收材料" in html


def test_next_may_only_lead_to_this_site(as_, liaison_a, reported, page):
    client = as_(liaison_a)
    data = form_data(client, page, done="推进", action="report", next="https://evil.example/")
    assert client.post(page, data)["Location"] == reverse("home")
    data = form_data(client, page, done="推进", action="report", next="/lists/")
    assert client.post(page, data)["Location"] == "/lists/"


# --- the loop page's own report form returns to the to-do when it came from there ---------------------


def test_the_loop_pages_report_returns_to_the_todo_when_asked(as_, liaison_a, published_list, unit_a):
    client = as_(liaison_a)
    loop = reverse("lists:loop", args=[published_list.pk])
    assert 'name="next" value="/"' in client.get(loop + "?next=/").content.decode()
    data = {"unit": unit_a.pk, "progress": 10, "done": "推进", "submission_key": "k1", "next": "/"}
    assert client.post(reverse("lists:report", args=[published_list.pk]), data)["Location"] == "/"


def test_the_loop_page_ignores_a_next_off_the_site(as_, liaison_a, published_list, unit_a):
    client = as_(liaison_a)
    data = {"unit": unit_a.pk, "progress": 10, "done": "推进", "next": "//evil.example/"}
    response = client.post(reverse("lists:report", args=[published_list.pk]), data)
    assert response["Location"] == reverse("lists:loop", args=[published_list.pk])
