# ruff: noqa: F401, F811 — the ledger's and oversight's fixtures are imported by name
"""The cockpit's oversight section: units inspected, problems found and rectified, talks, violations and
accountability by month, each count equal to the index it links to; a leader's supervised units only; the
restricted records' counts shown to a leader without links (and their indexes not read); the indexes' new
parameters; a constant number of queries."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from luoshi.cockpit import figures_oversight
from luoshi.cockpit.scope import for_leader
from luoshi.events.models import Event
from luoshi.oversight import findings, inspections
from tests.cockpit.drill import checked_links, drill_count
from tests.conftest import NOW, TODAY
from tests.oversight.cases.conftest import decision_on, talk_with, violation_of
from tests.oversight.conftest import discipline
from tests.oversight.inspections.conftest import (
    ask_verification,
    category,
    finding,
    finding_b,
    inspection,
    inspector,
    member,
    record,
    team_unit,
)

pytestmark = pytest.mark.django_db
YEAR = TODAY.year


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def campaign(office, inspector, team_unit, units, title="专项督查"):
    data = inspections.InspectionInput(
        title=title,
        leader=inspector,
        period_from=TODAY - timedelta(days=1),
        period_to=TODAY + timedelta(days=5),
        methods=["discussion"],
        team_units=[team_unit],
        members=[],
        units=units,
    )
    return inspections.do_create_inspection(office, data)[0]


@pytest.fixture
def records(office, inspector, team_unit, liaison_a, unit_a, unit_c, category, finding, finding_b):
    """Unit a (the leader's): its finding rectified and verified, a talk with its head, a violation and a
    decision; unit b: a finding; unit c (the other leader's): inspected by a second campaign, a finding, a talk."""
    ask_verification(liaison_a, finding)
    findings.do_verify(inspector, finding, passed=True)
    second = campaign(office, inspector, team_unit, [unit_c])
    record(inspector, second, unit_c, category)
    clerk = liaison_a
    talk_with(office, unit=unit_a, held_on=TODAY - timedelta(days=1))
    talk_with(office, unit=unit_c, held_on=TODAY - timedelta(days=2))
    violation_of(office, clerk, TODAY - timedelta(days=1))
    decision_on(office, unit=unit_a, decided_on=TODAY - timedelta(days=1))


def scope_of(viewer, leader=None, start=None, end=None):
    return for_leader(viewer, leader, start or date(YEAR, 1, 1), end or date(YEAR, 12, 31), TODAY)


def values(section) -> dict:
    return {f["key"]: f["value"] for f in section["figures"]}


def urls(section) -> dict:
    return {f["key"]: f["url"] for f in section["figures"]}


def test_the_whole_city_and_each_number_is_its_list(as_, office, records):
    section = figures_oversight.section(scope_of(office))
    v = values(section)
    assert v["units_inspected"] == 3 and v["inspections"] == 2
    assert v["findings"] == 3 and v["findings_rectified"] == 1 and v["rectified_rate"] == 33.3
    assert v["talks"] == 2 and v["units_talked"] == 2
    assert v["violations"] == 1 and v["accountability"] == 1
    month = TODAY.month - 1
    # found, rectified, talks (one on 28 February), decisions
    assert [s["data"][month] for s in section["trend"]] == [3, 1, 1, 1]
    assert [sum(s["data"]) for s in section["trend"]] == [3, 1, 2, 1]
    pie = section["charts"][0]
    assert sum(pie["series"][0]["data"]) == 3
    assert checked_links(as_(office), section) > 15


def test_a_leaders_supervised_units_only(as_, office, leader, other_leader, records):
    mine = figures_oversight.section(scope_of(leader, leader))
    v = values(mine)
    assert (v["units_inspected"], v["inspections"], v["findings"], v["findings_rectified"]) == (1, 1, 1, 1)
    assert (v["talks"], v["violations"], v["accountability"]) == (1, 1, 1)
    theirs = values(figures_oversight.section(scope_of(other_leader, other_leader)))
    assert (theirs["units_inspected"], theirs["findings"], theirs["findings_rectified"]) == (1, 1, 0)
    assert (theirs["talks"], theirs["violations"], theirs["accountability"]) == (1, 0, 0)
    # The office looking at the leader's cockpit follows every link, the restricted indexes too.
    as_office = figures_oversight.section(scope_of(office, leader))
    assert values(as_office) == v
    assert checked_links(as_(office), as_office) > 10


def test_a_leader_gets_the_restricted_counts_without_their_links(as_, leader, records):
    section = figures_oversight.section(scope_of(leader, leader))
    u = urls(section)
    assert values(section)["talks"] == 1 and u["talks"] is None
    assert u["violations"] is None and u["accountability"] is None
    assert all(url is None for s in section["trend"][2:] for url in s["urls"])
    assert u["findings"] and u["units_inspected"]
    before = Event.objects.filter(kind="record.read").count()
    assert checked_links(as_(leader), section) > 0  # the findings and inspections he may read
    assert Event.objects.filter(kind="record.read").count() == before  # no restricted index was read
    city = figures_oversight.section(scope_of(leader))
    assert values(city)["talks"] == 2 and urls(city)["talks"] is None


def test_discipline_follows_the_restricted_links(as_, discipline, records):
    section = figures_oversight.section(scope_of(discipline))
    assert urls(section)["talks"]
    assert checked_links(as_(discipline), section) > 10


def test_a_week_counts_the_week(office, records):
    week = figures_oversight.section(scope_of(office, start=TODAY + timedelta(days=7), end=TODAY + timedelta(days=13)))
    v = values(week)
    assert (v["findings"], v["talks"], v["accountability"]) == (0, 0, 0)
    assert v["units_inspected"] == 2  # the first campaign runs on to today + 10 days: units a and b
    assert sum(week["trend"][0]["data"]) == 3  # the trend stays the year's


def test_the_indexes_take_the_cockpits_parameters(as_, office, leader, records):
    client = as_(office)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    day = TODAY.isoformat()
    assert drill_count(client, f"{reverse('oversight:findings')}?from={day}&to={day}&leader={leader.pk}") == 1
    assert drill_count(client, f"{reverse('oversight:inspections')}?show=units&leader={leader.pk}") == 1
    assert drill_count(client, f"{reverse('oversight:inspections')}?show=units") == 3
    assert drill_count(client, f"{reverse('oversight:cases')}?tab=talks&leader={leader.pk}") == 1
    for name in ("oversight:findings", "oversight:inspections", "oversight:cases"):
        bad = client.get(f"{reverse(name)}?from=2026-02-30")
        assert bad.status_code == 400 and "“from”" in bad.content.decode(), name
        bad = client.get(f"{reverse(name)}?leader={office.pk}")
        assert bad.status_code == 400 and "“leader”" in bad.content.decode(), name
    bad = client.get(f"{reverse('oversight:inspections')}?show=everything")
    assert bad.status_code == 400 and "“show”" in bad.content.decode()


@pytest.mark.parametrize("extra", [0, 20])
def test_the_section_reads_a_constant_number_of_queries(
    office,
    leader,
    inspector,
    inspection,
    unit_a,
    category,
    records,
    extra,
    django_assert_max_num_queries,
):
    for i in range(extra):
        record(inspector, inspection, unit_a, category, description=f"问题{i}")
        talk_with(office, unit=unit_a, held_on=TODAY - timedelta(days=i % 20))
    city, mine = scope_of(office), scope_of(leader, leader)
    with django_assert_max_num_queries(6):
        figures_oversight.section(city)
    with django_assert_max_num_queries(6):
        figures_oversight.section(mine)
