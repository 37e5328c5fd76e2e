"""Replaying the past gives the same steps as a sweep that ran every morning."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.duties.models import Duty, Episode, Escalation
from luoshi.duties.replay import replay_history
from luoshi.duties.sweep import sweep
from luoshi.events.models import Counter, Event
from luoshi.lists import services
from luoshi.notify.models import Notification
from tests.duties.conftest import at, publish


def live_history(office, leader, unit_a, unit_b, liaison_a, liaison_b, sweep_daily: bool):
    """A two-unit list: unit_a reports late twice and finishes after its deadline; unit_b is on time."""
    with time_machine.travel(at(date(2026, 9, 14)), tick=False):
        rlist = services.do_publish(
            office,
            services.do_create_list(
                office,
                source="instruction",
                title="黄河风情线提升改造",
                content="",
                leader=leader,
                lead_unit=unit_a,
                co_units=[unit_b],
                deadline=date(2026, 10, 23),
                report_every_days=14,
            ),
        )
    ob_a, ob_b = rlist.duties.get(unit=unit_a), rlist.duties.get(unit=unit_b)
    actions = {
        date(2026, 9, 25): lambda: duty_services.do_report(liaison_b, ob_b, progress=40, done="按期推进"),
        date(2026, 10, 12): lambda: duty_services.do_report(liaison_a, ob_a, progress=50, done="补报进展"),
        date(2026, 10, 13): lambda: duty_services.do_report(
            liaison_b, ob_b, progress=100, done="完成", request_completion=True
        ),
        date(2026, 10, 14): lambda: duty_completion.do_accept(office, ob_b),
        date(2026, 11, 4): lambda: duty_services.do_report(
            liaison_a, ob_a, progress=100, done="完成", request_completion=True
        ),
        date(2026, 11, 5): lambda: duty_completion.do_accept(office, ob_a),
    }
    day = date(2026, 9, 14)
    while day <= date(2026, 11, 6):
        if sweep_daily:
            sweep(at(day, 9))
        if day in actions:
            with time_machine.travel(at(day, 15), tick=False):
                actions[day]()
        day += timedelta(days=1)
    return rlist


def steps():
    return sorted(Escalation.objects.values_list("created_at", "step", "unit_id", "number", "days_overdue"))


def episodes():
    return sorted(
        Episode.objects.values_list("kind", "due_date", "last_step", "opened_at", "closed_at", "closed_reason")
    )


def forget_the_ladder():
    """Delete what the daily sweep wrote, as the demo city's history never had it."""
    Notification.objects.all().delete()
    Escalation.objects.all().delete()
    Episode.objects.all().delete()
    Event.objects.filter(kind__startswith="escalation.").delete()
    Counter.objects.filter(key__regex=r"^(CB|DB)-").delete()


def sweep_daily(first: date, last: date, actions: dict[date, list]):
    """The sweep at 09:00 each day from `first` to `last`; each day's actions after it, at 15:00."""
    day = first
    while day <= last:
        sweep(at(day, 9))
        for action in actions.get(day, []):
            with time_machine.travel(at(day, 15), tick=False):
                action()
        day += timedelta(days=1)


def replayed(until: date) -> tuple[list, list]:
    """The live sweep's steps and episodes, then the replay's after forgetting them."""
    swept, live_episodes = steps(), episodes()
    forget_the_ladder()
    replay_history(at(until))
    assert steps() == swept
    assert episodes() == live_episodes
    return swept, live_episodes


@pytest.mark.figures_by_hand  # deletes the steps by hand, not through the sweep
def test_replay_matches_a_daily_sweep(office, leader, unit_a, unit_b, liaison_a, liaison_b, head_a):
    live_history(office, leader, unit_a, unit_b, liaison_a, liaison_b, sweep_daily=True)
    swept = steps()
    assert {s for _at, s, *_ in swept} == {"reminder", "urge", "order", "talk_proposal"}
    episodes = sorted(Episode.objects.values_list("kind", "due_date", "last_step", "closed_reason"))
    forget_the_ladder()

    replay_history(at(date(2026, 11, 7)))
    assert steps() == swept
    assert sorted(Episode.objects.values_list("kind", "due_date", "last_step", "closed_reason")) == episodes
    assert Notification.objects.filter(read_at__isnull=True).count() == 0  # history is read


@pytest.mark.figures_by_hand  # deletes the steps by hand, not through the sweep
def test_a_report_filed_in_the_afternoon_keeps_that_mornings_step(office, leader, unit_a, liaison_a, head_a):
    # First report due Mon 03-09: urged on 03-10, ordered on Fri 03-13 (more than 3 working days
    # overdue), filed that afternoon; the morning's order was taken before the report came.
    rlist = publish(office, unit_a, leader=leader, deadline=date(2026, 6, 30))
    duty = rlist.duties.get(unit=unit_a)
    report = lambda: duty_services.do_report(liaison_a, duty, progress=30, done="补报进展")  # noqa: E731
    sweep_daily(date(2026, 3, 2), date(2026, 3, 13), {date(2026, 3, 13): [report]})

    swept, _episodes = replayed(date(2026, 3, 14))
    assert [(s, at.date()) for at, s, *_ in swept] == [
        ("reminder", date(2026, 3, 5)),
        ("urge", date(2026, 3, 10)),
        ("order", date(2026, 3, 13)),
    ]


def late_on_its_deadline(office, leader, unit_a, liaison_a):
    """Deadline Fri 03-06 (its first report due that day too): reminded on 03-04; on Mon 03-09 the
    report is urged and the deadline ordered; the unit reports that afternoon (no more report owed
    for a month). The deadline's talk proposal falls on Mon 03-23 (past 10 working days)."""
    rlist = publish(office, unit_a, leader=leader, every=30, deadline=date(2026, 3, 6))
    duty = rlist.duties.get(unit=unit_a)
    report = lambda: duty_services.do_report(liaison_a, duty, progress=80, done="补报进展")  # noqa: E731
    ask = lambda: duty_services.do_report(liaison_a, duty, progress=100, done="完成", request_completion=True)  # noqa: E731
    back = lambda: duty_completion.do_return(office, duty, "材料不全")  # noqa: E731
    accept = lambda: duty_completion.do_accept(office, duty)  # noqa: E731
    return {date(2026, 3, 9): [report]}, ask, back, accept


BEFORE_THE_TALK = [("reminder", date(2026, 3, 4)), ("urge", date(2026, 3, 9)), ("order", date(2026, 3, 9))]


@pytest.mark.figures_by_hand  # deletes the steps by hand, not through the sweep
def test_a_completion_waiting_for_acceptance_is_not_urged(office, leader, unit_a, liaison_a, head_a):
    # The unit asks for acceptance on 03-17, accepted on 03-25: the sweep leaves a completion that
    # waits for acceptance alone, so the talk proposal of 03-23 never comes; the episode ends at acceptance.
    actions, ask, _back, accept = late_on_its_deadline(office, leader, unit_a, liaison_a)
    actions |= {date(2026, 3, 17): [ask], date(2026, 3, 25): [accept]}
    sweep_daily(date(2026, 3, 2), date(2026, 3, 25), actions)

    swept, live_episodes = replayed(date(2026, 3, 26))
    assert sorted((s, at.date()) for at, s, *_ in swept) == sorted(BEFORE_THE_TALK)
    assert [(kind, closed.date(), reason) for kind, *_r, closed, reason in live_episodes] == [
        ("deadline", date(2026, 3, 25), "accepted"),
        ("report", date(2026, 3, 9), "report"),
    ]


@pytest.mark.figures_by_hand  # deletes the steps by hand, not through the sweep
def test_a_returned_completion_is_urged_again(office, leader, unit_a, liaison_a, head_a):
    # Asked for on 03-10, returned on 03-12: open again, the duty reaches its talk proposal on 03-23
    # before the unit asks again on 03-24 (accepted 03-26).
    actions, ask, back, accept = late_on_its_deadline(office, leader, unit_a, liaison_a)
    actions |= {date(2026, 3, 10): [ask], date(2026, 3, 12): [back], date(2026, 3, 24): [ask]}
    actions |= {date(2026, 3, 26): [accept]}
    sweep_daily(date(2026, 3, 2), date(2026, 3, 26), actions)

    swept, _episodes = replayed(date(2026, 3, 27))
    assert sorted((s, at.date()) for at, s, *_ in swept) == sorted(
        [*BEFORE_THE_TALK, ("talk_proposal", date(2026, 3, 23))]
    )


@pytest.mark.figures_by_hand  # deletes the steps by hand, not through the sweep
def test_work_completed_by_its_owner_ends_as_completed(office, leader, unit_a, liaison_a, head_a):
    # The owner's own act ends the duty on 03-11 (as a quarter confirmation does): ended "completed".
    actions, *_rest = late_on_its_deadline(office, leader, unit_a, liaison_a)
    duty = Duty.objects.get(unit=unit_a)

    def complete() -> None:
        with transaction.atomic():
            duty_completion.complete_by_owner(office, duty, timezone.now(), cause="test")

    sweep_daily(date(2026, 3, 2), date(2026, 3, 11), actions | {date(2026, 3, 11): [complete]})

    _swept, live_episodes = replayed(date(2026, 3, 12))
    assert [(kind, reason) for kind, *_r, reason in live_episodes] == [("deadline", "completed"), ("report", "report")]
