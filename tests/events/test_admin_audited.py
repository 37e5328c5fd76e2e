"""Changes made in Django's admin are in the audit trail: the outside channels, for one (issue 9)."""

import pytest

from luoshi.events.models import Event
from luoshi.notify.models import Channel


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def test_adding_a_channel_in_the_admin_is_audited(admin_client, admin):
    response = admin_client.post(
        "/admin/notify/channel/add/",
        {"kind": "wecom", "name": "督查群", "url": "https://wecom.example/hook", "active": "on"},
    )
    assert response.status_code == 302
    channel = Channel.objects.get()
    event = Event.objects.get(kind="admin.created")
    assert (event.actor, event.subject_type, event.subject_id) == (admin, "channel", channel.pk)
    assert event.after["url"] == "https://wecom.example/hook" and event.after["model"] == "notify.Channel"
    assert event.address == "127.0.0.1"


def test_changing_a_channel_records_the_fields_before_and_after(admin_client):
    channel = Channel.objects.create(kind="wecom", name="督查群", url="https://wecom.example/hook")
    response = admin_client.post(
        f"/admin/notify/channel/{channel.pk}/change/",
        {"kind": "wecom", "name": "督查群", "url": "https://elsewhere.example/hook"},  # and unticked: inactive
    )
    assert response.status_code == 302
    event = Event.objects.get(kind="admin.changed")
    assert event.before == {"url": "https://wecom.example/hook", "active": True}
    assert event.after == {"url": "https://elsewhere.example/hook", "active": False, "model": "notify.Channel"}


def test_saving_a_channel_unchanged_records_nothing(admin_client):
    channel = Channel.objects.create(kind="email", name="邮件")
    admin_client.post(f"/admin/notify/channel/{channel.pk}/change/", {"kind": "email", "name": "邮件", "active": "on"})
    assert not Event.objects.filter(kind="admin.changed").exists()


def test_deleting_channels_is_audited_one_by_one(admin_client):
    a = Channel.objects.create(kind="email", name="邮件")
    b = Channel.objects.create(kind="sms", name="短信", url="https://sms.example/send")
    response = admin_client.post(
        "/admin/notify/channel/", {"action": "delete_selected", "_selected_action": [a.pk, b.pk], "post": "yes"}
    )
    assert response.status_code == 302 and not Channel.objects.exists()
    deleted = Event.objects.filter(kind="admin.deleted").order_by("subject_id")
    assert [(e.subject_id, e.before["name"]) for e in deleted] == [(a.pk, "邮件"), (b.pk, "短信")]
