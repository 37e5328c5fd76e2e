from datetime import timedelta

import pytest

from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.lists import services
from luoshi.lists.models import ListStatus
from tests.conftest import NOW, TODAY, days


def test_publishing_assigns_a_code_and_the_first_report_dates(draft_list, office):
    rlist = services.do_publish(office, draft_list, now=NOW)
    assert rlist.status == ListStatus.IN_PROGRESS
    assert rlist.code == "2026-ZR-0001"
    assert {ob.next_report_due for ob in rlist.duties.all()} == {TODAY + timedelta(days=14)}


def test_codes_count_up_within_a_year(draft_list, office, leader, unit_a):
    services.do_publish(office, draft_list, now=NOW)
    second = services.do_create_list(
        office,
        source="meeting",
        title="第二项",
        content="",
        leader=leader,
        lead_unit=unit_a,
        co_units=[],
        deadline=days(30),
        report_every_days=7,
        now=NOW,
    )
    assert services.do_publish(office, second, now=NOW).code == "2026-ZR-0002"


def test_publishing_twice_is_a_conflict(draft_list, office):
    services.do_publish(office, draft_list, now=NOW)
    with pytest.raises(Conflict):
        services.do_publish(office, draft_list, now=NOW)


def test_only_the_office_publishes(draft_list, leader, liaison_a):
    for person in (leader, liaison_a):
        with pytest.raises(NotAllowed):
            services.do_publish(person, draft_list, now=NOW)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": " "}, "title"),
        ({"source": "rumour"}, "source"),
        ({"deadline": days(-1)}, "deadline"),
        ({"report_every_days": 0}, "report_every_days"),
        ({"co_units": "lead"}, "co_units"),
    ],
)
def test_create_refuses_bad_input_with_the_field(office, leader, unit_a, unit_b, change, field):
    data = dict(
        source="work_point",
        title="任务",
        content="",
        leader=leader,
        lead_unit=unit_a,
        co_units=[unit_b],
        deadline=days(30),
        report_every_days=14,
    )
    if change.get("co_units") == "lead":
        change = {"co_units": [unit_a]}
    data.update(change)
    with pytest.raises(InvalidInput) as err:
        services.do_create_list(office, now=NOW, **data)
    assert err.value.field == field


def test_the_responsible_leader_must_be_a_leader(office, liaison_a, unit_a):
    with pytest.raises(InvalidInput) as err:
        services.do_create_list(
            office,
            source="work_point",
            title="任务",
            content="",
            leader=liaison_a,
            lead_unit=unit_a,
            co_units=[],
            deadline=days(30),
            report_every_days=14,
            now=NOW,
        )
    assert err.value.field == "leader"
