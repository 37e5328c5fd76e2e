"""The reminder in a month's last week to each leader short of the rule: once per leader and month, however
many workers look; none to a leader who meets the rule, none before the last week."""

from datetime import date, datetime, time

import pytest

from luoshi.events.models import Event
from luoshi.events.services import next_number
from luoshi.frontline import reminders
from luoshi.frontline.tasks import remind_frontline
from luoshi.notify import kinds
from luoshi.notify.models import Notification
from tests.conftest import SHANGHAI
from tests.frontline.conftest import log_day


def moment(day: date) -> datetime:
    return datetime.combine(day, time(9, 0), tzinfo=SHANGHAI)


LAST_WEEK = moment(date(2026, 3, 26))


@pytest.fixture
def met_the_rule(office, other_leader, unit_c):
    """other_leader has his seven days of March; leader has one."""
    for d in (2, 3, 4, 5, 6):
        log_day(office, other_leader, date(2026, 3, d), now=LAST_WEEK)
    log_day(office, other_leader, date(2026, 3, 9), days=2, kind="supervised_unit", unit=unit_c, now=LAST_WEEK)


def test_a_leader_short_of_the_rule_is_reminded_once_in_the_last_week(office, leader, met_the_rule):
    log_day(office, leader, date(2026, 3, 2), now=LAST_WEEK)
    assert reminders.send_due(LAST_WEEK) == 1
    note = Notification.objects.get()
    assert (note.recipient, note.kind, note.url) == (leader, reminders.SHORTFALL, "/frontline/month/?month=2026-03")
    with_english = note.texts.get("en") or {"body": note.body}
    assert "1 of 5" in with_english["body"] or "1 of 5" in note.body
    assert Event.objects.get(kind="frontline.reminded").subject_id == leader.pk
    # The next looks, the same day or later in the week, by this worker or another: nothing more.
    assert reminders.send_due(LAST_WEEK) == 0
    assert reminders.send_due(moment(date(2026, 3, 31))) == 0
    assert Notification.objects.count() == 1


def test_a_worker_finding_the_month_claimed_sends_nothing(leader, met_the_rule):
    next_number(reminders.claim_key(leader.pk, date(2026, 3, 26)))  # another worker claimed it
    assert reminders.send_due(LAST_WEEK) == 0
    assert not Notification.objects.exists()


def test_nobody_is_reminded_before_the_last_week(leader):
    assert reminders.send_due(moment(date(2026, 3, 24))) == 0
    assert not Notification.objects.exists()


def test_each_month_has_its_own_reminder(leader):
    assert reminders.send_due(moment(date(2026, 3, 30))) == 1
    assert reminders.send_due(moment(date(2026, 4, 28))) == 1
    assert Notification.objects.filter(recipient=leader).count() == 2


def test_the_worker_task_sends_them(leader):
    assert remind_frontline.call(LAST_WEEK.isoformat()) == 1


def test_the_reminder_is_a_kind_a_leader_may_tune():
    assert kinds.is_mutable(reminders.SHORTFALL)
