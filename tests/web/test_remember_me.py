""" "Keep me signed in on this device (this working week)" on the login form."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.test import Client

from luoshi.events.models import Event
from luoshi.web.remember import remember_until
from tests.conftest import PASSWORD, SHANGHAI
from tests.notify.conftest import load_shipped_calendar


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def sign_in(client: Client, person, remember: bool):
    form = {"username": person.username, "password": PASSWORD}
    if remember:
        form["remember"] = "on"
    response = client.post("/login/", form)
    assert response.status_code == 302, response.content.decode()[:500]
    return response


@pytest.fixture(autouse=True)
def holidays(db):
    load_shipped_calendar()


def test_the_login_form_offers_the_choice(client):
    html = client.get("/login/").content.decode()
    assert 'name="remember"' in html and 'id="id_remember"' in html


def test_ticked_on_a_tuesday_the_session_lasts_until_friday_evening(client, liaison_a, settings):
    with time_machine.travel(at(2026, 3, 3, 10, 0), tick=False):  # Tuesday
        response = sign_in(client, liaison_a, remember=True)
        assert client.session.get_expiry_date() == at(2026, 3, 6, 18, 0)
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        assert cookie["max-age"] == (3 * 24 + 8) * 3600
    event = Event.objects.get(kind="session.remembered")
    assert (event.actor, event.subject_type, event.subject_id) == (liaison_a, "person", liaison_a.pk)
    assert event.after == {"until": at(2026, 3, 6, 18, 0).isoformat()}


def test_a_make_up_saturday_is_the_end_of_its_week(client, liaison_a):
    # After the Spring Festival of 2026: Tuesday 24 February to the make-up working Saturday 28 February.
    with time_machine.travel(at(2026, 2, 24, 9, 0), tick=False):
        sign_in(client, liaison_a, remember=True)
        assert client.session.get_expiry_date() == at(2026, 2, 28, 18, 0)


def test_a_make_up_sunday_after_new_year_is_the_end_of_its_week():
    load_shipped_calendar()
    assert remember_until(at(2025, 12, 30, 9, 0)) == at(2026, 1, 4, 18, 0)


def test_unticked_the_session_is_as_before(client, liaison_a, settings):
    with time_machine.travel(at(2026, 3, 3, 10, 0), tick=False):
        response = sign_in(client, liaison_a, remember=False)
        assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
        assert not client.session.get_expire_at_browser_close()
        assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE
    assert not Event.objects.filter(kind="session.remembered").exists()


def test_signing_in_again_unticked_ends_the_long_session(client, liaison_a, settings):
    with time_machine.travel(at(2026, 3, 3, 10, 0), tick=False):
        sign_in(client, liaison_a, remember=True)
        sign_in(client, liaison_a, remember=False)
        assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_the_expiry_never_exceeds_the_cap(client, liaison_a, settings):
    settings.LUOSHI_REMEMBER_MAX_HOURS = 30
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):  # Monday
        sign_in(client, liaison_a, remember=True)
        assert client.session.get_expiry_date() == at(2026, 3, 3, 15, 0)


@pytest.mark.parametrize(
    ("now", "why"),
    [
        (at(2026, 3, 6, 16, 0), "Friday afternoon: the week ends in two hours"),
        (at(2026, 3, 7, 11, 0), "Saturday: the week's work is over"),
        (at(2026, 10, 2, 10, 0), "National Day: no working day is left this week"),
    ],
)
def test_the_session_is_never_shorter_than_an_ordinary_one(settings, db, now, why):
    assert remember_until(now) == now + timedelta(seconds=settings.SESSION_COOKIE_AGE), why


def test_with_working_hours_always_the_week_ends_at_midnight(settings, db):
    settings.LUOSHI_DELIVERY_HOURS = "always"
    assert remember_until(at(2026, 3, 3, 10, 0)) == at(2026, 3, 7, 0, 0)


def test_a_wrong_password_with_the_box_ticked_keeps_it_ticked(client, liaison_a):
    response = client.post("/login/", {"username": liaison_a.username, "password": "wrong", "remember": "on"})
    assert response.status_code == 200
    assert re.search(r'<input [^>]*id="id_remember"[^>]* checked>', response.content.decode())
    assert not Event.objects.filter(kind="session.remembered").exists()
