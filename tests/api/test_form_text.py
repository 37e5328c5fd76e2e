"""The web forms check their text as the API does: no NUL, control or bidi characters, visible titles."""

import pytest
import time_machine

from luoshi.duties.forms import HandleTalkForm, SetDayForm
from luoshi.duties.models import Report
from luoshi.lists.forms import ListForm, ReportForm
from tests.conftest import NOW, days


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def list_form(unit, **change) -> ListForm:
    data = {"source": "meeting", "title": "任务", "lead_unit": unit.pk, "deadline": days(30), "report_every_days": 30}
    return ListForm({**data, **change})


@pytest.mark.parametrize("title", ["a\x00b", "\u200b\u200d", "\u202eevil", "\x1b[2J", "a\nb"])
def test_the_list_form_refuses_invisible_or_control_titles(unit_a, title):
    form = list_form(unit_a, title=title)
    assert not form.is_valid() and "title" in form.errors


def test_the_list_form_keeps_line_breaks_in_the_content_and_strips_the_title(unit_a):
    form = list_form(unit_a, title="  园区建设  ", content="第一段\r\n第二段")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["title"] == "园区建设" and "\n" in form.cleaned_data["content"]
    assert not list_form(unit_a, content="a\u2067b").is_valid()


def test_the_report_form_refuses_control_characters(unit_a):
    form = ReportForm({"unit": unit_a.pk, "progress": 10, "done": "完成\x08", "difficulties": "", "next_steps": ""})
    assert not form.is_valid() and "done" in form.errors


def test_escalation_forms_check_their_text_too():
    assert not HandleTalkForm({"note": "\u200b"}).is_valid()
    assert not SetDayForm({"date": "2026-10-01", "is_workday": "0", "note": "国庆\x00"}).is_valid()
    assert SetDayForm({"date": "2026-10-01", "is_workday": "0", "note": "国庆节"}).is_valid()


def test_a_report_with_a_nul_through_the_web_is_refused_not_a_500(client, published_list, liaison_a, unit_a):
    client.force_login(liaison_a)
    r = client.post(
        f"/lists/{published_list.pk}/report",
        {"unit": unit_a.pk, "progress": 10, "done": "完成\x00选址", "submission_key": "k1"},
    )
    assert r.status_code == 400
    assert not Report.objects.exists()
