"""Outside channels deliver in working hours only: what is queued or retried after hours waits for
the next window's start on the working-day calendar; the inbox receives at once."""

from datetime import datetime, time

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ImproperlyConfigured

from luoshi.notify.models import Channel, Delivery, DeliveryAttempt, Notification
from luoshi.notify.services import Message, deliver_due, notify_many
from luoshi.workdays.calendar import Calendar
from luoshi.workdays.hours import Hours
from tests.conftest import SHANGHAI

MESSAGE = Message(kind="escalation.order", title="督办单 2026-DB-0001", body="市工信委：报告已逾期5个工作日")
NOTHING = {"sent": 0, "retry": 0, "failed": 0}


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def mailed(people):
    Channel.objects.create(kind="email", name="邮件")
    return people[0]  # the liaison has an address


def queue(person, when: datetime) -> Delivery:
    with time_machine.travel(when, tick=False):
        notify_many([(person, MESSAGE)], when)
    return Delivery.objects.get()


def test_a_notice_queued_at_night_reaches_the_inbox_at_once_and_the_mail_at_half_past_eight(mailed):
    delivery = queue(mailed, at(3, 10, 1, 55))  # Tuesday 01:55
    assert Notification.objects.get().created_at == at(3, 10, 1, 55)  # the inbox does not wait
    assert delivery.created_at == at(3, 10, 1, 55) and delivery.next_attempt_at == at(3, 10, 8, 30)
    assert deliver_due(at(3, 10, 1, 56)) == NOTHING
    assert deliver_due(at(3, 10, 8, 29)) == NOTHING
    assert mail.outbox == []
    assert deliver_due(at(3, 10, 8, 30)) == {"sent": 1, "retry": 0, "failed": 0}
    assert mail.outbox[0].subject == MESSAGE.title


def test_a_notice_queued_in_working_hours_goes_at_once(mailed):
    delivery = queue(mailed, at(3, 10, 10, 0))
    assert delivery.next_attempt_at == at(3, 10, 10, 0)
    assert deliver_due(at(3, 10, 10, 0))["sent"] == 1


@pytest.mark.parametrize(
    ("queued", "goes"),
    [
        (at(3, 7, 14), at(3, 9, 8, 30)),  # Saturday -> Monday morning
        (at(3, 6, 18), at(3, 9, 8, 30)),  # Friday at closing time -> Monday (the window closes at 18:00)
        (at(2, 27, 19), at(2, 28, 8, 30)),  # Friday evening -> Saturday 02-28, a make-up workday (春节调休)
        (at(2, 14, 20), at(2, 24, 8, 30)),  # after the make-up Saturday, the Spring Festival: Tuesday 02-24
        (at(10, 1, 9), at(10, 8, 8, 30)),  # National Day holidays
    ],
)
def test_after_hours_waits_for_the_next_working_day_on_the_calendar(shipped_calendar, mailed, queued, goes):
    delivery = queue(mailed, queued)
    assert delivery.next_attempt_at == goes
    assert deliver_due(queued) == NOTHING


def test_saturday_waits_until_monday(mailed):
    queue(mailed, at(3, 7, 10))
    assert deliver_due(at(3, 7, 10)) == NOTHING
    assert deliver_due(at(3, 8, 12)) == NOTHING  # Sunday noon
    assert deliver_due(at(3, 9, 8, 30))["sent"] == 1


def test_a_failure_at_17_59_retries_the_next_morning(people):
    Channel.objects.create(kind="wecom", name="坏群", url="http://127.0.0.1:9/nothing-listens-here")
    queue(people[0], at(3, 10, 17, 59))
    assert deliver_due(at(3, 10, 17, 59)) == {"sent": 0, "retry": 1, "failed": 0}
    delivery = Delivery.objects.get()
    assert delivery.next_attempt_at == at(3, 11, 8, 30)  # not 18:00, after hours
    assert deliver_due(at(3, 10, 18, 0)) == NOTHING
    assert deliver_due(at(3, 11, 8, 30))["retry"] == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.next_attempt_at == at(3, 11, 8, 32)  # the backoff, in hours
    assert DeliveryAttempt.objects.count() == 2


def test_a_due_delivery_left_over_at_closing_time_waits_for_the_morning(mailed):
    """Deliveries are sent every 30 s: one due at 17:59:50 but reached at 18:00:10 goes the next day."""
    queue(mailed, at(3, 10, 17, 59))
    assert deliver_due(datetime(2026, 3, 10, 18, 0, 10, tzinfo=SHANGHAI)) == NOTHING
    assert deliver_due(at(3, 11, 8, 30))["sent"] == 1


def test_other_hours_can_be_set(settings, mailed):
    settings.LUOSHI_DELIVERY_HOURS = "09:00-17:00"
    assert queue(mailed, at(3, 10, 8, 45)).next_attempt_at == at(3, 10, 9, 0)


def test_always_means_no_window(settings, mailed):
    settings.LUOSHI_DELIVERY_HOURS = "always"
    delivery = queue(mailed, at(3, 8, 1, 55))  # a Sunday night
    assert delivery.next_attempt_at == at(3, 8, 1, 55)
    assert deliver_due(at(3, 8, 1, 55))["sent"] == 1


def test_the_window_is_parsed_strictly():
    assert Hours.parse("08:30-18:00") == Hours(time(8, 30), time(18, 0))
    assert Hours.parse(" 9:00 - 17:30 ") == Hours(time(9, 0), time(17, 30))
    whole_day = Hours.parse("00:00-24:00")
    assert whole_day.is_open(datetime(2026, 3, 10, 23, 59, 59, tzinfo=SHANGHAI), Calendar())
    assert not whole_day.is_open(at(3, 8, 12), Calendar())  # still working days only
    assert Hours.parse("always").always


@pytest.mark.parametrize("bad", ["", "8-18", "18:00-08:30", "08:30-08:30", "25:00-26:00", "08:30-24:30", "soon"])
def test_a_bad_window_is_a_configuration_error(bad):
    with pytest.raises(ImproperlyConfigured):
        Hours.parse(bad)


def test_next_open_on_a_pure_calendar():
    hours = Hours.parse("08:30-18:00")
    cal = Calendar({at(3, 9, 0).date(): False})  # Monday 03-09 made a holiday
    assert hours.next_open(at(3, 6, 17, 59), cal) == at(3, 6, 17, 59)
    assert hours.next_open(at(3, 6, 18), cal) == at(3, 10, 8, 30)
    assert hours.next_open(at(3, 10, 7), cal) == at(3, 10, 8, 30)


@pytest.fixture
def admin_en(client, admin):
    """The system administrator, whose delivery log it is, in English."""
    client.cookies["django_language"] = "en"
    client.admin = admin
    return client


def state_column(admin_client, when: datetime) -> list[str]:
    with time_machine.travel(when, tick=False):
        admin_client.force_login(admin_client.admin)  # signed in then (sessions end when idle, and after 8 h)
        response = admin_client.get("/admin/notify/delivery/")
    assert response.status_code == 200
    return [row.split("</td>")[0] for row in response.content.decode().split('<td class="field-state">')[1:]]


def test_the_delivery_log_shows_what_waits_for_working_hours(admin_en, mailed):
    queue(mailed, at(3, 10, 1, 55))
    assert state_column(admin_en, at(3, 10, 7)) == ["Waiting for working hours (until 2026-03-10 08:30)"]
    assert state_column(admin_en, at(3, 10, 8, 30)) == ["Pending"]  # due now: the next run sends it
    deliver_due(at(3, 10, 8, 30))
    assert state_column(admin_en, at(3, 10, 9)) == ["Sent"]


def test_a_retry_pushed_past_closing_time_shows_as_waiting_while_the_window_is_still_open(admin_en, people):
    Channel.objects.create(kind="wecom", name="坏群", url="http://127.0.0.1:9/nothing-listens-here")
    queue(people[0], at(3, 13, 17, 59))  # Friday
    deliver_due(at(3, 13, 17, 59))
    assert state_column(admin_en, at(3, 13, 17, 59)) == ["Waiting for working hours (until 2026-03-16 08:30)"]
    with time_machine.travel(at(3, 13, 17, 59), tick=False):
        detail = admin_en.get(f"/admin/notify/delivery/{Delivery.objects.get().pk}/change/").content.decode()
    assert "Waiting for working hours (until 2026-03-16 08:30)" in detail


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 3, 2, 10, 0), datetime(2026, 3, 2, 10, 0)),  # inside: itself
        (datetime(2026, 3, 3, 6, 0), datetime(2026, 3, 2, 17, 59)),  # before opening: last evening
        (datetime(2026, 3, 2, 21, 0), datetime(2026, 3, 2, 17, 59)),  # after closing: today's close
        (datetime(2026, 3, 9, 1, 55), datetime(2026, 3, 6, 17, 59)),  # Monday night: back over the weekend
    ],
)
def test_the_last_working_moment_is_now_or_the_close_of_the_last_window(db, moment, expected):
    from luoshi.workdays.hours import last_working_moment

    assert last_working_moment(moment.replace(tzinfo=SHANGHAI)) == expected.replace(tzinfo=SHANGHAI)
