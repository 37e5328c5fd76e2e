"""The administrator's settings: the policy (lights and the ladder) and the working-day calendar."""

from datetime import date

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from luoshi.duties import policy as policy_service
from luoshi.duties.models import Policy
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.workdays import china
from luoshi.workdays.calendar import load
from luoshi.workdays.models import CalendarDay
from tests.conftest import NOW

POLICY = reverse("escalation:policy")
CALENDAR = reverse("escalation:calendar")
VALUES = {
    "light_due_soon_days": 5,
    "light_red_after_days": 10,
    "reminder_workdays": 3,
    "order_after_workdays": 4,
    "talk_orders": 3,
    "talk_window_days": 60,
    "talk_overdue_workdays": 15,
}


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- policy ---------------------------------------------------------------------------------------


def test_the_admin_sees_the_current_policy(as_, admin):
    response = as_(admin).get(POLICY)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="talk_window_days"' in html and 'value="90"' in html
    assert "A reminder to the unit's liaison 2 working days before a report is due." in html


def test_only_an_admin_edits_the_policy(as_, office, liaison_a, leader):
    for person in (office, liaison_a, leader):
        assert as_(person).get(POLICY).status_code == 403
        assert as_(person).post(POLICY, VALUES).status_code == 403
    assert not Policy.objects.exists()
    with pytest.raises(NotAllowed):
        policy_service.do_update_policy(office, **VALUES)


def test_saving_the_policy_writes_the_lists_row_clears_the_cache_and_records_an_event(as_, admin):
    assert Policy.current().talk_window_days == 90  # now cached
    assert not Policy.objects.exists()
    response = as_(admin).post(POLICY, VALUES)
    assert response.status_code == 302 and response.url == POLICY
    assert messages_of(response) == ["The policy is saved; the next sweep and every light use it."]
    row = Policy.objects.get()
    assert row.owner_kind == "list" and policy_service.policy_values(row) == VALUES
    assert Policy.current().talk_window_days == 60  # not the stale cached copy
    event = Event.objects.get(kind="policy.changed")
    assert event.actor == admin and (event.subject_type, event.subject_id) == ("policy", row.pk)
    assert event.before["talk_window_days"] == 90 and event.after["talk_window_days"] == 60
    assert set(event.after) == set(VALUES)  # every field changed here


def test_saving_the_same_values_twice_records_one_change(as_, admin):
    client = as_(admin)
    client.post(POLICY, VALUES)
    second = client.post(POLICY, VALUES)
    assert second.status_code == 302 and messages_of(second)[-1] == "Nothing changed."
    assert Event.objects.filter(kind="policy.changed").count() == 1
    third = client.post(POLICY, {**VALUES, "talk_orders": 2})
    assert third.status_code == 302
    assert Event.objects.filter(kind="policy.changed").last().after == {"talk_orders": 2}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reminder_workdays", "0", "greater than or equal to 1"),
        ("talk_window_days", "1000", "less than or equal to 366"),
        ("talk_orders", "two", "Enter a whole number"),
        ("light_red_after_days", "", "This field is required"),
        ("talk_overdue_workdays", "4", "The talk proposal must come later than the supervision order"),
    ],
)
def test_bad_policy_values_get_400_and_change_nothing(as_, admin, field, value, message):
    response = as_(admin).post(POLICY, {**VALUES, field: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please correct the errors below." in html and message in html
    assert not Policy.objects.exists() and not Event.objects.filter(kind="policy.changed").exists()


def test_the_service_checks_bounds_too(admin):
    with pytest.raises(InvalidInput) as err:
        policy_service.do_update_policy(admin, talk_orders=0)
    assert err.value.field == "talk_orders"
    with pytest.raises(InvalidInput):
        policy_service.do_update_policy(admin, talk_orders=True)
    with pytest.raises(InvalidInput):
        policy_service.do_update_policy(admin, spank=3)
    policy_service.do_update_policy(admin, talk_orders=3)
    assert Policy.current().talk_orders == 3 and Policy.objects.get(owner_kind="list").talk_window_days == 90


# --- calendar -------------------------------------------------------------------------------------


def test_the_admin_sees_this_years_calendar_by_month(as_, admin):
    response = as_(admin).get(CALENDAR)
    assert response.status_code == 200
    assert response.context["year"] == 2026
    october = response.context["months"][9]
    assert {
        "first": date(2026, 10, 1),
        "last": date(2026, 10, 7),
        "is_workday": False,
        "note": "国庆节",
    } in october.spans
    assert {"first": date(2026, 10, 10), "last": date(2026, 10, 10), "is_workday": True, "note": "国庆节调休"} in (
        october.spans
    )
    html = response.content.decode()
    assert "国庆节" in html and "春节调休" in html
    assert not response.context["can_load"]  # 2026 is stored already
    official = china.official_days(2026)
    assert response.context["holidays"] == sum(1 for _d, work, _n in official if not work)
    assert response.context["makeup_days"] == sum(1 for _d, work, _n in official if work) == 6


def test_only_an_admin_sees_the_calendar(as_, office, liaison_a):
    assert as_(office).get(CALENDAR).status_code == 403
    assert as_(liaison_a).post(CALENDAR, {"action": "set", "date": "2026-03-07", "is_workday": "1"}).status_code == 403
    assert not CalendarDay.objects.filter(date=date(2026, 3, 7)).exists()


@pytest.mark.parametrize("year", ["abc", "1900", "3000"])
def test_a_bad_year_gets_400(as_, admin, year):
    response = as_(admin).get(CALENDAR, {"year": year})
    assert response.status_code == 400
    assert "Give a year" in response.content.decode()


def set_day(client, day, is_workday, note="", year=None):
    url = f"{CALENDAR}?year={year}" if year else CALENDAR
    return client.post(url, {"action": "set", "date": day, "is_workday": is_workday, "note": note})


def test_setting_a_makeup_workday_and_back(as_, admin):
    client = as_(admin)
    response = set_day(client, "2026-03-07", "1", " 调休 ")  # a Saturday
    assert response.status_code == 302 and response.url == f"{CALENDAR}?year=2026"
    assert messages_of(response) == ["2026-03-07 is now a working day (班)."]
    assert CalendarDay.objects.get(date=date(2026, 3, 7)).note == "调休"
    assert load().is_workday(date(2026, 3, 7))
    # the same submission again changes nothing and records nothing
    again = set_day(client, "2026-03-07", "1", "调休")
    assert messages_of(again)[-1] == "2026-03-07 already is so: nothing changed."
    assert Event.objects.filter(kind="calendar.changed").count() == 1
    back = set_day(client, "2026-03-07", "0")
    assert messages_of(back)[-1] == "2026-03-07 follows the weekday rule again: its exception is removed."
    assert not CalendarDay.objects.filter(date=date(2026, 3, 7)).exists()
    assert Event.objects.filter(kind="calendar.changed").count() == 2


def test_setting_a_holiday_in_another_year_goes_to_that_year(as_, admin):
    response = set_day(as_(admin), "2027-01-01", "0", "元旦", year=2026)
    assert response.url == f"{CALENDAR}?year=2027"
    assert CalendarDay.objects.get(date=date(2027, 1, 1)).is_workday is False


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "", "is_workday": "1"}, "This field is required"),
        ({"date": "2026-02-30", "is_workday": "1"}, "Enter a valid date"),
        ({"date": "1999-12-31", "is_workday": "1"}, "Give a date between"),
        ({"date": "2026-03-07"}, "Say whether the day is worked."),
        ({"date": "2026-03-07", "is_workday": "1", "note": "长" * 51}, "at most 50 characters"),
    ],
)
def test_a_bad_day_gets_400(as_, admin, data, message):
    response = as_(admin).post(CALENDAR, {"action": "set", **data})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please correct the errors below." in html and message in html
    assert not Event.objects.filter(kind="calendar.changed").exists()


def test_an_unknown_action_gets_400(as_, admin):
    response = as_(admin).post(CALENDAR, {"action": "explode"})
    assert response.status_code == 400 and "Unknown action." in response.content.decode()


def test_loading_chinas_official_calendar_once(as_, admin):
    CalendarDay.objects.filter(date__year=2025).delete()
    client = as_(admin)
    page = client.get(CALENDAR, {"year": 2025})
    assert page.context["can_load"] and "Load China's official calendar for 2025" in page.content.decode()
    response = client.post(f"{CALENDAR}?year=2025", {"action": "load", "year": "2025"})
    assert response.status_code == 302 and response.url == f"{CALENDAR}?year=2025"
    days = china.official_days(2025)
    assert CalendarDay.objects.filter(date__year=2025).count() == len(days)
    assert messages_of(response) == [f"China's official calendar for 2025 is loaded: {len(days)} days."]
    assert not load().is_workday(date(2025, 10, 1)) and load().is_workday(date(2025, 9, 28))
    again = client.post(f"{CALENDAR}?year=2025", {"action": "load", "year": "2025"})
    assert again.status_code == 409 and "already holds days of 2025" in again.content.decode()
    assert Event.objects.filter(kind="calendar.loaded").count() == 1
    assert not client.get(CALENDAR, {"year": 2025}).context["can_load"]


def test_loading_a_year_that_is_not_shipped_gets_400(as_, admin):
    response = as_(admin).post(CALENDAR, {"action": "load", "year": "2031"})
    assert response.status_code == 400 and "No official calendar is shipped for 2031." in response.content.decode()
    assert not as_(admin).get(CALENDAR, {"year": 2031}).context["can_load"]
    assert as_(admin).post(CALENDAR, {"action": "load"}).status_code == 400


def test_the_load_service_is_for_admins_and_refuses_a_stored_year(office, admin):
    with pytest.raises(NotAllowed):
        policy_service.do_load_official_calendar(office, 2025)
    with pytest.raises(Conflict):
        policy_service.do_load_official_calendar(admin, 2026)
