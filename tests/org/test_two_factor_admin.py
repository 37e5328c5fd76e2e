"""Two factors in Django's admin: the security administrator resets them with an audited action; nobody
reads or sets an authenticator's key or the recovery codes there (issue 9, 三员分立)."""

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from luoshi.events.models import Event


@pytest.fixture
def enrolled(office):
    TOTPDevice.objects.create(user=office, name="app", confirmed=True)
    StaticDevice.objects.create(user=office, name="recovery", confirmed=True)
    return office


def reset(client, person):
    return client.post(
        "/admin/org/person/", {"action": "reset_two_factors", "_selected_action": [person.pk], "index": 0}
    )


def test_the_security_administrator_resets_a_persons_two_factors(client, security, enrolled):
    client.force_login(security)
    assert reset(client, enrolled).status_code == 302
    assert not TOTPDevice.objects.filter(user=enrolled).exists()
    assert not StaticDevice.objects.filter(user=enrolled).exists()
    event = Event.objects.get(kind="two_factor.reset")
    assert (event.actor, event.subject_id) == (security, enrolled.pk)


def test_the_system_administrator_is_not_offered_the_reset(client, admin, enrolled):
    client.force_login(admin)
    page = client.get("/admin/org/person/")
    assert page.status_code == 200 and b"reset_two_factors" not in page.content
    reset(client, enrolled)
    assert TOTPDevice.objects.filter(user=enrolled).exists()
    assert not Event.objects.filter(kind="two_factor.reset").exists()


@pytest.mark.parametrize(
    "page",
    [
        "/admin/otp_totp/totpdevice/",
        "/admin/otp_static/staticdevice/",
        "/admin/auth/group/",
        "/admin/django_tasks_database/dbtaskresult/",
        "/admin/lists/responsibilitylist/",
    ],
)
def test_the_libraries_own_admin_pages_are_not_served(client, admin, security, page):
    for person in (admin, security):
        client.force_login(person)
        assert client.get(page).status_code == 404
