"""Logging frontline days: after the fact, at a unit the leader supervises, by the leader or the office only,
once per submission; the compliance and half-year figures the API gives from them."""

from datetime import date, timedelta

import pytest

from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.frontline import services
from luoshi.frontline.models import FieldProblem, Fieldwork
from tests.conftest import NOW, TODAY
from tests.frontline.conftest import log_day

YESTERDAY = TODAY - timedelta(days=1)
EN = {"Accept-Language": "en"}


def fieldwork(api, person, **data):
    body = {"date": "2026-02-10", "kind": "grassroots", "place": "皋兰县什川镇", **data}
    return api(person).post("/fieldwork", body, headers=EN)


# -- the service ---------------------------------------------------------------------------------------


def test_a_leader_logs_his_own_day_with_its_problems_and_an_event(leader):
    entry = log_day(leader, leader, YESTERDAY, problems=("农村饮水工程季节性断水",))
    assert (entry.leader, entry.logged_by, entry.last_date) == (leader, leader, YESTERDAY)
    assert list(entry.problems.values_list("text", "solved")) == [("农村饮水工程季节性断水", False)]
    event = Event.objects.get(kind="fieldwork.logged")
    assert event.actor == leader and event.subject_id == entry.pk and event.after["problems"] == 1


def test_the_office_logs_for_a_leader(office, leader):
    entry = log_day(office, leader, YESTERDAY)
    assert entry.leader == leader and entry.logged_by == office


def test_another_leader_cannot_log_for_a_leader(leader, other_leader):
    with pytest.raises(NotAllowed):
        log_day(other_leader, leader, YESTERDAY)
    assert not Fieldwork.objects.exists()


def test_a_liaison_cannot_log_for_a_leader(leader, liaison_a):
    with pytest.raises(NotAllowed):
        log_day(liaison_a, leader, YESTERDAY)


def test_days_are_logged_for_a_leader_only(office, liaison_a):
    with pytest.raises(InvalidInput) as refused:
        log_day(office, liaison_a, YESTERDAY)
    assert refused.value.field == "leader"


def test_a_future_date_is_refused(leader):
    with pytest.raises(InvalidInput) as refused:
        log_day(leader, leader, TODAY + timedelta(days=1))
    assert refused.value.field == "date"


def test_a_trip_whose_last_day_is_ahead_is_refused(leader):
    with pytest.raises(InvalidInput) as refused:
        log_day(leader, leader, YESTERDAY, days=3)
    assert refused.value.field == "days"
    assert log_day(leader, leader, YESTERDAY, days=2).last_date == TODAY  # today is not ahead


def test_a_supervised_unit_day_must_be_at_a_unit_the_leader_supervises(leader, unit_a, unit_b):
    with pytest.raises(InvalidInput) as refused:
        log_day(leader, leader, YESTERDAY, kind="supervised_unit", unit=unit_b)
    assert refused.value.field == "unit"
    with pytest.raises(InvalidInput) as refused:
        log_day(leader, leader, YESTERDAY, kind="supervised_unit")  # no unit named
    assert refused.value.field == "unit"
    assert log_day(leader, leader, YESTERDAY, kind="supervised_unit", unit=unit_a).unit == unit_a


def test_a_grassroots_day_may_name_any_unit(leader, unit_b):
    assert log_day(leader, leader, YESTERDAY, unit=unit_b).unit == unit_b


@pytest.mark.parametrize(
    ("field", "value"),
    [("place", ""), ("place", "\u200b"), ("place", "什川\x00镇"), ("place", "什川\n镇"), ("place", "x" * 201)],
)
def test_bad_text_is_refused_naming_the_field(leader, field, value):
    with pytest.raises(InvalidInput) as refused:
        services.do_log_fieldwork(leader, leader=leader, date=YESTERDAY, kind="grassroots", place=value, now=NOW)
    assert refused.value.field == field


def test_a_repeated_submission_key_stores_one_entry(leader):
    args = {"leader": leader, "date": YESTERDAY, "kind": "grassroots", "place": "什川镇", "now": NOW}
    first, created = services.do_log_fieldwork(leader, **args, submission_key="k1")
    again, created_again = services.do_log_fieldwork(leader, **args, submission_key="k1")
    assert (created, created_again, again) == (True, False, first)
    assert Fieldwork.objects.count() == 1
    with pytest.raises(Conflict):
        services.do_log_fieldwork(leader, **{**args, "place": "石洞镇"}, submission_key="k1")


def test_two_people_may_use_the_same_key(office, leader):
    args = {"leader": leader, "date": YESTERDAY, "kind": "grassroots", "place": "什川镇", "now": NOW}
    services.do_log_fieldwork(leader, **args, submission_key="same")
    services.do_log_fieldwork(office, **args, submission_key="same")
    assert Fieldwork.objects.count() == 2


# -- the API -------------------------------------------------------------------------------------------


def test_a_leader_logs_through_the_api_and_the_leader_defaults_to_himself(api, leader, unit_a):
    body = {"kind": "supervised_unit", "unit": unit_a.pk, "problems": [{"text": "园区道路未通", "solved": True}]}
    response = fieldwork(api, leader, **body)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["leader"], data["unit"], data["unit_name"], data["last_date"]) == (
        leader.pk,
        unit_a.pk,
        "市工信委",
        "2026-02-10",
    )
    assert data["problems"][0]["solved"] is True and data["problems"][0]["list"] is None


def test_the_api_refuses_another_leader_with_403(api, leader, other_leader):
    assert fieldwork(api, other_leader, leader=leader.pk).status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": "2026-03-03"}, "date"),
        ({"date": "1999-12-31"}, "date"),
        ({"date": "2026-02-30"}, "date"),
        ({"days": 0}, "days"),
        ({"days": 32}, "days"),
        ({"kind": "holiday"}, "kind"),
        ({"kind": "supervised_unit"}, "unit"),
        ({"place": ""}, "place"),
        ({"place": "什川\x00镇"}, "place"),
        ({"place": "什川\x1b镇"}, "place"),
        ({"purpose": "调研\x00"}, "purpose"),
        ({"unit": 2**31}, "unit"),
        ({"unit": 999999}, "unit"),
        ({"leader": 0}, "leader"),
        ({"leader": 999999}, "leader"),
        ({"problems": [{"text": ""}]}, "problems.0.text"),
        ({"problems": [{"text": "x"}] * 21}, "problems"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api, leader, body, field):
    response = fieldwork(api, leader, **body)
    assert response.status_code == 400, response.json()
    assert response.json()["field"] == field


def test_the_same_idempotency_key_stores_once(api, leader):
    client = api(leader)
    body = {"date": "2026-02-10", "kind": "grassroots", "place": "什川镇"}
    first = client.post("/fieldwork", body, headers={"Idempotency-Key": "abc"})
    second = client.post("/fieldwork", body, headers={"Idempotency-Key": "abc"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"] and Fieldwork.objects.count() == 1
    other = client.post("/fieldwork", {**body, "place": "石洞镇"}, headers={"Idempotency-Key": "abc"})
    assert other.status_code == 409


def test_a_leader_reads_his_own_days_and_the_office_everyones(api, office, leader, other_leader):
    log_day(leader, leader, YESTERDAY)
    log_day(other_leader, other_leader, YESTERDAY)
    mine = api(leader).get("/fieldwork").json()
    assert mine["count"] == 1 and mine["items"][0]["leader"] == leader.pk
    assert api(office).get("/fieldwork").json()["count"] == 2
    theirs = Fieldwork.objects.get(leader=other_leader)
    assert api(leader).get(f"/fieldwork/{theirs.pk}").status_code == 404
    assert api(office).get(f"/fieldwork/{theirs.pk}").status_code == 200


def test_a_liaison_reads_no_frontline_days(api, leader, liaison_a):
    entry = log_day(leader, leader, YESTERDAY)
    client = api(liaison_a)
    assert client.get("/fieldwork").status_code == 403
    assert client.get(f"/fieldwork/{entry.pk}").status_code == 403
    assert client.get("/fieldwork/compliance").status_code == 403


def test_the_list_filters_by_month_counting_a_trip_in_each_of_its_months(api, leader):
    log_day(leader, leader, date(2026, 1, 30), days=3)  # 30, 31 January; 1 February
    log_day(leader, leader, date(2026, 2, 10))
    client = api(leader)
    assert client.get("/fieldwork", month="2026-01").json()["count"] == 1
    assert client.get("/fieldwork", month="2026-02").json()["count"] == 2
    assert client.get("/fieldwork", month="2026-13").status_code == 400


def test_compliance_counts_each_day_once_and_a_trip_in_each_month(api, office, leader, other_leader, unit_a):
    log_day(leader, leader, date(2026, 1, 28), days=6)  # 28–31 January, 1–2 February
    log_day(leader, leader, date(2026, 2, 2))  # the same day again
    log_day(leader, leader, date(2026, 2, 2), kind="supervised_unit", unit=unit_a)
    log_day(leader, leader, date(2026, 2, 3), kind="supervised_unit", unit=unit_a)
    for d in (4, 5, 6):
        log_day(leader, leader, date(2026, 2, d))
    february = api(office).get("/fieldwork/compliance", month="2026-02").json()
    assert (february["grassroots_rule"], february["supervised_rule"]) == (5, 2)
    rows = {r["leader"]: r for r in february["leaders"]}
    mine = rows[leader.pk]
    assert (mine["grassroots_days"], mine["supervised_days"], mine["total_days"], mine["ok"]) == (5, 2, 6, True)
    assert (rows[other_leader.pk]["grassroots_days"], rows[other_leader.pk]["ok"]) == (0, False)
    january = api(office).get("/fieldwork/compliance", month="2026-01").json()
    assert {r["leader"]: r["grassroots_days"] for r in january["leaders"]}[leader.pk] == 4
    # A leader sees his own row only.
    assert [r["leader"] for r in api(leader).get("/fieldwork/compliance", month="2026-02").json()["leaders"]] == [
        leader.pk
    ]


def test_compliance_follows_the_settings(api, office, leader, settings):
    settings.LUOSHI_FRONTLINE_GRASSROOTS_DAYS = 1
    settings.LUOSHI_FRONTLINE_SUPERVISED_DAYS = 0
    log_day(leader, leader, date(2026, 2, 2))
    data = api(office).get("/fieldwork/compliance", month="2026-02").json()
    assert data["grassroots_rule"] == 1 and data["leaders"][0]["ok"] is True


def test_the_half_year_sums_trips_and_days_and_the_main_leaders_apart(api, office, leader, other_leader):
    other_leader.title = "市委副书记、市长"
    other_leader.save()
    log_day(leader, leader, date(2026, 1, 5), days=2)
    log_day(leader, leader, date(2026, 1, 5))  # the same day: a trip more, no day more
    log_day(other_leader, other_leader, date(2026, 2, 2), days=3)
    data = api(office).get("/fieldwork/summary", year=2026, half=1).json()
    rows = {r["leader"]: r for r in data["leaders"]}
    assert (rows[leader.pk]["trips"], rows[leader.pk]["days"], rows[leader.pk]["main"]) == (2, 2, False)
    assert (rows[other_leader.pk]["trips"], rows[other_leader.pk]["days"], rows[other_leader.pk]["main"]) == (
        1,
        3,
        True,
    )
    assert data["main"] == {"trips": 1, "days": 3} and data["all"] == {"trips": 3, "days": 5}
    assert (data["period_from"], data["period_to"]) == ("2026-01-01", "2026-06-30")
    assert rows[leader.pk]["months"] == 2  # January and February have ended by 2026-03-02
    assert api(office).get("/fieldwork/summary", half=3).status_code == 400


def test_problems_are_stored_with_the_entry(leader):
    entry = log_day(leader, leader, YESTERDAY, problems=("一", "二"))
    assert FieldProblem.objects.filter(fieldwork=entry).count() == 2
