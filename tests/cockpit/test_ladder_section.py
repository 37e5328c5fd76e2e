"""The cockpit's ladder section: open lateness by step and age, urges and orders; each number equals the count
of the page it links to (the board to read, the steps taken)."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from luoshi.cockpit import figures_ladder
from luoshi.cockpit.scope import for_leader
from luoshi.duties.sweep import sweep
from luoshi.org.models import Unit
from tests.cockpit.drill import checked_links, drill_count
from tests.duties.conftest import at, make_urged, publish

YEAR = (date(2026, 1, 1), date(2026, 12, 31))
TODAY = date(2026, 3, 16)
EPISODES = reverse("escalation:episodes")
STEPS = reverse("escalation:steps")


@pytest.fixture(autouse=True)
def on_0316():
    with time_machine.travel(at(TODAY, 11), tick=False), translation.override("en"):
        yield


@pytest.fixture
def ladder(office, leader, other_leader, unit_a, unit_b, unit_c, liaison_a, liaison_b, head_a):
    """leader's list: unit_a urged (03-10) and ordered (03-16), unit_b urged and reported; other_leader's list
    on unit_c: urged and ordered too."""
    publish(office, unit_c, leader=other_leader, title="榆中县的清单")
    return make_urged(office, leader, unit_a, unit_b, liaison_b)


def values(section) -> dict[str, int]:
    return {f["key"]: f["value"] for f in section["figures"]}


def chart(section, key):
    found = next(c for c in section["charts"] if c["key"] == key)
    return {s["name"]: dict(zip(found["labels"], s["data"], strict=True)) for s in found["series"]}


def test_the_whole_city(as_, office, ladder):
    section = figures_ladder.section(for_leader(office, None, *YEAR, TODAY))
    assert values(section) == {
        "open_episodes": 2,
        "urges_this_month": 3,
        "orders_this_month": 2,
        "urges": 3,
        "orders": 2,
    }
    assert chart(section, "by_step")["Open lateness"] == {
        "Reminder": 0,
        "Urge notice": 0,
        "Supervision order": 2,
        "Talk proposal": 0,
    }
    assert chart(section, "by_age")["Supervision order"] == {
        "Up to 3 days": 0,
        "4 to 10 days": 2,
        "More than 10 days": 0,
    }
    urges, orders = section["trend"]
    assert urges["data"] == [0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert orders["data"] == [0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    assert checked_links(as_(office), section) > 20


def test_a_leaders_share_is_his_duties_and_his_units(as_, office, leader, ladder):
    section = figures_ladder.section(for_leader(leader, leader, *YEAR, TODAY))
    assert values(section) == {
        "open_episodes": 1,
        "urges_this_month": 2,
        "orders_this_month": 1,
        "urges": 2,
        "orders": 1,
    }
    assert checked_links(as_(leader), section) > 20
    assert checked_links(as_(office), section) > 20


def test_a_past_month_is_not_this_month(as_, office, ladder):
    section = figures_ladder.section(for_leader(office, None, date(2026, 2, 1), date(2026, 2, 28), TODAY))
    assert values(section)["urges_this_month"] == 0 and values(section)["urges"] == 0
    assert checked_links(as_(office), section) > 0


def test_who_may_read_the_pages(as_, office, leader, liaison_a, ladder):
    assert as_(liaison_a).get(EPISODES).status_code == 403
    assert as_(leader).get(EPISODES).status_code == 200
    html = as_(leader).get(EPISODES).content.decode()
    assert 'data-action="manual-urge"' not in html  # the office's buttons are the office's
    assert 'data-action="manual-urge"' in as_(office).get(reverse("escalation:board")).content.decode()
    # a unit sees the steps taken on itself only
    assert drill_count(as_(liaison_a), STEPS) == 2  # unit_a's urge and order
    assert drill_count(as_(office), STEPS) == 5


@pytest.mark.parametrize(
    ("url", "params", "name"),
    [
        (EPISODES, {"leader": "abc"}, "leader"),
        (EPISODES, {"from": "2026-02-30"}, "from"),
        (STEPS, {"to": "yesterday"}, "to"),
        (STEPS, {"leader": "999999"}, "leader"),
        (STEPS, {"step": "shout"}, "shout"),
    ],
)
def test_bad_parameters_get_400_naming_them(as_, office, ladder, url, params, name):
    response = as_(office).get(url, params)
    assert response.status_code == 400
    assert name in response.content.decode()


def test_the_pages_filter_by_leader_and_days(as_, office, leader, other_leader, ladder):
    client = as_(office)
    assert drill_count(client, f"{EPISODES}?leader={other_leader.pk}") == 1
    assert drill_count(client, f"{STEPS}?leader={other_leader.pk}&step=urge") == 1
    assert drill_count(client, f"{STEPS}?from=2026-03-16&to=2026-03-16") == 2
    assert drill_count(client, f"{EPISODES}?from=2026-03-10") == 0  # both fell due on 03-09


@pytest.mark.parametrize("n", [1, 6])
def test_the_section_runs_a_constant_number_of_queries(office, leader, n, django_assert_max_num_queries):
    for i in range(n):
        publish(office, Unit.objects.create(name=f"单位{i}", kind="department"), leader=leader, title=f"任务{i}")
    sweep(at(date(2026, 3, 10)))
    for who in (None, leader):
        with django_assert_max_num_queries(3):
            figures_ladder.section(for_leader(office, who, *YEAR, TODAY))
