"""The identity endpoints: one's own password and sessions, the system administrator's reset and logout of
a person, the security administrator's lockouts; refusals for the other roles, 400 naming the field, 404."""

import pytest
from django.test import Client

from luoshi.events.models import Event
from luoshi.org import lockout
from luoshi.org.models import ApiToken, Person
from tests.conftest import PASSWORD

NEW = "Gansu-Lanzhou-88"


def lock(username: str, times: int = 5) -> None:
    client = Client()
    for _ in range(times):
        client.post("/login/", {"username": username, "password": "wrong-Password-1"}, REMOTE_ADDR="10.0.0.9")


def post_json(client: Client, path: str, data: dict | None = None):
    return client.post(f"/api/v1{path}", data or {}, content_type="application/json")


def test_a_person_changes_his_password_with_a_token_which_is_then_revoked(api, liaison_a):
    caller = api(liaison_a)
    r = caller.post("/me/password", {"old": PASSWORD, "new": NEW})
    assert r.status_code == 200 and r.json() == {"changed": True}
    assert r["Cache-Control"] == "no-store"
    liaison_a.refresh_from_db()
    assert liaison_a.check_password(NEW)
    assert caller.get("/me/two-factor").status_code == 401  # the token was revoked with the change
    assert Event.objects.get(kind="password.changed").after == {"tokens_revoked": 1}


def test_a_session_caller_stays_signed_in_after_the_change(client, liaison_a):
    client.force_login(liaison_a)
    assert post_json(client, "/me/password", {"old": PASSWORD, "new": NEW}).status_code == 200
    assert client.get("/api/v1/me/two-factor").status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"old": "wrong-Pass-99", "new": NEW}, "old"),
        ({"old": PASSWORD, "new": "abc"}, "new"),
        ({"old": PASSWORD, "new": "liaison_a-2026"}, "new"),
        ({"old": PASSWORD, "new": "Gansu\x00Lanzhou-88"}, "new"),
        ({"old": PASSWORD, "new": "A1-" * 50}, "new"),
        ({"old": PASSWORD}, "new"),
        ({"new": NEW}, "old"),
    ],
)
def test_a_bad_change_is_400_naming_the_field(api, liaison_a, body, field):
    r = api(liaison_a).post("/me/password", body)
    assert r.status_code == 400 and r.json()["field"] == field, r.content


def test_a_session_that_must_change_reaches_only_the_change(client, liaison_a):
    Person.objects.filter(pk=liaison_a.pk).update(must_change_password=True)
    client.force_login(liaison_a)
    assert client.get("/api/v1/me/two-factor").status_code == 403
    assert post_json(client, "/me/logout-everywhere").status_code == 403
    assert post_json(client, "/me/password", {"old": PASSWORD, "new": NEW}).status_code == 200
    assert client.get("/api/v1/me/two-factor").status_code == 200


def test_a_person_logs_himself_out_everywhere(api, client, liaison_a):
    client.force_login(liaison_a)
    r = api(liaison_a).post("/me/logout-everywhere")
    assert r.status_code == 200 and r.json() == {"ended": True}
    assert client.get("/").status_code == 302
    assert Event.objects.get(kind="session.ended_everywhere").after == {"by": "self"}


def test_the_system_administrator_resets_a_password_answered_once(api, admin, liaison_a):
    ApiToken.issue(liaison_a)
    r = api(admin).post(f"/people/{liaison_a.pk}/password-reset")
    assert r.status_code == 200 and r["Cache-Control"] == "no-store"
    body = r.json()
    assert body["person"] == liaison_a.pk
    liaison_a.refresh_from_db()
    assert liaison_a.check_password(body["temporary_password"]) and liaison_a.must_change_password
    assert not ApiToken.objects.filter(person=liaison_a, revoked_at__isnull=True).exists()
    event = Event.objects.get(kind="password.reset")
    assert body["temporary_password"] not in str(event.after)
    assert (event.actor, event.result) == (admin, "ok") and event.address == "127.0.0.1"


def test_the_system_administrator_ends_a_persons_sessions(api, client, admin, liaison_a):
    client.force_login(liaison_a)
    r = api(admin).post(f"/people/{liaison_a.pk}/logout-everywhere")
    assert r.status_code == 200 and client.get("/").status_code == 302
    assert Event.objects.get(kind="session.ended_everywhere").after == {"by": "admin"}


@pytest.mark.parametrize("role", ["security", "auditor", "office", "liaison_b"])
@pytest.mark.parametrize("action", ["password-reset", "logout-everywhere"])
def test_other_roles_may_not_reset_or_end_a_persons_sessions(api, request, liaison_a, role, action):
    actor = request.getfixturevalue(role)
    assert api(actor).post(f"/people/{liaison_a.pk}/{action}").status_code == 403
    assert api(actor).post(f"/people/999999/{action}").status_code == 403  # before any lookup
    liaison_a.refresh_from_db()
    assert liaison_a.check_password(PASSWORD) and liaison_a.session_epoch == 0


@pytest.mark.parametrize("action", ["password-reset", "logout-everywhere"])
def test_an_unknown_or_bad_id_is_404_or_400(api, admin, action):
    assert api(admin).post(f"/people/999999/{action}").status_code == 404
    r = api(admin).post(f"/people/{2**40}/{action}")
    assert r.status_code == 400 and r.json()["field"] == "person_id"


def test_the_security_administrator_lists_and_releases_lockouts(api, security, liaison_a):
    lock("liaison_a")
    lock("nobody")
    caller = api(security)
    r = caller.get("/lockouts")
    assert r.status_code == 200
    items = {i["username"]: i for i in r.json()}
    assert set(items) == {"liaison_a", "nobody"}
    assert items["liaison_a"]["person"] == liaison_a.pk and items["nobody"]["person"] is None
    assert items["liaison_a"]["failures"] == 5 and items["liaison_a"]["scope"] == "username"
    r = caller.post("/lockouts/release", {"username": "LIAISON_A"})
    assert r.status_code == 200 and r.json() == {"released": True}
    assert caller.post("/lockouts/release", {"username": "liaison_a"}).json() == {"released": False}
    assert Event.objects.filter(kind="login.released", actor=security).count() == 1
    assert [i["username"] for i in caller.get("/lockouts").json()] == ["nobody"]


def test_an_address_is_released_by_its_address(api, security, settings):
    settings.LUOSHI_LOCKOUT_ADDRESS_FAILURES = 5
    for i in range(5):
        lock(f"guess{i}", times=1)
    caller = api(security)
    assert any(i["address"] == "10.0.0.9" for i in caller.get("/lockouts").json())
    assert caller.post("/lockouts/release", {"address": "10.0.0.9"}).json() == {"released": True}
    assert not lockout.is_locked(lockout.ADDRESS, "10.0.0.9")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "username"),
        ({"username": "a", "address": "10.0.0.1"}, "username"),
        ({"username": "a\x00b"}, "username"),
        ({"username": " "}, "username"),
        ({"address": "not-an-address"}, "address"),
        ({"username": "x" * 200}, "username"),
    ],
)
def test_a_bad_release_is_400_naming_the_field(api, security, body, field):
    r = api(security).post("/lockouts/release", body)
    assert r.status_code == 400 and r.json()["field"] == field, r.content


@pytest.mark.parametrize("role", ["admin", "auditor", "office", "liaison_a"])
def test_other_roles_neither_list_nor_release_lockouts(db, api, request, role):
    lock("victim")
    caller = api(request.getfixturevalue(role))
    assert caller.get("/lockouts").status_code == 403
    assert caller.post("/lockouts/release", {"username": "victim"}).status_code == 403
    assert lockout.is_locked(lockout.USERNAME, "victim")


def test_without_sign_in_everything_is_401(client, liaison_a):
    assert client.get("/api/v1/lockouts").status_code == 401
    assert post_json(client, "/me/password", {"old": PASSWORD, "new": NEW}).status_code == 401
    assert post_json(client, f"/people/{liaison_a.pk}/password-reset").status_code == 401
