"""The API's two factors: GET /api/v1/me/two-factor and the security administrator's
POST /api/v1/people/{id}/two-factor/reset."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from luoshi.events.models import Event
from luoshi.org import two_factor
from luoshi.org.models import Person
from tests.conftest import make_person
from tests.org.otp_codes import app_code


@pytest.fixture(autouse=True)
def two_factors_on(settings):
    settings.LUOSHI_TWO_FACTOR_ROLES = ["admin", "security", "auditor", "office"]


@pytest.fixture
def security(db) -> Person:
    return make_person("security", ["security"], name="安全管理员")


@pytest.fixture
def auditor(db) -> Person:
    return make_person("auditor", ["auditor"], name="审计员")


def enrol(person: Person) -> None:
    two_factor.do_enrol(person, app_code(two_factor.pending_device(person)))


def test_my_status_says_required_enrolled_and_codes_left(api, office):
    client = api(office)
    body = client.get("/me/two-factor").json()
    assert body == {
        "person": office.pk,
        "required": True,
        "enrolled": False,
        "recovery_codes_left": 0,
        "last_used_at": None,
    }
    enrol(office)
    body = client.get("/me/two-factor").json()
    assert body["enrolled"] is True and body["recovery_codes_left"] == 10 and body["last_used_at"]


def test_a_liaison_is_not_required(api, liaison_a):
    assert api(liaison_a).get("/me/two-factor").json()["required"] is False


def test_the_status_needs_authentication(client):
    response = client.get("/api/v1/me/two-factor")
    assert response.status_code == 401


def test_the_security_administrator_resets_once(api, security, office):
    enrol(office)
    client = api(security)
    response = client.post(f"/people/{office.pk}/two-factor/reset")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["reset"] is True and body["enrolled"] is False and body["recovery_codes_left"] == 0
    assert not TOTPDevice.objects.filter(user=office).exists()
    again = client.post(f"/people/{office.pk}/two-factor/reset")  # a second submission: nothing more
    assert again.status_code == 200 and again.json()["reset"] is False
    event = Event.objects.get(kind="two_factor.reset")
    assert (event.actor_id, event.subject_id, event.result) == (security.pk, office.pk, "ok")


@pytest.mark.parametrize("who", ["admin", "auditor", "office", "leader", "liaison_a"])
def test_nobody_but_security_resets_and_learns_nothing_of_who_exists(api, request, office, who):
    enrol(office)
    actor = request.getfixturevalue(who)
    client = api(actor)
    assert client.post(f"/people/{office.pk}/two-factor/reset").status_code == 403
    assert client.post("/people/999999/two-factor/reset").status_code == 403
    assert TOTPDevice.objects.filter(user=office, confirmed=True).exists()
    assert not Event.objects.filter(kind="two_factor.reset").exists()


def test_security_does_not_reset_its_own(api, security):
    enrol(security)
    response = api(security).post(f"/people/{security.pk}/two-factor/reset")
    assert response.status_code == 403
    assert response.json()["detail"]


def test_an_unknown_person_is_404(api, security):
    response = api(security).post("/people/999999/two-factor/reset")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such person.", "field": None}


@pytest.mark.parametrize("bad", ["0", "-1", str(2**31), "abc"])
def test_an_id_out_of_range_is_400_naming_the_field(api, security, bad):
    response = api(security).post(f"/people/{bad}/two-factor/reset")
    assert response.status_code == 400
    assert response.json()["field"] == "person_id"


def test_an_unverified_session_of_security_is_refused_with_json(client, security, office):
    client.force_login(security)
    response = client.post(f"/api/v1/people/{office.pk}/two-factor/reset", content_type="application/json")
    assert response.status_code == 401
    assert response.json()["field"] is None
