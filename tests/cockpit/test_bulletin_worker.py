"""The worker's bulletin: every Monday the bulletin of the week before, once however many workers and runs."""

from datetime import date, datetime, time

import pytest
import time_machine
from django.core.management import call_command

from luoshi.cockpit import bulletins, tasks
from luoshi.cockpit.models import Bulletin
from luoshi.notify.models import Notification
from luoshi.worker import enqueue_due_jobs
from tests.cockpit.bulletin_city import MONDAY_AFTER, WEEK, build_week
from tests.conftest import SHANGHAI
from tests.lists.test_concurrency import run_together
from tests.notify.conftest import load_shipped_calendar


@pytest.fixture
def week(office, leader, unit_a, unit_b, liaison_a, liaison_b, head_a):
    return build_week(office, leader, unit_a, unit_b, liaison_a)


def test_last_week_is_the_monday_to_sunday_before():
    assert bulletins.last_week(date(2026, 3, 9)) == WEEK
    assert bulletins.last_week(date(2026, 3, 15)) == WEEK  # the Sunday after
    assert bulletins.last_week(date(2027, 1, 4)) == (date(2026, 12, 28), date(2027, 1, 3))


def test_the_job_is_scheduled_on_mondays_only(db):
    assert set(tasks.scheduled(MONDAY_AFTER)) == {"bulletin"}
    tuesday = datetime(2026, 3, 10, 9, tzinfo=SHANGHAI)
    assert tasks.scheduled(tuesday) == {}


def test_after_a_monday_holiday_it_is_the_next_working_day(db):
    load_shipped_calendar()
    after_national_day = datetime(2026, 10, 8, 9, tzinfo=SHANGHAI)  # Thu: Mon 10-05 to Wed 10-07 are holidays
    assert set(tasks.scheduled(after_national_day)) == {"bulletin"}
    assert tasks.scheduled(datetime(2026, 10, 9, 9, tzinfo=SHANGHAI)) == {}
    assert tasks.scheduled(datetime(2026, 10, 10, 9, tzinfo=SHANGHAI)) == {}  # the make-up Saturday


def test_the_monday_job_makes_last_weeks_bulletin_once(week, leader):
    b = bulletins.make_weekly(MONDAY_AFTER)
    assert b is not None and (b.period_from, b.period_to) == WEEK
    assert b.created_by is None and b.number == 1 and b.submission_key == "weekly-2026-03-02"
    assert bulletins.make_weekly(MONDAY_AFTER.replace(hour=15)) is None  # the next run that Monday
    assert Bulletin.objects.count() == 1
    assert Notification.objects.filter(kind=bulletins.KIND, recipient=leader).count() == 1


def test_the_job_leaves_a_week_the_office_has_made(week, office):
    bulletins.do_make_bulletin(office, *WEEK, now=MONDAY_AFTER)
    assert bulletins.make_weekly(MONDAY_AFTER) is None
    assert Bulletin.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_many_workers_at_once_make_one_bulletin(office, leader, unit_a, unit_b, liaison_a):
    build_week(office, leader, unit_a, unit_b, liaison_a)
    made: list[object] = []
    run_together(*[lambda: made.append(bulletins.make_weekly(MONDAY_AFTER))] * 3)
    assert len([b for b in made if b is not None]) == 1
    assert list(Bulletin.objects.values_list("number", flat=True)) == [1]
    assert Notification.objects.filter(kind=bulletins.KIND, recipient=leader).count() == 1
    # the counter gave back the numbers of the losers: the next bulletin is the second
    b, _ = bulletins.do_make_bulletin(office, date(2026, 2, 23), date(2026, 3, 1), now=MONDAY_AFTER)
    assert b.number == 2


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_it_on_monday_morning(office, leader, unit_a, unit_b, liaison_a):
    build_week(office, leader, unit_a, unit_b, liaison_a)
    morning = datetime.combine(date(2026, 3, 9), time(9, 0), SHANGHAI)
    with time_machine.travel(morning, tick=False):
        assert "bulletin" in enqueue_due_jobs()
        assert "bulletin" not in enqueue_due_jobs()  # claimed for the hour
        call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)
    b = Bulletin.objects.get()
    assert (b.period_from, b.period_to, b.created_by) == (*WEEK, None)
    with time_machine.travel(datetime.combine(date(2026, 3, 10), time(9, 0), SHANGHAI), tick=False):
        assert "bulletin" not in enqueue_due_jobs()  # Tuesday
