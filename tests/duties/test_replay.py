"""Replaying the past gives the same steps as a sweep that ran every morning."""

from datetime import date, timedelta

import pytest
import time_machine

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.duties.models import Episode, Escalation
from luoshi.duties.replay import replay_history
from luoshi.duties.sweep import sweep
from luoshi.events.models import Counter, Event
from luoshi.lists import services
from luoshi.notify.models import Notification
from tests.duties.conftest import at


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


@pytest.mark.figures_by_hand  # deletes the steps by hand, not through the sweep
def test_replay_matches_a_daily_sweep(office, leader, unit_a, unit_b, liaison_a, liaison_b, head_a):
    live_history(office, leader, unit_a, unit_b, liaison_a, liaison_b, sweep_daily=True)
    swept = steps()
    assert {s for _at, s, *_ in swept} == {"reminder", "urge", "order", "talk_proposal"}
    episodes = sorted(Episode.objects.values_list("kind", "due_date", "last_step", "closed_reason"))
    Notification.objects.all().delete()
    Escalation.objects.all().delete()
    Episode.objects.all().delete()
    Event.objects.filter(kind__startswith="escalation.").delete()
    Counter.objects.filter(key__regex=r"^(CB|DB)-").delete()

    replay_history(at(date(2026, 11, 7)))
    assert steps() == swept
    assert sorted(Episode.objects.values_list("kind", "due_date", "last_step", "closed_reason")) == episodes
    assert Notification.objects.filter(read_at__isnull=True).count() == 0  # history is read
