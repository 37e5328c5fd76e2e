"""GET and PUT /api/v1/me/notification-settings: the caller's own preferences, checked input."""

import json

import pytest
from django.test import Client

from luoshi.notify.models import Channel, Preference
from luoshi.notify.preferences import ALL_CHANNELS
from tests.conftest import ApiClient

pytestmark = pytest.mark.usefixtures("notice_kinds")
PATH = "/me/notification-settings"


def put(api: ApiClient, body):
    return api.client.put(f"/api/v1{PATH}", json.dumps(body), content_type="application/json", headers=api.headers)


def item(kind: str, muted: bool = False, channels=()) -> dict:
    return {"kind": kind, "muted": muted, "channels": list(channels)}


def test_anonymous_callers_get_401(db):
    client = Client()
    assert client.get(f"/api/v1{PATH}").status_code == 401
    body = json.dumps({"items": [item("duty.assigned", True)]})
    assert client.put(f"/api/v1{PATH}", body, content_type="application/json").status_code == 401


def test_get_lists_every_registered_kind_with_the_defaults_and_the_channels_set_up(liaison_a):
    Channel.objects.create(kind="wecom", name="督查群", url="http://127.0.0.1:9/robot")
    Channel.objects.create(kind="email", name="邮件")
    Channel.objects.create(kind="sms", name="停用", url="http://127.0.0.1:9/sms", active=False)
    data = ApiClient(liaison_a).get(PATH).json()
    assert data["items"] == [
        {
            "kind": "duty.assigned",
            "label": "本单位新交办的任务",  # the API speaks Chinese by default
            "mutable": True,
            "muted": False,
            "channels": list(ALL_CHANNELS),
        },
        {"kind": "list.closed", "label": "清单已销号", "mutable": True, "muted": False, "channels": list(ALL_CHANNELS)},
        {
            "kind": "escalation.urge",
            "label": "催办通知",
            "mutable": False,
            "muted": False,
            "channels": list(ALL_CHANNELS),
        },
    ]
    assert [c["kind"] for c in data["available_channels"]] == ["email", "wecom"]


def test_put_stores_the_choices_and_answers_the_same_shape_as_get(liaison_a):
    api = ApiClient(liaison_a)
    response = put(api, {"items": [item("duty.assigned", True), item("escalation.urge", False, ["sms", "email"])]})
    assert response.status_code == 200, response.json()
    assert response.json() == api.get(PATH).json()
    by_kind = {i["kind"]: i for i in response.json()["items"]}
    assert by_kind["duty.assigned"]["muted"] is True
    assert by_kind["escalation.urge"]["channels"] == ["email", "sms"]
    assert by_kind["list.closed"]["channels"] == list(ALL_CHANNELS)  # not given: unchanged
    assert Preference.objects.filter(person=liaison_a).count() == 2


def test_putting_the_same_body_twice_stores_one_state(liaison_a):
    api = ApiClient(liaison_a)
    body = {"items": [item("list.closed", True, ["wecom"])]}
    first, second = put(api, body), put(api, body)
    assert first.json() == second.json()
    assert list(Preference.objects.values_list("kind", "muted", "channels")) == [("list.closed", True, ["wecom"])]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"items": [item("duty.nothing")]}, "items.0.kind"),
        ({"items": [item("list.closed"), item("duty.assigned", channels=["fax"])]}, "items.1.channels.0"),
        ({"items": [item("escalation.urge", True)]}, "items.0.muted"),
        ({"items": [item("list.closed"), item("list.closed", True)]}, "items.1.kind"),
        ({"items": [{"kind": "list.closed", "muted": "perhaps", "channels": []}]}, "items.0.muted"),
        ({"items": [{"kind": "list.closed", "channels": ["email"] * 9}]}, "items.0.channels"),
        ({"items": "all"}, "items"),
        ([1, 2], "body"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(liaison_a, body, field):
    response = put(ApiClient(liaison_a), body)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert not Preference.objects.exists()


def test_a_caller_changes_only_their_own_settings(liaison_a, head_a):
    response = put(ApiClient(liaison_a), {"person": head_a.pk, "items": [item("duty.assigned", True)]})
    assert response.status_code == 200
    assert list(Preference.objects.values_list("person", flat=True)) == [liaison_a.pk]
    assert all(not i["muted"] for i in ApiClient(head_a).get(PATH).json()["items"])
