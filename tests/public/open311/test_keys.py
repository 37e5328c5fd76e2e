"""The keys Open311 clients post with: issued by the admin or the office (service, API, command line),
shown once and stored as a digest, listed without the key, revoked; a double POST issues one key."""

import hashlib

import pytest

from luoshi.errors import InvalidInput, NotAllowed, NotFound
from luoshi.events.models import Event
from luoshi.public.models import Open311Key
from luoshi.public.open311 import cli, keys
from tests.conftest import NOW
from tests.public.open311.conftest import post

EN = {"Accept-Language": "en"}


def test_the_admin_and_the_office_issue_keys_stored_as_digests(admin, office):
    for actor in (admin, office, None):  # None: the server's command line
        key, raw = keys.do_issue_key(actor, "FixMyStreet", NOW)
        assert raw and len(raw) >= 40 and key.prefix == raw[:8] and len(key.prefix) == 8
        assert key.digest == hashlib.sha256(raw.encode()).hexdigest() and raw not in key.digest
        assert keys.key_for(raw) == key
    assert Open311Key.objects.count() == 3
    trail = Event.objects.filter(kind="open311_key.issued")
    assert trail.count() == 3 and not any(raw in str(e.after) for e in trail)


def test_nobody_else_manages_keys(liaison_a, head_a, leader, auditor, office):
    key, _raw = keys.do_issue_key(office, "FixMyStreet", NOW)
    for actor in (liaison_a, head_a, leader, auditor):
        with pytest.raises(NotAllowed):
            keys.do_issue_key(actor, "mine", NOW)
        with pytest.raises(NotAllowed):
            keys.do_revoke_key(actor, key, NOW)
        with pytest.raises(NotAllowed):
            keys.keys_for(actor)
    assert Open311Key.objects.count() == 1


@pytest.mark.parametrize("name", ["", "   ", "a\x00b", "x" * 81, "two\nlines"])
def test_a_key_needs_a_name(office, name):
    with pytest.raises(InvalidInput) as caught:
        keys.do_issue_key(office, name, NOW)
    assert caught.value.field == "name"


def test_a_revoked_key_is_refused(office, client):
    key, raw = keys.do_issue_key(office, "FixMyStreet", NOW)
    assert post(client, raw).status_code == 201
    assert keys.do_revoke_key(office, key.pk, NOW)[1]
    assert not keys.do_revoke_key(office, key, NOW)[1]  # again: nothing changes
    assert Event.objects.filter(kind="open311_key.revoked").count() == 1
    assert keys.key_for(raw) is None and post(client, raw).status_code == 403
    with pytest.raises(NotFound):
        keys.do_revoke_key(office, 10**12, NOW)


def test_the_api_issues_lists_and_revokes_keys(api, office, client):
    office_api = api(office)
    r = office_api.post("/open311/keys", {"name": "FixMyStreet 兰州"})
    assert r.status_code == 201
    body = r.json()
    assert set(body) == {"id", "name", "prefix", "created_at", "revoked_at", "api_key"}
    assert post(client, body["api_key"]).status_code == 201
    listed = office_api.get("/open311/keys").json()
    assert listed == [{k: v for k, v in body.items() if k != "api_key"}]
    assert body["api_key"] not in str(listed)
    r = office_api.post(f"/open311/keys/{body['id']}/revoke")
    assert r.status_code == 200 and r.json()["revoked_at"]
    assert post(client, body["api_key"]).status_code == 403
    assert office_api.post("/open311/keys/999999/revoke").status_code == 404
    assert office_api.post("/open311/keys/2147483648/revoke").status_code == 400


def test_a_liaison_is_refused_by_the_api(api, liaison_a, office):
    keys.do_issue_key(office, "FixMyStreet", NOW)
    liaison = api(liaison_a)
    assert liaison.post("/open311/keys", {"name": "mine"}).status_code == 403
    assert liaison.get("/open311/keys").status_code == 403
    assert liaison.post(f"/open311/keys/{Open311Key.objects.get().pk}/revoke").status_code == 403
    assert Open311Key.objects.count() == 1 and Open311Key.objects.get().revoked_at is None


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "a\x00"}, {"name": "x" * 81}, {"name": 5}, []])
def test_bad_input_to_the_api_is_400_naming_the_field(api, office, body):
    r = api(office).client.post(
        "/api/v1/open311/keys", body, content_type="application/json", headers={**api(office).headers, **EN}
    )
    assert r.status_code == 400
    assert r.json()["field"] in ("name", "body")
    if isinstance(body, dict):
        assert r.json()["field"] == "name"
    assert not Open311Key.objects.exists()


def test_a_double_post_with_the_same_idempotency_key_issues_one_key(api, office, admin):
    office_api = api(office)
    first = office_api.post("/open311/keys", {"name": "FixMyStreet"}, headers={"Idempotency-Key": "k-1"})
    again = office_api.post("/open311/keys", {"name": "FixMyStreet"}, headers={"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["api_key"] is None
    assert Open311Key.objects.count() == 1
    other = office_api.post("/open311/keys", {"name": "Another"}, headers={"Idempotency-Key": "k-1"})
    assert other.status_code == 409
    assert office_api.post("/open311/keys", {"name": "Another"}, headers={"Idempotency-Key": "k-2"}).status_code == 201
    # Another person's same header is his own request.
    assert keys.do_issue_key(admin, "FixMyStreet", NOW, submission_key="k-1")[1] is not None
    assert Open311Key.objects.count() == 3


def test_the_command_line_prints_the_key_last(db, capsys, client):
    assert cli.main(["key", "create", "FixMyStreet 兰州"]) == 0
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    key = keys.key_for(raw)
    assert key is not None and key.name == "FixMyStreet 兰州" and key.created_by is None
    assert post(client, raw).status_code == 201
    assert cli.main(["key", "list"]) == 0
    listing = capsys.readouterr().out
    assert key.prefix in listing and "FixMyStreet 兰州" in listing and raw not in listing
    assert cli.main(["key", "revoke", str(key.pk)]) == 0
    assert "revoked" in capsys.readouterr().out and keys.key_for(raw) is None
    assert cli.main(["key", "revoke", str(key.pk)]) == 0
    assert "already" in capsys.readouterr().out
    assert cli.main(["key", "revoke", "999999"]) == 1
    assert cli.main(["key", "create", " "]) == 2
    assert "name:" in capsys.readouterr().err
