"""Sign-in failures lock a username (known or not) and an address; the security administrator releases a
lock; the lock, the refusals and the release are events; the answer never tells whether a username exists."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from luoshi.events.models import Event
from luoshi.org import lockout
from tests.conftest import PASSWORD, make_person

HERE = "10.0.0.1"


def attempt(client: Client, username: str, password: str, address: str = HERE):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def error_text(response) -> str:
    match = re.search(r'id="login-error">(.*?)</div>', response.content.decode(), re.S)
    assert match, response.content.decode()[:800]
    return match.group(1).strip()


def fail(client: Client, username: str, times: int, address: str = HERE) -> list:
    return [attempt(client, username, "wrong-Password-1", address) for _ in range(times)]


def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(client, liaison_a):
    answers = fail(client, "liaison_a", 5)
    assert {a.status_code for a in answers} == {200}
    refused = attempt(client, "liaison_a", PASSWORD)
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    assert error_text(refused) == error_text(answers[0])
    failed = Event.objects.filter(kind="login.failed").order_by("id")
    assert [e.result for e in failed] == ["failed"] * 5 + ["refused"]
    assert all(e.actor == liaison_a and e.address == HERE for e in failed)
    assert failed.last().after == {"username": "liaison_a", "locked": True}
    lock = Event.objects.get(kind="login.locked")
    assert (lock.result, lock.subject_type, lock.subject_id, lock.address) == ("refused", "person", liaison_a.pk, HERE)
    assert lock.after["scope"] == "username" and lock.after["username"] == "liaison_a"
    assert lock.after["failures"] == 5


def test_the_lock_holds_from_any_address(client, liaison_a):
    fail(client, "liaison_a", 5)
    attempt(client, "liaison_a", PASSWORD, address="10.9.9.9")
    assert "_auth_user_id" not in client.session


def test_case_and_full_width_forms_count_as_the_same_username(client, liaison_a):
    for typed in ("LIAISON_A", "liaison_a", "Ｌiaison_a", " liaison_A ", "liaison_a"):
        attempt(client, typed, "wrong-Password-1")
    attempt(client, "liaison_a", PASSWORD)
    assert "_auth_user_id" not in client.session
    assert Event.objects.filter(kind="login.locked").count() == 1


def test_an_unknown_username_is_answered_and_locked_alike(client, liaison_a):
    known = fail(client, "liaison_a", 5)
    unknown = fail(client, "nobody_here", 5)
    assert [a.status_code for a in known] == [a.status_code for a in unknown]
    assert {error_text(a) for a in known + unknown} == {error_text(known[0])}
    assert error_text(attempt(client, "nobody_here", "whatever-Pass-1")) == error_text(known[0])
    locks = {e.after["username"]: e for e in Event.objects.filter(kind="login.locked")}
    assert set(locks) == {"liaison_a", "nobody_here"}
    assert (locks["nobody_here"].subject_type, locks["nobody_here"].actor) == ("login", None)
    failed = Event.objects.filter(kind="login.failed", after__username="nobody_here").first()
    assert failed.actor is None and failed.result == "failed" and failed.address == HERE
    names = {(lock.value, lock.person) for lock in lockout.current_lockouts()}
    assert names == {("liaison_a", liaison_a), ("nobody_here", None)}


def test_a_success_forgets_the_failures(client, liaison_a):
    fail(client, "liaison_a", 4)
    assert attempt(client, "liaison_a", PASSWORD).status_code == 302
    client.logout()
    fail(client, "liaison_a", 4)
    assert attempt(client, "liaison_a", PASSWORD).status_code == 302
    assert not Event.objects.filter(kind="login.locked").exists()
    login = Event.objects.filter(kind="login").last()
    assert (login.actor, login.result, login.address) == (liaison_a, "ok", HERE)


def test_signing_in_to_another_account_from_the_same_address_forgives_nothing(client, liaison_a, liaison_b):
    fail(client, "liaison_a", 4)
    assert attempt(Client(), "liaison_b", PASSWORD).status_code == 302  # the same address
    attempt(client, "liaison_a", "wrong-Password-1")
    attempt(client, "liaison_a", PASSWORD)
    assert "_auth_user_id" not in client.session


def test_the_lock_ends_after_its_time_and_the_expiry_is_recorded_when_noticed(client, liaison_a, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, "liaison_a", 5)
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        attempt(client, "liaison_a", PASSWORD)
        assert "_auth_user_id" not in client.session
    with time_machine.travel(start + timedelta(minutes=settings.LUOSHI_LOCKOUT_MINUTES, seconds=1), tick=False):
        assert attempt(client, "liaison_a", PASSWORD).status_code == 302
    kinds = list(Event.objects.filter(kind__startswith="login").order_by("id").values_list("kind", "result"))
    assert kinds[-3:] == [("login.failed", "refused"), ("login.released", "ok"), ("login", "ok")]
    released = Event.objects.get(kind="login.released")
    assert released.after == {"scope": "username", "username": "liaison_a", "by": "expiry"}
    assert released.actor is None


def test_attempts_while_locked_do_not_extend_the_lock(client, liaison_a, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, "liaison_a", 5)
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        fail(client, "liaison_a", 3)
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        assert attempt(client, "liaison_a", PASSWORD).status_code == 302


def test_one_address_trying_many_usernames_is_locked(client, liaison_a, settings):
    settings.LUOSHI_LOCKOUT_ADDRESS_FAILURES = 8
    for i in range(8):
        attempt(client, f"guess{i}", "wrong-Password-1")
    refused = attempt(client, "liaison_a", PASSWORD)  # a username with no failure, the right password
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    lock = Event.objects.get(kind="login.locked")
    assert lock.after["scope"] == "address" and lock.after["address"] == HERE and lock.after["failures"] == 8
    assert attempt(Client(), "liaison_a", PASSWORD, address="10.0.0.2").status_code == 302


def test_the_security_administrator_sees_and_releases_a_lock(client, liaison_a, security):
    fail(Client(), "liaison_a", 5)
    client.force_login(security)
    page = client.get("/account/lockouts/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-scope="username" data-value="liaison_a"' in html and liaison_a.name in html
    r = client.post("/account/lockouts/release", {"scope": "username", "value": "liaison_a"})
    assert r.status_code == 302 and r.url == "/account/lockouts/"
    released = Event.objects.get(kind="login.released")
    assert (released.actor, released.result, released.subject_id) == (security, "ok", liaison_a.pk)
    assert released.after == {"scope": "username", "username": "liaison_a", "by": "security", "failures": 5}
    assert released.address == "127.0.0.1"
    again = client.post("/account/lockouts/release", {"scope": "username", "value": "liaison_a"})
    assert again.status_code == 302 and Event.objects.filter(kind="login.released").count() == 1
    assert 'id="no-lockouts"' in client.get("/account/lockouts/").content.decode()
    assert attempt(Client(), "liaison_a", PASSWORD).status_code == 302


def test_an_address_lock_is_released_by_its_address(client, security, settings):
    settings.LUOSHI_LOCKOUT_ADDRESS_FAILURES = 6
    for i in range(6):
        attempt(Client(), f"guess{i}", "wrong-Password-1")
    client.force_login(security)
    assert 'data-scope="address" data-value="10.0.0.1"' in client.get("/account/lockouts/").content.decode()
    client.post("/account/lockouts/release", {"scope": "address", "value": HERE})
    assert not lockout.is_locked(lockout.ADDRESS, HERE)


@pytest.mark.parametrize(("scope", "value"), [("username", ""), ("address", "not-an-ip"), ("other", "x")])
def test_a_bad_release_is_refused_with_400(client, security, scope, value):
    client.force_login(security)
    assert client.post("/account/lockouts/release", {"scope": scope, "value": value}).status_code == 400
    assert client.post("/account/lockouts/release", {"scope": "username", "value": "a\x00b"}).status_code == 400


@pytest.mark.parametrize("role", ["admin", "auditor", "office", "liaison"])
def test_other_roles_neither_see_nor_release_lockouts(client, role, unit_a):
    person = make_person(f"someone_{role}", [role], unit_a)
    fail(Client(), "victim", 5)
    client.force_login(person)
    assert client.get("/account/lockouts/").status_code == 403
    assert client.post("/account/lockouts/release", {"scope": "username", "value": "victim"}).status_code == 403
    assert lockout.is_locked(lockout.USERNAME, "victim")


def test_the_lockouts_page_makes_as_many_queries_for_many_locks(client, security):
    fail(Client(), "first", 5)
    client.force_login(security)
    client.get("/account/lockouts/")
    with CaptureQueriesContext(connection) as one:
        client.get("/account/lockouts/")
    for name in ("second", "third", "fourth"):
        fail(Client(), name, 5, address="10.0.0.7")
    client.get("/account/lockouts/")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/account/lockouts/")
    assert page.content.decode().count('class="card mb-2 ls-lockout"') == 4
    assert len(many.captured_queries) == len(one.captured_queries) > 0


def test_listing_the_lockouts_records_the_expiry_of_locks_that_ran_out(client, security):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(Client(), "liaison_x", 5)
    client.force_login(security)
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        client.force_login(security)
        assert 'id="no-lockouts"' in client.get("/account/lockouts/").content.decode()
        client.get("/account/lockouts/")
    assert Event.objects.filter(kind="login.released", after__by="expiry").count() == 1


def test_the_admin_site_login_counts_and_locks_too(client, security):
    for _ in range(5):
        client.post("/admin/login/", {"username": "security", "password": "wrong-Password-1"}, REMOTE_ADDR=HERE)
    client.post("/admin/login/", {"username": "security", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert Event.objects.filter(kind="login.locked", subject_id=security.pk).exists()
