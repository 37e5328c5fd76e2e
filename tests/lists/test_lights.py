from datetime import date, timedelta

import pytest

from luoshi.duties.lights import GREEN, LIGHTS, RED, YELLOW, light, light_q
from luoshi.duties.models import Duty, Policy

TODAY = date(2026, 3, 2)


def d(n: int) -> date:
    return TODAY + timedelta(days=n)


@pytest.mark.parametrize(
    ("due", "deadline", "expected"),
    [
        (d(10), d(30), GREEN),
        (d(4), d(30), GREEN),
        (d(3), d(30), YELLOW),  # due within 3 days
        (d(0), d(30), YELLOW),
        (d(-7), d(30), YELLOW),  # overdue up to 7 days
        (d(-8), d(30), RED),  # overdue more than 7 days
        (d(5), d(-1), RED),  # past the deadline
        (None, d(30), GREEN),  # nothing due
        (None, None, GREEN),
    ],
)
def test_light_follows_the_thresholds(due, deadline, expected):
    assert light(TODAY, due, deadline, (3, 7)) == expected


def test_thresholds_come_from_the_policy(db):
    Policy.objects.create(pk=1, light_due_soon_days=10, light_red_after_days=1)
    assert light(TODAY, d(9), d(30)) == YELLOW
    assert light(TODAY, d(-2), d(30)) == RED


@pytest.mark.figures_by_hand  # sets duty fields with UPDATE, not through the services
def test_the_sql_filter_agrees_with_the_pure_function(published_list):
    ob = published_list.duties.first()
    for due in [None, *range(-12, 12, 1)]:
        for deadline in (-1, 0, 30):
            due_date = d(due) if due is not None else None
            Duty.objects.filter(pk=ob.pk).update(next_report_due=due_date, deadline=d(deadline))
            expected = light(TODAY, due_date, d(deadline), (3, 7))
            for wanted in LIGHTS:
                found = Duty.objects.filter(light_q(wanted, TODAY, "next_report_due", "deadline"), pk=ob.pk)
                assert found.exists() == (wanted == expected), (due, deadline, wanted)
