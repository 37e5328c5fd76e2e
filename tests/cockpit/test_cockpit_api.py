"""GET /api/v1/stats/cockpit: the same figures and scope as the page, its refusals, and its cache (a second
call does not recompute; any write in between does: never a stale figure)."""

from datetime import date

import pytest
from django.db import transaction
from django.utils import timezone

from luoshi.cockpit import figures
from luoshi.events.services import record
from tests.cockpit.fake import COMPUTED, SCOPES, fake_sections  # noqa: F401  (a fixture)

PATH = "/stats/cockpit"
KEYS = {"lists", "ladder", "ledger", "oversight", "public", "fieldwork", "trends", "scope"}


def test_the_office_gets_one_object_per_section(api, office):
    response = api(office).get(PATH)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == KEYS
    for name in figures.SECTIONS:
        assert body[name]["key"] == name
        assert set(body[name]) == {"key", "title", "figures", "charts", "trend"}
    assert set(body["trends"]) == set(figures.SECTIONS)
    year = timezone.localdate().year
    assert body["scope"]["leader"] is None
    assert (body["scope"]["start"], body["scope"]["end"]) == (f"{year}-01-01", f"{year}-12-31")


@pytest.mark.usefixtures("fake_sections")
def test_the_sections_come_as_their_shape(api, office):
    body = api(office).get(PATH, year=2026).json()
    section = body["lists"]
    assert section["figures"][0] == {
        "key": "issued",
        "label": "Issued",
        "value": 7,
        "url": "/lists/?from=2026-01-01",
        "counted": True,
        "unit": None,
    }
    assert section["figures"][1]["value"] == 92.5 and section["figures"][1]["unit"] == "%"
    chart = section["charts"][0]
    assert chart["kind"] == "stack" and chart["labels"] == ["Leader A", "Leader B"]
    assert chart["series"][1] == {
        "name": "green",
        "data": [3, 0],
        "urls": ["/lists/?light=green&leader=1", None],
        "counted": True,
        "color": "green",
    }
    assert body["trends"]["ledger"][0]["data"] == list(range(12))
    assert body["trends"]["lists"] == section["trend"]


@pytest.mark.usefixtures("fake_sections")
def test_the_office_picks_a_leader(api, office, leader, unit_a):
    body = api(office).get(PATH, leader=leader.pk).json()
    assert body["scope"]["leader"] == leader.pk and body["scope"]["leader_name"] == str(leader)
    assert SCOPES[-1].leader == leader and SCOPES[-1].unit_ids == {unit_a.pk}


@pytest.mark.usefixtures("fake_sections")
def test_a_leader_sees_his_own_and_is_refused_the_whole_city(api, leader, unit_a):
    client = api(leader)
    assert client.get(PATH).json()["scope"]["leader"] == leader.pk
    assert SCOPES[-1].unit_ids == {unit_a.pk}
    assert client.get(PATH, city=1).status_code == 403


def test_a_leader_may_not_read_another_leaders_figures(api, leader, other_leader):
    assert api(leader).get(PATH, leader=other_leader.pk).status_code == 403


@pytest.mark.parametrize("who", ["liaison_a", "head_a", "admin", "auditor"])
def test_others_are_refused(api, request, who):
    assert api(request.getfixturevalue(who)).get(PATH).status_code == 403


@pytest.mark.usefixtures("fake_sections")
def test_the_days_override_the_year(api, office):
    body = api(office).get(PATH, **{"from": "2026-03-02", "to": "2026-03-08"}).json()
    assert (body["scope"]["start"], body["scope"]["end"], body["scope"]["year"]) == ("2026-03-02", "2026-03-08", 2026)
    assert (SCOPES[-1].start, SCOPES[-1].end) == (date(2026, 3, 2), date(2026, 3, 8))
    body = api(office).get(PATH, year=2024).json()
    assert (body["scope"]["start"], body["scope"]["end"]) == ("2024-01-01", "2024-12-31")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "1999"}, "year"),
        ({"year": "abc"}, "year"),
        ({"from": "2026-13-01"}, "from"),
        ({"to": "1999-12-31"}, "to"),
        ({"from": "2026-03-09", "to": "2026-03-02"}, "to"),
        ({"leader": "abc"}, "leader"),
        ({"leader": "0"}, "leader"),
        ({"leader": "99999"}, "leader"),
        ({"city": "maybe"}, "city"),
    ],
)
def test_bad_parameters_get_400_naming_them(api, office, leader, params, field):
    response = api(office).get(PATH, **params)
    assert response.status_code == 400, response.json()
    assert response.json()["field"] == field


def test_a_person_who_is_not_a_leader_is_no_leader_parameter(api, office, liaison_a):
    response = api(office).get(PATH, leader=liaison_a.pk)
    assert response.status_code == 400 and response.json()["field"] == "leader"


@pytest.mark.usefixtures("fake_sections")
def test_the_api_runs_a_constant_number_of_queries(api, office, leader, django_assert_max_num_queries):
    client = api(office)
    client.get(PATH)  # the token's first use is an event
    with django_assert_max_num_queries(6):
        assert client.get(PATH, leader=leader.pk).status_code == 200


@pytest.mark.usefixtures("fake_sections")
@pytest.mark.django_db(transaction=True)
def test_a_second_call_does_not_recompute_and_a_write_does(api, office, leader):
    client = api(office)
    client.get(PATH)  # the token's first use: an event, as any write
    computed = COMPUTED["lists"]
    first = client.get(PATH, year=2025).json()
    assert COMPUTED["lists"] == computed + 1
    assert client.get(PATH, year=2025).json() == first
    assert COMPUTED["lists"] == computed + 1  # from the cache
    with transaction.atomic():
        record(office, "test.write", "list", 1)
    client.get(PATH, year=2025)
    assert COMPUTED["lists"] == computed + 2  # the chain moved: computed afresh
    client.get(PATH, year=2025)
    assert COMPUTED["lists"] == computed + 2
    client.get(PATH, year=2025, leader=leader.pk)  # another scope is another entry
    assert COMPUTED["lists"] == computed + 3


@pytest.mark.usefixtures("fake_sections")
@pytest.mark.django_db(transaction=True)
def test_a_service_write_between_two_calls_is_seen(api, office, draft_list):
    """A real write (a list published through its service) between two calls: the figures are recomputed."""
    from luoshi.lists import services

    client = api(office)
    client.get(PATH)
    computed = COMPUTED["public"]
    client.get(PATH)
    assert COMPUTED["public"] == computed
    services.do_publish(office, draft_list)
    client.get(PATH)
    assert COMPUTED["public"] == computed + 1
