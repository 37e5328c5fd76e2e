"""Password rules, one's own change, the administrator's reset (a forced change at the next sign-in), the
optional expiry; each an event, and the API tokens revoked."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.org import passwords
from luoshi.org.models import ApiToken, Person
from tests.conftest import PASSWORD, english, make_person

NEW = "Gansu-Lanzhou-88"

# The issue's probe accepted 6 of these 7: each breaks one rule at least.
WEAK = [
    "Ab1!xyz",  # too short, though of four kinds
    "abcdefghijk",  # one kind
    "lanzhou2026city",  # two kinds
    "LANZHOU-CITY",  # two kinds
    "Password123",  # common
    "Liaison_a2026",  # like the username
    "12345678",  # short, one kind, common
]


@pytest.mark.parametrize("weak", WEAK)
def test_every_weak_password_is_refused(liaison_a, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, liaison_a)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1!xyz", "password_too_short"),
        ("abcdefghijk12", "password_too_simple"),
        ("Password123", "password_too_common"),
        ("Liaison_a2026", "password_too_similar"),
    ],
)
def test_each_rule_refuses_on_its_own(liaison_a, password, code):
    with pytest.raises(ValidationError) as e:
        validate_password(password, liaison_a)
    assert [err.code for err in e.value.error_list] == [code]


@pytest.mark.parametrize("good", [NEW, "lanzhou-2026-city", "兰州Yellow河2026", "Correct Horse 7 battery"])
def test_strong_passwords_pass(liaison_a, good):
    validate_password(good, liaison_a)


def test_the_rules_speak_chinese(liaison_a):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as e:
        validate_password("Password123", liaison_a)
    assert "密码" in " ".join(e.value.messages)


def test_a_person_changes_his_password_and_his_tokens_are_revoked(client, liaison_a):
    ApiToken.issue(liaison_a)
    other = Client()
    other.force_login(liaison_a)
    client.force_login(liaison_a)
    r = client.post("/account/password/", {"old": PASSWORD, "new": NEW, "new2": NEW})
    assert r.status_code == 302 and r.url == "/account/"
    liaison_a.refresh_from_db()
    assert liaison_a.check_password(NEW) and not liaison_a.must_change_password
    assert timezone.now() - liaison_a.password_changed_at < timedelta(minutes=1)
    assert client.get("/account/").status_code == 200  # this session stays signed in
    assert other.get("/account/").status_code == 302  # the other one ended
    assert not ApiToken.objects.filter(person=liaison_a, revoked_at__isnull=True).exists()
    event = Event.objects.get(kind="password.changed")
    assert (event.actor, event.result, event.address, event.after) == (
        liaison_a,
        "ok",
        "127.0.0.1",
        {"tokens_revoked": 1},
    )
    assert NEW not in str(event.after) and PASSWORD not in str(event.before)


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"old": "wrong-Pass-99", "new": NEW, "new2": NEW}, "old"),
        ({"old": PASSWORD, "new": "short", "new2": "short"}, "new"),
        ({"old": PASSWORD, "new": NEW, "new2": NEW + "x"}, "new2"),
        ({"old": PASSWORD, "new": PASSWORD, "new2": PASSWORD}, "new"),
        ({"old": PASSWORD, "new": "Gansu\x00Lanzhou-88", "new2": "Gansu\x00Lanzhou-88"}, "new"),
        ({"old": PASSWORD, "new": "", "new2": ""}, "new"),
    ],
)
def test_a_bad_change_is_refused_naming_the_field(client, liaison_a, form, field):
    client.force_login(liaison_a)
    r = client.post("/account/password/", form)
    assert r.status_code == 400
    assert f'id="err_{field}"' in r.content.decode()
    liaison_a.refresh_from_db()
    assert liaison_a.check_password(PASSWORD)


def test_a_wrong_current_password_is_recorded_as_failed(liaison_a):
    with pytest.raises(InvalidInput):
        passwords.do_change_password(liaison_a, old="nope-Nope-1", new=NEW)
    assert Event.objects.get(kind="password.changed").result == "failed"


def test_the_administrator_resets_a_password_to_a_temporary_one(admin, liaison_a):
    ApiToken.issue(liaison_a)
    signed_in = Client()
    signed_in.force_login(liaison_a)
    temporary = passwords.do_reset_password(admin, liaison_a)
    validate_password(temporary, liaison_a)
    liaison_a.refresh_from_db()
    assert liaison_a.check_password(temporary) and liaison_a.must_change_password
    assert signed_in.get("/account/").status_code == 302  # his sessions ended
    assert not ApiToken.objects.filter(person=liaison_a, revoked_at__isnull=True).exists()
    event = Event.objects.get(kind="password.reset")
    assert (event.actor, event.subject_id, event.result) == (admin, liaison_a.pk, "ok")
    assert temporary not in str(event.after) + str(event.before) + event.note


@pytest.mark.parametrize("role", ["security", "auditor", "office", "liaison"])
def test_only_the_system_administrator_resets(role, liaison_a, unit_a):
    actor = make_person(f"x_{role}", [role], unit_a)
    with pytest.raises(NotAllowed):
        passwords.do_reset_password(actor, liaison_a)
    assert not Event.objects.filter(kind="password.reset").exists()


def test_the_administrator_does_not_reset_his_own(admin):
    with pytest.raises(NotAllowed):
        passwords.do_reset_password(admin, admin)


def test_after_a_reset_the_first_sign_in_leads_to_the_change(client, admin, liaison_a):
    temporary = passwords.do_reset_password(admin, liaison_a)
    r = client.post("/login/", {"username": "liaison_a", "password": temporary})
    assert r.status_code == 302
    for page in ("/", "/lists/", "/account/", "/inbox/"):
        r = client.get(page)
        assert r.status_code == 302 and r.url.startswith("/account/password/"), page
    html = english(client).get("/account/password/").content.decode()
    assert 'id="password-reason"' in html and "reset" in html
    assert client.get("/static/luoshi/app.css").status_code == 200
    api = client.get("/api/v1/me/two-factor")
    assert api.status_code == 403 and "password" in api.json()["detail"]
    r = client.post("/account/password/", {"old": temporary, "new": NEW, "new2": NEW})
    assert r.status_code == 302
    assert client.get("/").status_code == 200
    assert not Person.objects.get(pk=liaison_a.pk).must_change_password


def test_logging_out_stays_open_to_one_who_must_change(client, liaison_a):
    Person.objects.filter(pk=liaison_a.pk).update(must_change_password=True)
    client.force_login(liaison_a)
    assert client.post("/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_token_is_the_tokens_even_when_the_session_must_change(client, liaison_a, api):
    token_client = api(liaison_a)
    Person.objects.filter(pk=liaison_a.pk).update(must_change_password=True)
    assert token_client.get("/me/two-factor").status_code == 200


def test_an_expired_password_must_be_changed(client, liaison_a, settings):
    settings.LUOSHI_PASSWORD_MAX_DAYS = 90
    client.force_login(liaison_a)
    assert client.get("/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=91), tick=False):
        client.force_login(liaison_a)
        r = client.get("/")
        assert r.status_code == 302 and r.url.startswith("/account/password/")
        html = english(client).get("/account/password/").content.decode()
        assert "expired" in html
        r = client.post("/account/password/", {"old": PASSWORD, "new": NEW, "new2": NEW})
        assert r.status_code == 302
        assert client.get("/").status_code == 200


def test_without_a_maximum_passwords_never_expire(liaison_a, settings):
    settings.LUOSHI_PASSWORD_MAX_DAYS = 0
    Person.objects.filter(pk=liaison_a.pk).update(password_changed_at=timezone.now() - timedelta(days=5000))
    liaison_a.refresh_from_db()
    assert not passwords.must_change(liaison_a) and passwords.expires_at(liaison_a) is None


def test_the_account_page_shows_the_person_and_the_panels(client, liaison_a):
    client.force_login(liaison_a)
    html = english(client).get("/account/").content.decode()
    for part in (
        'id="account-person"',
        liaison_a.name,
        "Liaison",
        'id="logout-everywhere"',
        'id="change-password-link"',
    ):
        assert part in html
    assert 'id="two-factor-panel"' in html and "token" in html.lower()
    assert 'href="/account/"' in html  # the navbar's link


def test_the_account_page_needs_a_sign_in(client):
    assert client.get("/account/").status_code == 302
    assert client.get("/account/password/").status_code == 302
