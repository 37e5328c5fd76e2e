"""Sessions: sign-in and logout events, the idle timeout and the absolute age, remembered devices (exempt
within their cap; not for the roles that need two factors), logging out everywhere."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import Client

from luoshi.errors import NotAllowed
from luoshi.events.models import Event
from luoshi.org import sessions
from tests.conftest import PASSWORD, SHANGHAI, english
from tests.notify.conftest import load_shipped_calendar

TUESDAY = datetime(2026, 3, 3, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def holidays(db):
    load_shipped_calendar()


def sign_in(client: Client, person, remember: bool = False, address: str = "10.1.2.3"):
    form = {"username": person.username, "password": PASSWORD, **({"remember": "on"} if remember else {})}
    response = client.post("/login/", form, REMOTE_ADDR=address)
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def test_signing_in_and_out_are_events_with_the_address(client, liaison_a):
    sign_in(client, liaison_a)
    client.post("/logout/", REMOTE_ADDR="10.1.2.4")
    login, logout = Event.objects.get(kind="login"), Event.objects.get(kind="logout")
    assert (login.actor, login.result, login.address, login.subject_id) == (liaison_a, "ok", "10.1.2.3", liaison_a.pk)
    assert (logout.actor, logout.result, logout.address, logout.after) == (liaison_a, "ok", "10.1.2.4", {})


def test_a_session_idle_too_long_is_logged_out(client, liaison_a, settings):
    with time_machine.travel(TUESDAY, tick=False):
        sign_in(client, liaison_a)
    with time_machine.travel(TUESDAY + timedelta(minutes=29), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(TUESDAY + timedelta(minutes=29 + 31), tick=False):
        r = english(client).get("/lists/")
        assert r.status_code == 302 and r.url == "/login/?next=%2Flists%2F"
        assert "_auth_user_id" not in client.session
        page = client.get(r.url).content.decode()
        assert f"signed out after {settings.LUOSHI_IDLE_MINUTES} minutes without activity" in page
    event = Event.objects.get(kind="logout")
    assert (event.actor, event.after, event.result) == (liaison_a, {"reason": "idle"}, "ok")


def test_activity_keeps_the_session_but_writes_it_at_most_once_a_minute(client, liaison_a):
    with time_machine.travel(TUESDAY, tick=False) as machine:
        sign_in(client, liaison_a)
        seen = client.session[sessions.LAST_SEEN]
        machine.shift(timedelta(seconds=30))
        client.get("/")
        assert client.session[sessions.LAST_SEEN] == seen  # not written within the minute
        for _ in range(6):  # an hour of work, a request every ten minutes
            machine.shift(timedelta(minutes=10))
            assert client.get("/").status_code == 200
        assert client.session[sessions.LAST_SEEN] > seen


def test_the_idle_time_is_a_setting(client, liaison_a, settings):
    settings.LUOSHI_IDLE_MINUTES = 5
    with time_machine.travel(TUESDAY, tick=False) as machine:
        sign_in(client, liaison_a)
        machine.shift(timedelta(minutes=6))
        assert client.get("/").status_code == 302


def test_the_api_answers_an_idle_session_401(client, liaison_a):
    with time_machine.travel(TUESDAY, tick=False) as machine:
        sign_in(client, liaison_a)
        machine.shift(timedelta(minutes=31))
        r = client.get("/api/v1/me/two-factor")
        assert r.status_code == 401 and r.json()["detail"]


def test_an_htmx_request_of_an_idle_session_loads_the_login_page_whole(client, liaison_a):
    with time_machine.travel(TUESDAY, tick=False) as machine:
        sign_in(client, liaison_a)
        machine.shift(timedelta(minutes=31))
        r = client.get("/", headers={"HX-Request": "true"})
        assert r.status_code == 204 and r["HX-Redirect"].startswith("/login/")


def test_even_an_active_session_ends_after_the_absolute_age(client, liaison_a, settings):
    with time_machine.travel(TUESDAY, tick=False) as machine:
        sign_in(client, liaison_a)
        for _ in range(settings.SESSION_COOKIE_AGE // 1200):
            machine.shift(timedelta(minutes=20))
            client.get("/")
        machine.shift(timedelta(minutes=20))
        assert client.get("/").status_code == 302
    assert Event.objects.get(kind="logout").after == {"reason": "expired"}


def test_a_remembered_device_is_exempt_from_the_idle_timeout_within_its_cap(client, liaison_a):
    with time_machine.travel(TUESDAY, tick=False):
        sign_in(client, liaison_a, remember=True)
        assert client.session.get_expiry_date() == datetime(2026, 3, 6, 18, 0, tzinfo=SHANGHAI)
    with time_machine.travel(TUESDAY + timedelta(hours=5), tick=False):
        assert client.get("/").status_code == 200  # five idle hours
    with time_machine.travel(datetime(2026, 3, 6, 17, 0, tzinfo=SHANGHAI), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(datetime(2026, 3, 6, 18, 1, tzinfo=SHANGHAI), tick=False):
        assert client.get("/").status_code == 302  # past the cap


def test_the_roles_that_need_two_factors_are_not_remembered(client, office, settings):
    settings.LUOSHI_TWO_FACTOR_ROLES = ["admin", "security", "auditor", "office"]
    from luoshi.web.remember import may_be_remembered

    assert not may_be_remembered(office)
    settings.LUOSHI_TWO_FACTOR_ROLES = ["office"]
    with time_machine.travel(TUESDAY, tick=False):
        client.post("/login/", {"username": "office", "password": PASSWORD, "remember": "on"})
        assert not sessions.is_remembered(client.session)
        assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert not Event.objects.filter(kind="session.remembered").exists()


def test_logging_out_everywhere_ends_the_other_devices_sessions(client, liaison_a):
    phone = Client()
    sign_in(phone, liaison_a)
    sign_in(client, liaison_a)
    assert phone.get("/").status_code == 200
    r = client.post("/account/logout-everywhere")
    assert r.status_code == 302 and r.url == "/login/"
    assert phone.get("/").status_code == 302 and client.get("/").status_code == 302
    event = Event.objects.get(kind="session.ended_everywhere")
    assert (event.actor, event.subject_id, event.after, event.address) == (
        liaison_a,
        liaison_a.pk,
        {"by": "self"},
        "127.0.0.1",
    )
    sign_in(client, liaison_a)  # a new sign-in works
    assert client.get("/").status_code == 200


def test_the_system_administrator_ends_a_persons_sessions(admin, liaison_a):
    phone = Client()
    phone.force_login(liaison_a)
    sessions.do_logout_everywhere(admin, liaison_a)
    assert phone.get("/").status_code == 302
    assert Event.objects.get(kind="session.ended_everywhere").after == {"by": "admin"}


@pytest.mark.parametrize("role", ["security", "auditor", "office"])
def test_other_roles_do_not_end_someone_elses_sessions(role, liaison_a, request):
    actor = request.getfixturevalue(role)
    with pytest.raises(NotAllowed):
        sessions.do_logout_everywhere(actor, liaison_a)


def test_logging_out_everywhere_needs_a_post(client, liaison_a):
    client.force_login(liaison_a)
    assert client.get("/account/logout-everywhere").status_code == 405


def test_at_epoch_zero_the_session_hash_is_djangos_own_so_the_upgrade_signs_nobody_out(liaison_a):
    from django.contrib.auth.base_user import AbstractBaseUser

    assert liaison_a.get_session_auth_hash() == AbstractBaseUser._get_session_auth_hash(liaison_a)
    liaison_a.session_epoch = 1
    assert liaison_a.get_session_auth_hash() != AbstractBaseUser._get_session_auth_hash(liaison_a)
