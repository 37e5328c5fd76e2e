"""Walk one list through every step of the ladder, day by day, across weekends, holidays and an extension."""

from datetime import date, timedelta

import pytest
import time_machine

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.duties.ladder import Rules, reached_steps, steps_to_take
from luoshi.duties.models import Episode, Escalation
from luoshi.duties.sweep import sweep
from luoshi.events.models import Event
from luoshi.lists import services
from luoshi.notify.models import Notification
from luoshi.workdays.calendar import Calendar, load
from tests.conftest import SHANGHAI
from tests.duties.conftest import at, publish


def walk(first: date, last: date, sweeps_per_day: int = 2) -> list[tuple[date, str]]:
    """Sweep (twice) every day from first to last; return (day, step) of every step taken."""
    before = set(Escalation.objects.values_list("pk", flat=True))
    day = first
    while day <= last:
        for hour in range(9, 9 + sweeps_per_day):
            with time_machine.travel(at(day, hour), tick=False):
                sweep()
        day += timedelta(days=1)
    new = Escalation.objects.exclude(pk__in=before).order_by("created_at", "id")
    return [(e.created_at.astimezone(SHANGHAI).date(), e.step) for e in new]


@pytest.fixture
def autumn_list(office, leader, unit_a, liaison_a, head_a):
    """Published Monday 2026-09-14, reports every 14 days: first due Monday 2026-09-28,
    right after the mid-autumn holiday (09-25..27) and before the national-day week (10-01..07)."""
    with time_machine.travel(at(date(2026, 9, 14)), tick=False):
        rlist = services.do_create_list(
            office,
            source="instruction",
            title="第二水源地建设项目征地拆迁",
            content="",
            leader=leader,
            lead_unit=unit_a,
            co_units=[],
            deadline=date(2026, 11, 30),
            report_every_days=14,
        )
        return services.do_publish(office, rlist)


def test_the_shipped_calendar_knows_the_2026_holidays_and_makeup_days(db):
    cal = load()
    assert not cal.is_workday(date(2026, 10, 1))  # national day
    assert not cal.is_workday(date(2026, 9, 25))  # mid-autumn
    assert cal.is_workday(date(2026, 10, 10))  # Saturday make-up workday
    assert cal.workdays_between(date(2026, 9, 30), date(2026, 10, 9)) == 2  # 10-08, 10-09


def test_each_step_happens_once_and_on_its_working_day(autumn_list, liaison_a):
    ob = autumn_list.duties.get()
    assert ob.next_report_due == date(2026, 9, 28)
    steps = walk(date(2026, 9, 14), date(2026, 10, 20))
    assert steps == [
        # 2 working days before Mon 09-28: Wed 09-23 (Thu 24 and Mon 28; Fri 25 is a holiday)
        (date(2026, 9, 23), "reminder"),
        (date(2026, 9, 29), "urge"),  # the day after
        # more than 3 working days overdue: 29, 30, (holiday week), Thu 10-08, Fri 10-09
        (date(2026, 10, 9), "order"),
        # more than 10 working days: 29, 30, 8, 9, Sat 10 (make-up), 12, 13, 14, 15, 16, Mon 19
        (date(2026, 10, 19), "talk_proposal"),
    ]
    urge, order = Escalation.objects.get(step="urge"), Escalation.objects.get(step="order")
    assert urge.number == "2026-CB-0001" and order.number == "2026-DB-0001"
    assert Event.objects.filter(kind="escalation.order", subject_id=autumn_list.pk).count() == 1
    # the urge goes to the unit, the order to its head and the responsible leader, the proposal to the office
    assert set(Notification.objects.filter(kind="escalation.urge").values_list("recipient__username", flat=True)) == {
        "liaison_a",
        "head_a",
    }
    assert set(Notification.objects.filter(kind="escalation.order").values_list("recipient__username", flat=True)) == {
        "head_a",
        "leader",
    }
    assert set(
        Notification.objects.filter(kind="escalation.talk_proposal").values_list("recipient__username", flat=True)
    ) == {"office"}


def test_a_report_ends_the_episode_and_the_next_lateness_starts_a_new_one(autumn_list, liaison_a):
    ob = autumn_list.duties.get()
    walk(date(2026, 9, 28), date(2026, 9, 30))
    with time_machine.travel(at(date(2026, 9, 30), 15), tick=False):
        duty_services.do_report(liaison_a, ob, progress=30, done="征地补偿方案已公示")
    episode = Episode.objects.get(due_date=date(2026, 9, 28))
    assert episode.closed_reason == "report" and episode.last_step == "urge"
    ob.refresh_from_db()
    assert ob.next_report_due == date(2026, 10, 14)
    steps = walk(date(2026, 10, 1), date(2026, 10, 16))
    assert steps == [(date(2026, 10, 12), "reminder"), (date(2026, 10, 15), "urge")]
    assert Episode.objects.filter(closed_at__isnull=True).count() == 1


def test_an_approved_extension_ends_the_deadline_episode(office, leader, unit_a, liaison_a, head_a):
    rlist = publish(
        office, unit_a, leader=leader, title="清理违建", every=30, deadline=date(2026, 3, 13), source="assigned"
    )
    ob = rlist.duties.get()
    with time_machine.travel(at(date(2026, 3, 12)), tick=False):
        ext = duty_completion.do_request_extension(liaison_a, ob, date(2026, 4, 30), "拆迁户未签约")
    # The report falls due with the deadline (Fri 03-13) while the request waits; the weekend takes no
    # steps; on Monday the unit is urged and, its deadline missed, put under a supervision order.
    steps = walk(date(2026, 3, 13), date(2026, 3, 17))
    assert steps == [(date(2026, 3, 13), "reminder"), (date(2026, 3, 16), "urge"), (date(2026, 3, 16), "order")]
    with time_machine.travel(at(date(2026, 3, 17), 16), tick=False):
        duty_completion.do_decide_extension(office, ext, True, "同意延期")
    assert set(Episode.objects.values_list("kind", "closed_reason")) == {
        ("deadline", "extension"),
        ("report", "extension"),
    }
    assert walk(date(2026, 3, 18), date(2026, 3, 31)) == []


def test_two_orders_in_the_window_propose_a_talk_for_the_unit(office, leader, unit_a, liaison_a, head_a, settings):
    lists = [publish(office, unit_a, leader=leader, title=f"任务{i}") for i in range(2)]
    assert {rl.duties.get().next_report_due for rl in lists} == {date(2026, 3, 9)}
    steps = walk(date(2026, 3, 9), date(2026, 3, 16), sweeps_per_day=1)
    assert [s for _d, s in steps].count("order") == 2
    talks = Escalation.objects.filter(step="talk_proposal")
    assert talks.count() == 1 and talks.get().created_at.date() == date(2026, 3, 13)


def test_the_step_function_is_pure_and_skips_steps_already_taken():
    cal, rules = Calendar(), Rules()
    due = date(2026, 3, 9)  # a Monday
    assert reached_steps("report", due, date(2026, 3, 4), cal, rules) == []
    assert reached_steps("report", due, date(2026, 3, 5), cal, rules) == ["reminder"]
    assert reached_steps("report", due, date(2026, 3, 10), cal, rules) == ["urge"]
    assert reached_steps("report", due, date(2026, 3, 13), cal, rules) == ["urge", "order"]
    assert reached_steps("deadline", due, date(2026, 3, 10), cal, rules) == ["order"]
    assert steps_to_take("urge", ["urge", "order"]) == ["order"]
    assert steps_to_take("", ["urge", "order"]) == ["urge", "order"]


def test_a_report_ends_its_episode_even_when_the_next_one_falls_due_on_the_same_day(
    office, leader, unit_a, liaison_a, head_a
):
    """Near the deadline the next report is due on the deadline itself: a fresh episode, not the old one."""
    rlist = publish(
        office, unit_a, leader=leader, title="整治", every=30, deadline=date(2026, 3, 20), source="assigned"
    )
    ob = rlist.duties.get()
    assert ob.next_report_due == date(2026, 3, 20)
    walk(date(2026, 3, 18), date(2026, 3, 18))  # reminder
    with time_machine.travel(at(date(2026, 3, 18), 15), tick=False):
        duty_services.do_report(liaison_a, ob, progress=60, done="推进")
    ob.refresh_from_db()
    assert ob.next_report_due == date(2026, 3, 20)
    assert Episode.objects.get().closed_reason == "report"
    assert walk(date(2026, 3, 19), date(2026, 3, 23)) == [
        (date(2026, 3, 19), "reminder"),
        (date(2026, 3, 23), "urge"),
        (date(2026, 3, 23), "order"),
    ]


def test_a_deadline_on_a_rest_day_falls_to_the_next_working_day():
    cal, rules = Calendar(), Rules()
    saturday = date(2026, 3, 14)
    assert reached_steps("deadline", saturday, date(2026, 3, 16), cal, rules) == []  # Monday: still in time
    assert reached_steps("deadline", saturday, date(2026, 3, 17), cal, rules) == ["order"]
