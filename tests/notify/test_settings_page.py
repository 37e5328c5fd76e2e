"""The settings page (/inbox/settings/): every registered kind, a mute switch where it may be muted,
the channels that are set up; saving stores one state however often the form is sent."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from luoshi.events.models import Event
from luoshi.notify.models import Channel, Preference
from tests.conftest import english

pytestmark = pytest.mark.usefixtures("notice_kinds")
URL = "/inbox/settings/"


def inputs(html: str) -> dict[str, list[tuple[str, bool]]]:
    """name -> [(value, checked)] of the page's checkboxes."""
    found: dict[str, list[tuple[str, bool]]] = {}
    for tag in re.findall(r"<input [^>]*type=\"checkbox\"[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if name:
            value = re.search(r'value="([^"]*)"', tag)
            found.setdefault(name.group(1), []).append((value.group(1) if value else "", " checked" in tag))
    return found


@pytest.fixture
def channels(db):
    Channel.objects.create(kind="email", name="邮件")
    Channel.objects.create(kind="wecom", name="督查群", url="http://127.0.0.1:9/robot")


def test_the_inbox_links_to_the_settings(as_, liaison_a):
    assert f'href="{URL}"' in as_(liaison_a).get(reverse("notify:inbox")).content.decode()
    assert reverse("notify:settings") == URL


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_page_shows_each_kind_with_a_switch_only_where_it_may_be_muted(as_, liaison_a, channels):
    html = as_(liaison_a).get(URL).content.decode()
    assert "A duty assigned to my unit" in html and "清单已销号" in html and "催办通知" in html
    boxes = inputs(html)
    assert boxes["duty.assigned:muted"] == [("1", False)]
    assert "escalation.urge:muted" not in boxes  # the ladder: no switch
    assert "Cannot be muted" in html
    # Only the channels set up are offered, all ticked by default.
    assert boxes["escalation.urge:channels"] == [("email", True), ("wecom", True)]
    assert "no e-mail address on file" in html  # the liaison has none


def test_without_outside_channels_the_page_says_notices_reach_the_inbox_only(as_, liaison_a):
    html = as_(liaison_a).get(URL).content.decode()
    assert "notices reach your inbox only" in html
    assert not any(name.endswith(":channels") for name in inputs(html))


def test_saving_mutes_a_kind_and_narrows_the_channels_of_another(as_, liaison_a, channels):
    client = as_(liaison_a)
    response = client.post(
        URL,
        {
            "duty.assigned:muted": "1",
            "duty.assigned:channels": ["email", "wecom"],
            "list.closed:channels": ["wecom"],
            "escalation.urge:channels": ["email", "wecom"],
        },
        follow=True,
    )
    assert response.redirect_chain == [(URL, 302)]
    assert "Notification settings saved." in response.content.decode()
    boxes = inputs(response.content.decode())
    assert boxes["duty.assigned:muted"] == [("1", True)]
    assert boxes["list.closed:channels"] == [("email", False), ("wecom", True)]
    stored = {p.kind: (p.muted, p.channels) for p in Preference.objects.filter(person=liaison_a)}
    # The SMS and DingTalk choices are not on the page (not set up): they keep the default, "wanted".
    assert stored == {
        "duty.assigned": (True, ["email", "sms", "wecom", "dingtalk"]),
        "list.closed": (False, ["sms", "wecom", "dingtalk"]),
    }


def test_a_double_submission_stores_one_state_and_one_event(as_, liaison_a, channels):
    client = as_(liaison_a)
    form = {"list.closed:muted": "1", "escalation.urge:channels": ["email"]}  # no box ticked for duty.assigned
    assert client.post(URL, form).status_code == 302
    stored = list(Preference.objects.values_list("kind", "muted", "channels"))
    assert client.post(URL, form).status_code == 302
    assert list(Preference.objects.values_list("kind", "muted", "channels")) == stored
    assert len(stored) == 3
    assert Event.objects.filter(kind="notify.preferences", subject_id=liaison_a.pk).count() == 1


def test_a_forged_mute_of_a_ladder_kind_is_ignored(as_, liaison_a):
    as_(liaison_a).post(URL, {"escalation.urge:muted": "1"})
    assert not Preference.objects.filter(kind="escalation.urge", muted=True).exists()


def test_an_unknown_channel_is_refused_and_nothing_is_stored(as_, liaison_a):
    response = as_(liaison_a).post(URL, {"list.closed:muted": "1", "duty.assigned:channels": ["fax"]})
    assert response.status_code == 400
    assert "Unknown channel: fax." in response.content.decode()
    assert not Preference.objects.exists()


def test_the_form_needs_its_csrf_token(liaison_a):
    client = english(Client(enforce_csrf_checks=True))
    client.force_login(liaison_a)
    assert client.post(URL, {"list.closed:muted": "1"}).status_code == 403
    assert not Preference.objects.exists()


def test_the_page_reads_the_settings_in_a_constant_number_of_queries(as_, liaison_a, channels, notice_kinds):
    client = as_(liaison_a)
    client.get(URL)  # warm: session, calendar
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for i in range(20):
        notice_kinds.register(f"duty.extra{i}", f"其他{i}")
    client.post(URL, {f"duty.extra{i}:muted": "1" for i in range(20)})
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).status_code == 200
    assert len(few) == len(many)
