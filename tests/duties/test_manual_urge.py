"""The office's "urge now" (立即催办): confirmed first, within the open episode only, once per episode,
an urge notice to a late unit and a reminder (no number, nothing to print) to one that is not late."""

from datetime import date

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from luoshi.duties import documents
from luoshi.duties import services as duty_services
from luoshi.duties.ladder import Rules
from luoshi.duties.manual import do_manual_urge, manual_step
from luoshi.duties.models import Duty, Episode, Escalation
from luoshi.duties.sweep import sweep
from luoshi.errors import Conflict, NotAllowed
from luoshi.events.models import Event
from luoshi.notify.models import Notification
from luoshi.workdays import calendar
from tests.duties.conftest import at, publish
from tests.lists.test_concurrency import run_together

BOARD = reverse("escalation:board")


def confirm_url(ob) -> str:
    return reverse("escalation:manual_urge", args=[ob.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def on_0316():
    with time_machine.travel(at(date(2026, 3, 16), 11), tick=False):
        yield


def manual_steps(ob) -> list[tuple[str, str, int]]:
    return list(
        Escalation.objects.filter(episode__duty=ob, manual=True)
        .order_by("pk")
        .values_list("step", "number", "episode_id")
    )


# --- the pure choice ------------------------------------------------------------------------------


def test_the_step_is_an_urge_only_when_late(db):
    cal, rules = calendar.load(), Rules()
    ob = Duty(next_report_due=date(2026, 3, 9), deadline=date(2026, 12, 31))
    late = manual_step(ob, date(2026, 3, 11), cal, rules)
    assert (late.kind, late.due_date, late.step, late.days_overdue) == ("report", date(2026, 3, 9), "urge", 2)
    due_today = manual_step(ob, date(2026, 3, 9), cal, rules)
    assert (due_today.step, due_today.days_overdue, due_today.late) == ("reminder", 0, False)
    assert manual_step(ob, date(2026, 3, 2), cal, rules).step == "reminder"
    # a passed deadline is late even while the next report is not yet due
    past_deadline = Duty(next_report_due=date(2026, 3, 20), deadline=date(2026, 3, 10))
    plan = manual_step(past_deadline, date(2026, 3, 12), cal, rules)
    assert (plan.kind, plan.due_date, plan.step) == ("deadline", date(2026, 3, 10), "urge")
    # a deadline on Saturday 03-14 falls to Monday 03-16: not late on Sunday
    weekend = Duty(next_report_due=None, deadline=date(2026, 3, 14))
    assert manual_step(weekend, date(2026, 3, 15), cal, rules).step == "reminder"
    assert manual_step(weekend, date(2026, 3, 17), cal, rules).step == "urge"


# --- the service ----------------------------------------------------------------------------------


def test_a_late_unit_gets_a_numbered_urge_in_its_open_episode(office, urged, unit_a, liaison_a, head_a):
    ob = urged.duties.get(unit=unit_a)
    episode = Episode.objects.get(duty=ob, closed_at__isnull=True)
    esc, created = do_manual_urge(office, ob, now=at(date(2026, 3, 16), 11))
    assert created and esc.step == "urge" and esc.number == "2026-CB-0003" and esc.manual
    assert esc.episode_id == episode.pk and esc.days_overdue == 5 and esc.created_by == office
    episode.refresh_from_db()
    assert episode.last_step == "order"  # never lowered
    assert documents.is_printable(esc)
    received = Notification.objects.filter(kind="escalation.urge", title__contains="0003")
    assert set(received.values_list("recipient__username", flat=True)) == {"liaison_a", "head_a"}


def test_a_unit_not_yet_due_gets_a_reminder_not_an_urge(office, urged, unit_b, liaison_b):
    ob = urged.duties.get(unit=unit_b)  # reported on 03-13: next due Fri 03-20
    esc, created = do_manual_urge(office, ob, now=at(date(2026, 3, 16), 11))
    assert created and (esc.step, esc.number, esc.respond_by, esc.days_overdue) == ("reminder", "", None, 0)
    assert esc.due_date == date(2026, 3, 20) and esc.episode.closed_at is None
    assert not documents.is_printable(esc)  # nothing to print: no 催办通知 demanding reasons
    (note,) = Notification.objects.filter(kind="escalation.reminder")
    assert note.recipient == liaison_b and "2026-03-20" in note.body
    assert "逾期" not in note.title + note.body and "overdue" not in note.title + note.body
    assert not Escalation.objects.filter(number="2026-CB-0003").exists()  # no number used up
    # The sweep does not send the automatic reminder of this episode a second time.
    assert sweep(at(date(2026, 3, 18)))["reminder"] == 0
    assert sweep(at(date(2026, 3, 23)))["urge"] == 1  # but urges once the report is late


@pytest.mark.figures_by_hand  # creates a step by hand, not through the sweep
def test_an_old_urge_sent_before_the_due_date_prints_as_a_reminder(office, urged, unit_b):
    """The board used to send a numbered urge to a unit not yet due: its paper must not demand reasons."""
    ob = urged.duties.get(unit=unit_b)  # next due Fri 03-20
    episode = Episode.objects.create(
        duty=ob, unit=unit_b, kind="report", due_date=date(2026, 3, 20),
        opened_at=at(date(2026, 3, 16)), last_step="urge",
    )  # fmt: skip
    esc = Escalation.objects.create(
        episode=episode, step="urge", unit=unit_b, duty=ob, number="2026-CB-0099", manual=True,
        created_at=at(date(2026, 3, 16)), created_by=office, due_date=date(2026, 3, 20), respond_by=date(2026, 3, 19),
    )  # fmt: skip
    notice = documents.notice_fields(esc)
    text = "".join(notice.paragraphs)
    assert "尚未到报送时限" in text and "原因" not in text and "逾期仍未" not in text
    assert notice.closing == "特此提醒。"
    cells = dict(cell for row in notice.rows for cell in row)
    assert cells["逾期情况"] == "尚未逾期" and cells["反馈时限"] == "2026年3月20日前"
    late = documents.notice_fields(Escalation.objects.get(number="2026-CB-0001"))  # the sweep's, 1 day late
    assert "已逾期1个工作日" in late.paragraphs[0] and "说明未按时报送的原因" in late.paragraphs[1]
    assert late.closing == "特此催办。"


@pytest.fixture
def deadline_list(office, unit_a, liaison_a, head_a):
    """Reports every 14 days, deadline Fri 03-20: the report due date stays 03-20 report after report."""
    rlist = publish(office, unit_a, every=14, deadline=date(2026, 3, 20))
    ob = rlist.duties.get()
    assert ob.next_report_due == date(2026, 3, 16)
    duty_services.do_report(liaison_a, ob, progress=40, done="推进", now=at(date(2026, 3, 13)))
    ob.refresh_from_db()
    assert ob.next_report_due == date(2026, 3, 20)
    sweep(at(date(2026, 3, 18)))  # the reminder: episode (report, 03-20)
    duty_services.do_report(liaison_a, ob, progress=60, done="推进", now=at(date(2026, 3, 19), 10))  # ends it
    ob.refresh_from_db()
    assert ob.next_report_due == date(2026, 3, 20)  # due again on the same date
    return ob


def test_a_manual_urge_after_an_ended_episode_opens_a_new_one(office, deadline_list):
    ob = deadline_list
    (ended,) = Episode.objects.filter(duty=ob)
    assert ended.closed_reason == "report"
    esc, created = do_manual_urge(office, ob, now=at(date(2026, 3, 23), 8))  # Mon: 1 working day late
    assert created and esc.step == "urge" and esc.number == "2026-CB-0001"
    assert esc.episode_id != ended.pk and esc.episode.closed_at is None
    assert (esc.episode.kind, esc.episode.due_date, esc.episode.last_step) == ("report", date(2026, 3, 20), "urge")
    assert not ended.steps.filter(manual=True).exists()
    # The morning sweep finds the urge taken: no second 催办通知 for the same lateness (the deadline,
    # also passed on 03-20, gets its own supervision order).
    counts = sweep(at(date(2026, 3, 23), 9))
    assert counts["urge"] == 0 and counts["order"] == 1


def test_an_ended_and_an_open_episode_on_the_same_date(office, deadline_list):
    ob = deadline_list
    sweep(at(date(2026, 3, 19), 11))  # after the report: a new reminder episode, due 03-20 again
    assert Episode.objects.filter(duty=ob, kind="report", due_date=date(2026, 3, 20)).count() == 2
    (open_episode,) = Episode.objects.filter(duty=ob, closed_at__isnull=True)
    reminder, created = do_manual_urge(office, ob, now=at(date(2026, 3, 19), 12))
    assert created and reminder.step == "reminder" and reminder.episode_id == open_episode.pk
    urge, created = do_manual_urge(office, ob, now=at(date(2026, 3, 23), 8))
    assert created and urge.step == "urge" and urge.episode_id == open_episode.pk
    assert [s for s, _n, _e in manual_steps(ob)] == ["reminder", "urge"]


def test_a_double_submission_sends_one_notice_with_one_number(office, urged, unit_a):
    ob = urged.duties.get(unit=unit_a)
    now = at(date(2026, 3, 16), 11)
    first, created = do_manual_urge(office, ob, now=now)
    notes = Notification.objects.count()
    again, created_again = do_manual_urge(office, ob, now=at(date(2026, 3, 16), 11), confirmed="urge")
    assert created and not created_again and again.pk == first.pk
    assert manual_steps(ob) == [("urge", "2026-CB-0003", first.episode_id)]
    assert Notification.objects.count() == notes
    assert Event.objects.filter(kind="escalation.urge", after__manual=True).count() == 1
    # Another member of the office, later the same week: still the same lateness, still one manual urge.
    later, created = do_manual_urge(office, ob, now=at(date(2026, 3, 18), 10))
    assert not created and later.pk == first.pk


@pytest.mark.django_db(transaction=True)
def test_simultaneous_clicks_send_one_notice(office, leader, unit_a, unit_b, liaison_a, liaison_b, head_a):
    rlist = publish(office, unit_a, leader=leader)
    ob = rlist.duties.get()
    now = at(date(2026, 3, 11))
    results: list[tuple[Escalation, bool]] = []
    run_together(*[lambda: results.append(do_manual_urge(office, ob, now=now))] * 3)
    assert sorted(created for _e, created in results) == [False, False, True]
    assert len({e.pk for e, _c in results}) == 1
    assert list(Escalation.objects.values_list("number", flat=True)) == ["2026-CB-0001"]
    assert Notification.objects.filter(kind="escalation.urge").count() == 2  # the liaison and the head


def test_nothing_is_sent_when_the_situation_changed_since_the_confirmation(office, urged, unit_a):
    ob = urged.duties.get(unit=unit_a)
    with translation.override("en"), pytest.raises(Conflict, match="situation changed"):
        do_manual_urge(office, ob, now=at(date(2026, 3, 16), 11), confirmed="reminder")
    assert not Escalation.objects.filter(manual=True).exists()


def test_manual_urge_refusals(office, liaison_a, urged, unit_a, unit_b, liaison_b, draft_list):
    ob = urged.duties.get(unit=unit_a)
    now = at(date(2026, 3, 16), 11)
    with pytest.raises(NotAllowed):
        do_manual_urge(liaison_a, ob, now=now)
    with pytest.raises(Conflict):
        do_manual_urge(office, draft_list.duties.first(), now=now)
    asked = urged.duties.get(unit=unit_b)
    duty_services.do_report(liaison_b, asked, progress=100, done="完成", request_completion=True, now=now)
    with pytest.raises(Conflict):  # the office decides the completion request rather than urging
        do_manual_urge(office, asked, now=now)
    assert not Escalation.objects.filter(manual=True).exists()


# --- the confirmation page ------------------------------------------------------------------------


def test_the_board_links_to_a_confirmation_not_a_one_click_send(as_, office, urged, unit_a, on_0316):
    html = as_(office).get(BOARD, {"step": "order"}).content.decode()
    ob = urged.duties.get(unit=unit_a)
    assert f'href="{confirm_url(ob)}?query=step%3Dorder"' in html
    assert f'action="{confirm_url(ob)}"' not in html  # no form that sends from the board
    assert "Urge now" in html


def test_the_confirmation_shows_what_will_be_sent(as_, office, urged, unit_a, on_0316):
    ob = urged.duties.get(unit=unit_a)
    response = as_(office).get(confirm_url(ob), {"query": "step=order"})
    assert response.status_code == 200
    html = response.content.decode()
    assert unit_a.name in html and urged.code in html and urged.title in html
    assert "5 working days overdue" in html and "An urge notice" in html and "Send the urge notice" in html
    assert "工信委联络员" in html and "工信委主任" in html  # who receives it
    assert response.context["plan"].step == "urge" and 'name="step" value="urge"' in html
    assert f'href="{BOARD}?step=order"' in html  # cancel goes back to the same board
    assert not Escalation.objects.filter(manual=True).exists()  # looking sends nothing


def test_a_unit_not_late_is_offered_a_reminder(as_, office, urged, unit_b, on_0316):
    ob = urged.duties.get(unit=unit_b)
    response = as_(office).get(confirm_url(ob))
    html = response.content.decode()
    assert response.status_code == 200 and response.context["plan"].step == "reminder"
    assert "not late" in html and "Send the reminder" in html and "no number and nothing to print" in html
    assert "2026-03-20" in html and "overdue" not in response.context["message_body"]
    sent = as_(office).post(confirm_url(ob), {"step": "reminder"})
    assert sent.status_code == 302 and messages_of(sent) == [f"Reminder sent to {unit_b.name}."]
    assert manual_steps(ob)[0][:2] == ("reminder", "")


def test_confirming_sends_once_and_returns_to_the_board(as_, office, urged, unit_a, on_0316):
    ob = urged.duties.get(unit=unit_a)
    client = as_(office)
    response = client.post(confirm_url(ob), {"step": "urge", "query": "step=order"})
    assert response.status_code == 302 and response.url == f"{BOARD}?step=order"
    assert messages_of(response) == [f"Urge notice 2026-CB-0003 sent to {unit_a.name}."]
    again = client.post(confirm_url(ob), {"step": "urge", "query": "step=order"})
    assert again.status_code == 302
    assert "nothing more was sent" in messages_of(again)[-1] and "2026-CB-0003" in messages_of(again)[-1]
    assert manual_steps(ob) == [("urge", "2026-CB-0003", Episode.objects.get(duty=ob).pk)]
    page = client.get(confirm_url(ob)).content.decode()
    assert "confirming again sends nothing" in page and 'id="confirm-send"' not in page


def test_a_stale_confirmation_is_shown_again_with_the_new_facts(as_, office, urged, unit_a, on_0316):
    ob = urged.duties.get(unit=unit_a)
    response = as_(office).post(confirm_url(ob), {"step": "reminder"})
    assert response.status_code == 409
    assert "situation changed" in response.content.decode()
    assert response.context["plan"].step == "urge"  # the page now offers what is true
    assert not Escalation.objects.filter(manual=True).exists()


def test_confirmation_refusals(as_, office, urged, unit_a, liaison_a, draft_list, on_0316):
    ob = urged.duties.get(unit=unit_a)
    assert as_(liaison_a).get(confirm_url(ob)).status_code == 403
    assert as_(liaison_a).post(confirm_url(ob), {"step": "urge"}).status_code == 403
    client = as_(office)
    assert client.get(reverse("escalation:manual_urge", args=[99999])).status_code == 404
    assert client.post(reverse("escalation:manual_urge", args=[99999]), {"step": "urge"}).status_code == 404
    assert client.put(confirm_url(ob)).status_code == 405
    missing = client.post(confirm_url(ob), {})
    assert missing.status_code == 400 and "look at it again" in missing.content.decode()
    bad = client.post(confirm_url(ob), {"step": "order"})
    assert bad.status_code == 400
    draft = client.get(confirm_url(draft_list.duties.first()))
    assert draft.status_code == 409 and "Only open work on a list in progress can be urged." in draft.content.decode()
    assert client.post(confirm_url(draft_list.duties.first()), {"step": "urge"}).status_code == 409
    assert not Escalation.objects.filter(manual=True).exists()
