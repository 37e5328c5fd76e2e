"""Two factors for the privileged roles: enrolment, verification, recovery codes, renewal, removal and the
security administrator's reset; the web refuses an unverified session, the API lets tokens through."""

import json
import os
import re
import subprocess
import sys
from datetime import datetime

import pytest
import time_machine
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from luoshi.errors import NotAllowed
from luoshi.events.models import Event
from luoshi.org import two_factor
from luoshi.org.models import ApiToken, Person
from tests.conftest import english, make_person
from tests.org.otp_codes import app_code

PRIVILEGED = ["admin", "security", "auditor", "office"]


@pytest.fixture
def two_factors_on(settings):
    settings.LUOSHI_TWO_FACTOR_ROLES = PRIVILEGED


@pytest.fixture
def clock():
    """Frozen at the real now; clock.shift(seconds) moves on (each app code verifies once per 30 s)."""
    with time_machine.travel(datetime.now().astimezone(), tick=False) as traveller:
        yield traveller


def enrolled(person: Person) -> TOTPDevice:
    """The person's app, enrolled through the service (its code used), and his 10 recovery codes."""
    device = two_factor.pending_device(person)
    two_factor.do_enrol(person, app_code(device))
    device.refresh_from_db()
    return device


def signed_in(person: Person) -> Client:
    """A client past the password (force_login), not yet past the second factor."""
    client = Client()
    client.force_login(person)
    return english(client)


def verified(person: Person, device: TOTPDevice) -> Client:
    client = signed_in(person)
    response = client.post("/account/two-factor/verify", {"code": app_code(device)})
    assert response.status_code == 302, response.content
    return client


def kinds(person: Person) -> list[tuple[str, str]]:
    return list(
        Event.objects.filter(subject_type="person", subject_id=person.pk, kind__startswith="two_factor.")
        .order_by("pk")
        .values_list("kind", "result")
    )


@pytest.mark.usefixtures("two_factors_on")
@pytest.mark.parametrize("role", PRIVILEGED)
def test_each_privileged_role_is_sent_to_enrolment_before_any_page(db, role):
    person = make_person(f"p_{role}", [role])
    response = signed_in(person).get("/lists/?year=2026")
    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor/enrol?next=%2Flists%2F%3Fyear%3D2026"


@pytest.mark.usefixtures("two_factors_on")
@pytest.mark.parametrize("role", ["leader", "unit_head", "liaison"])
def test_the_other_roles_are_not_asked_for_a_second_factor(db, unit_a, role):
    person = make_person(f"p_{role}", [role], unit_a)
    assert signed_in(person).get("/").status_code == 200


def test_an_empty_setting_turns_two_factors_off(office, settings):
    settings.LUOSHI_TWO_FACTOR_ROLES = []
    assert signed_in(office).get("/lists/").status_code == 200
    assert not two_factor.needs_two_factor(office)


@pytest.mark.usefixtures("two_factors_on")
def test_logout_static_files_and_the_language_switch_stay_open(office):
    client = signed_in(office)
    assert client.get("/static/luoshi/app.css").status_code == 200
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert client.post("/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.usefixtures("two_factors_on")
def test_an_htmx_request_is_told_to_load_the_code_page_whole(office):
    response = signed_in(office).get(
        "/lists/", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/lists/?page=2"}
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/account/two-factor/enrol?next=%2Flists%2F%3Fpage%3D2"


@pytest.mark.usefixtures("two_factors_on")
def test_enrolment_shows_the_qr_code_and_the_key_and_a_code_confirms_it(office):
    client = signed_in(office)
    page = client.get("/account/two-factor/enrol?next=/lists/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "data:" not in html
    device = TOTPDevice.objects.get(user=office)
    assert not device.confirmed
    assert two_factor.key_text(device) in html
    assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7]{4}", two_factor.key_text(device))
    assert client.get("/account/two-factor/enrol").content.decode().count(two_factor.key_text(device)) == 1
    assert TOTPDevice.objects.filter(user=office).count() == 1  # a reload shows the same key

    response = client.post("/account/two-factor/enrol", {"code": app_code(device), "next": "/lists/"})
    assert response.status_code == 302 and response["Location"] == "/account/two-factor/codes"
    codes = client.get(response["Location"])
    shown = re.findall(r"<li class=\"list-group-item\">([a-z2-9]{5}-[a-z2-9]{5})</li>", codes.content.decode())
    assert len(shown) == 10
    assert sorted(c.replace("-", "") for c in shown) == sorted(
        StaticToken.objects.filter(device__user=office).values_list("token", flat=True)
    )
    assert 'href="/lists/"' in codes.content.decode()
    assert "recovery-codes" not in client.get("/account/two-factor/codes").content.decode()  # shown once
    assert client.get("/lists/").status_code == 200  # the session is verified
    assert kinds(office) == [("two_factor.enrolled", "ok")]


@pytest.mark.usefixtures("two_factors_on")
def test_a_wrong_code_at_enrolment_is_refused_and_audited(office):
    client = signed_in(office)
    client.get("/account/two-factor/enrol")
    right = app_code(TOTPDevice.objects.get(user=office))
    response = client.post("/account/two-factor/enrol", {"code": f"{(int(right) + 1) % 10**6:06d}"})
    assert response.status_code == 400
    assert b"That code is not right" in response.content
    assert not TOTPDevice.objects.filter(user=office, confirmed=True).exists()
    assert kinds(office) == [("two_factor.failed", "failed")]
    assert client.get("/lists/").status_code == 302


@pytest.mark.usefixtures("two_factors_on")
def test_a_second_submission_of_the_confirm_creates_no_second_device(office):
    client = signed_in(office)
    client.get("/account/two-factor/enrol")
    code = app_code(TOTPDevice.objects.get(user=office))
    first = client.post("/account/two-factor/enrol", {"code": code})
    second = client.post("/account/two-factor/enrol", {"code": code})
    assert first["Location"] == second["Location"] == "/account/two-factor/codes"
    assert TOTPDevice.objects.filter(user=office).count() == 1
    assert StaticDevice.objects.filter(user=office).count() == 1
    assert StaticToken.objects.filter(device__user=office).count() == 10
    assert b"recovery-codes" in client.get("/account/two-factor/codes").content  # the first one's codes
    assert kinds(office) == [("two_factor.enrolled", "ok")]


@pytest.mark.usefixtures("two_factors_on")
def test_an_enrolled_person_gives_the_apps_code_and_continues_to_the_page_first_asked_for(office, clock):
    device = enrolled(office)
    clock.shift(31)
    client = signed_in(office)
    response = client.get("/lists/?year=2026")
    assert response["Location"] == "/account/two-factor/verify?next=%2Flists%2F%3Fyear%3D2026"
    assert client.get("/account/two-factor/enrol")["Location"].startswith("/account/two-factor/verify")
    response = client.post("/account/two-factor/verify", {"code": app_code(device), "next": "/lists/?year=2026"})
    assert response.status_code == 302 and response["Location"] == "/lists/?year=2026"
    assert client.get("/lists/").status_code == 200
    assert kinds(office)[-1] == ("two_factor.verified", "ok")


@pytest.mark.usefixtures("two_factors_on")
def test_a_next_address_elsewhere_is_ignored(office, clock):
    device = enrolled(office)
    clock.shift(31)
    response = signed_in(office).post(
        "/account/two-factor/verify", {"code": app_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


@pytest.mark.usefixtures("two_factors_on")
def test_a_code_typed_in_full_width_digits_with_spaces_is_the_code(office, clock):
    device = enrolled(office)
    clock.shift(31)
    code = app_code(device)
    typed = " ".join([code[:3], code[3:]]).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert signed_in(office).post("/account/two-factor/verify", {"code": typed}).status_code == 302


@pytest.mark.usefixtures("two_factors_on")
def test_a_wrong_code_is_refused_audited_and_then_throttled(office, clock):
    device = enrolled(office)
    clock.shift(31)
    client = signed_in(office)
    right = app_code(device)
    wrong = f"{(int(right) + 1) % 10**6:06d}"
    response = client.post("/account/two-factor/verify", {"code": wrong})
    assert response.status_code == 400 and b"That code is not right" in response.content
    assert kinds(office)[-1] == ("two_factor.failed", "failed")

    response = client.post("/account/two-factor/verify", {"code": right})  # too soon: django-otp's delay
    assert response.status_code == 400
    assert b"Too many wrong codes. Wait 1 second," in response.content
    assert kinds(office)[-1] == ("two_factor.failed", "refused")
    assert client.get("/lists/").status_code == 302

    clock.shift(2)
    assert client.post("/account/two-factor/verify", {"code": right}).status_code == 302
    assert client.get("/lists/").status_code == 200


@pytest.mark.usefixtures("two_factors_on")
def test_the_same_code_twice_is_refused_the_second_time_with_the_reason(office):
    device = enrolled(office)
    code = app_code(device)
    verified_client = signed_in(office)
    assert verified_client.post("/account/two-factor/verify", {"code": code}).status_code == 302
    response = signed_in(office).post("/account/two-factor/verify", {"code": code})
    assert response.status_code == 400 and b"used already" in response.content


@pytest.mark.usefixtures("two_factors_on")
def test_a_bad_code_is_400_naming_the_field_never_500(office):
    enrolled(office)
    client = signed_in(office)
    for bad in ["12\x003456", "", "x" * 100, "<script>"]:
        response = client.post("/account/two-factor/verify", {"code": bad})
        assert response.status_code == 400, bad
        assert b'id="id_code-error"' in response.content


@pytest.mark.usefixtures("two_factors_on")
def test_a_recovery_code_signs_in_once(office):
    enrolled(office)
    code = StaticToken.objects.filter(device__user=office).first().token
    typed = f"{code[:5].upper()}-{code[5:]}"
    client = signed_in(office)
    response = client.post("/account/two-factor/verify", {"code": typed, "next": "/lists/"})
    assert response["Location"] == "/lists/"
    assert b"9 are left" in client.get("/lists/").content
    assert StaticToken.objects.filter(device__user=office).count() == 9
    assert kinds(office)[-1] == ("two_factor.recovery_used", "ok")

    again = signed_in(office).post("/account/two-factor/verify", {"code": code})
    assert again.status_code == 400
    assert kinds(office)[-1] == ("two_factor.failed", "failed")


@pytest.mark.usefixtures("two_factors_on")
def test_renewing_the_recovery_codes_asks_for_a_current_code_and_replaces_them(office, clock):
    device = enrolled(office)
    old = set(StaticToken.objects.filter(device__user=office).values_list("token", flat=True))
    clock.shift(31)
    client = verified(office, device)
    panel = client.get("/account/two-factor/")
    assert b"10 recovery codes left" in panel.content

    refused = client.post("/account/two-factor/renew", {"code": "abc"})
    assert refused.status_code == 400 and b'id="renew-code-error"' in refused.content
    assert set(StaticToken.objects.filter(device__user=office).values_list("token", flat=True)) == old

    clock.shift(31)
    response = client.post("/account/two-factor/renew", {"code": app_code(device)})
    assert response["Location"] == "/account/two-factor/codes"
    new = set(StaticToken.objects.filter(device__user=office).values_list("token", flat=True))
    assert len(new) == 10 and not new & old
    codes = client.get("/account/two-factor/codes").content
    assert b"recovery-codes" in codes and b'href="/account/"' in codes  # back to the person's own page
    assert kinds(office)[-1] == ("two_factor.codes_renewed", "ok")
    old_code = old.pop()
    assert signed_in(office).post("/account/two-factor/verify", {"code": old_code}).status_code == 400


@pytest.mark.usefixtures("two_factors_on")
def test_removing_asks_for_a_code_and_then_sends_to_enrolment(office, clock):
    device = enrolled(office)
    clock.shift(31)
    client = verified(office, device)
    assert client.post("/account/two-factor/remove", {"code": "nonsense1"}).status_code == 400
    assert TOTPDevice.objects.filter(user=office).exists()
    clock.shift(31)
    response = client.post("/account/two-factor/remove", {"code": app_code(device)})
    assert response["Location"] == "/account/two-factor/enrol"
    assert not TOTPDevice.objects.filter(user=office).exists()
    assert not StaticDevice.objects.filter(user=office).exists()
    assert client.get("/lists/")["Location"].startswith("/account/two-factor/enrol")
    assert kinds(office)[-1] == ("two_factor.removed", "ok")


@pytest.mark.usefixtures("two_factors_on")
def test_the_security_administrator_resets_a_persons_two_factors(office, security, clock):
    device = enrolled(office)
    clock.shift(31)
    client = verified(office, device)
    assert two_factor.do_reset_two_factor(security, office) is True
    assert not TOTPDevice.objects.filter(user=office).exists()
    assert client.get("/lists/")["Location"].startswith("/account/two-factor/enrol")  # enrols again
    event = Event.objects.get(kind="two_factor.reset")
    assert event.actor_id == security.pk and event.subject_id == office.pk
    assert two_factor.do_reset_two_factor(security, office) is False  # nothing left: no second event
    assert Event.objects.filter(kind="two_factor.reset").count() == 1


@pytest.mark.usefixtures("two_factors_on")
def test_nobody_else_resets_two_factors_and_security_not_its_own(office, admin, security, db):
    auditor = make_person("auditor", ["auditor"])
    enrolled(office)
    for actor in (admin, auditor, office, make_person("gone", ["security"], is_active=False)):
        with pytest.raises(NotAllowed):
            two_factor.do_reset_two_factor(actor, office)
    with pytest.raises(NotAllowed):
        two_factor.do_reset_two_factor(security, security)
    assert TOTPDevice.objects.filter(user=office, confirmed=True).exists()
    assert not Event.objects.filter(kind="two_factor.reset").exists()


@pytest.mark.usefixtures("two_factors_on")
def test_the_account_panel_says_whether_two_factors_are_on(office, leader, clock):
    device = enrolled(office)
    clock.shift(31)
    page = verified(office, device).get("/account/two-factor/").content.decode()
    assert 'id="two-factor-state">on<' in page and 'id="two-factor-renew"' in page
    page = signed_in(leader).get("/account/two-factor/").content.decode()
    assert "not required for your roles" in page and 'id="two-factor-renew"' not in page


@pytest.mark.usefixtures("two_factors_on")
def test_the_api_refuses_an_unverified_session_with_json(office):
    response = signed_in(office).get("/api/v1/me/two-factor")
    assert response.status_code == 401
    body = response.json()
    assert body["field"] is None and body["detail"]


@pytest.mark.usefixtures("two_factors_on")
def test_the_api_takes_a_token_without_a_second_factor(office):
    token = ApiToken.issue(office)
    response = Client().get("/api/v1/me/two-factor", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["required"] is True


@pytest.mark.usefixtures("two_factors_on")
def test_a_bad_token_does_not_fall_back_on_the_unverified_session(office):
    response = signed_in(office).get("/api/v1/me/two-factor", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    good = signed_in(office).get("/api/v1/me/two-factor", headers={"Authorization": f"Bearer {ApiToken.issue(office)}"})
    assert good.status_code == 200


@pytest.mark.usefixtures("two_factors_on")
def test_the_api_takes_a_verified_session(office, clock):
    device = enrolled(office)
    clock.shift(31)
    assert verified(office, device).get("/api/v1/me/two-factor").json()["enrolled"] is True


@pytest.mark.parametrize(
    ("value", "roles"),
    [(None, PRIVILEGED), (" admin , office,", ["admin", "office"]), ("", [])],
)
def test_the_setting_is_read_from_the_environment(value, roles):
    env = {k: v for k, v in os.environ.items() if k != "LUOSHI_TWO_FACTOR_ROLES"}
    if value is not None:
        env["LUOSHI_TWO_FACTOR_ROLES"] = value
    code = "import json, luoshi.settings as s; print(json.dumps(s.LUOSHI_TWO_FACTOR_ROLES))"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == roles


def test_the_demo_turns_two_factors_off(monkeypatch):
    from luoshi import cli

    seen: dict[str, str | None] = {}
    monkeypatch.setenv("LUOSHI_TWO_FACTOR_ROLES", "office")
    monkeypatch.setattr(cli, "_setup", lambda: seen.update(at_setup=os.environ.get("LUOSHI_TWO_FACTOR_ROLES")))
    monkeypatch.setattr(cli, "cmd_demo", lambda args: None)
    cli.main(["demo", "--no-serve"])
    assert seen == {"at_setup": ""}  # before Django reads its settings


@pytest.mark.usefixtures("two_factors_on")
def test_the_persons_own_page_shows_the_panel(office, clock):
    device = enrolled(office)
    clock.shift(31)
    page = verified(office, device).get("/account/")
    assert page.status_code == 200
    assert b'id="two-factor-panel"' in page.content and b'id="two-factor-renew"' in page.content


@pytest.mark.usefixtures("two_factors_on")
def test_a_person_who_must_change_the_password_still_sees_the_recovery_codes_after_enrolling(office):
    Person.objects.filter(pk=office.pk).update(must_change_password=True)  # an administrator's reset
    client = signed_in(office)
    client.get("/account/two-factor/enrol")
    device = TOTPDevice.objects.get(user=office)
    response = client.post("/account/two-factor/enrol", {"code": app_code(device)})
    assert response["Location"] == "/account/two-factor/codes"
    codes = client.get(response["Location"])
    assert codes.status_code == 200 and "recovery-codes" in codes.content.decode()
    assert client.get("/lists/")["Location"].startswith("/account/password/")  # then the change
