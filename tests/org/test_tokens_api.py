"""/api/v1/me/tokens: one's own API tokens, listed, created (the token shown once) and revoked (issue 9)."""

import pytest
from django.test import Client

from luoshi.events.models import Event
from luoshi.org import tokens
from luoshi.org.models import ApiToken


def delete(api_client, path: str):
    return api_client.client.delete(f"/api/v1{path}", headers=api_client.headers)


def test_a_person_lists_his_own_tokens_only(api, liaison_a, office):
    tokens.issue(office, actor=office, name="别人的")
    c = api(liaison_a)  # issues one token, the one it sends
    listed = c.get("/me/tokens").json()
    (mine,) = listed  # not the office's
    assert mine["state"] == "active" and mine["last_used_at"] is not None and "token" not in mine
    assert mine["prefix"] == ApiToken.objects.get(person=liaison_a).prefix


def test_creating_a_token_answers_201_with_it_once(api, liaison_a):
    c = api(liaison_a)
    r = c.post("/me/tokens", {"name": "夜间同步", "days": 30})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["name"] == "夜间同步" and body["state"] == "active" and body["token"].startswith(body["prefix"])
    assert Client().get("/api/v1/units", headers={"Authorization": f"Bearer {body['token']}"}).status_code == 200
    assert all("token" not in t for t in c.get("/me/tokens").json())
    event = Event.objects.get(kind="token.issued", subject_id=body["id"])
    assert event.actor == liaison_a and body["token"] not in str(event.after)


def test_creating_twice_makes_two_tokens(api, liaison_a):
    c = api(liaison_a)
    first, second = c.post("/me/tokens", {"name": "x"}), c.post("/me/tokens", {"name": "x"})
    assert first.status_code == second.status_code == 201
    assert first.json()["token"] != second.json()["token"]
    assert ApiToken.objects.filter(person=liaison_a).count() == 3  # with the client's own


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"days": 0}, "days"),
        ({"days": 181}, "days"),
        ({"days": "many"}, "days"),
        ({"name": "a\x00b"}, "name"),
        ({"name": "x" * 51}, "name"),
        ({"name": 5}, "name"),
    ],
)
def test_bad_input_is_400_with_the_field(api, liaison_a, payload, field):
    r = api(liaison_a).post("/me/tokens", payload)
    assert r.status_code == 400 and r.json()["field"] == field, r.content
    assert ApiToken.objects.count() == 1


def test_revoking_one_own_token_is_204_and_it_stops_working(api, liaison_a):
    c = api(liaison_a)
    new = c.post("/me/tokens", {"name": "用完即删"}).json()
    assert delete(c, f"/me/tokens/{new['id']}").status_code == 204
    assert delete(c, f"/me/tokens/{new['id']}").status_code == 204  # twice: once
    assert Client().get("/api/v1/units", headers={"Authorization": f"Bearer {new['token']}"}).status_code == 401
    assert Event.objects.filter(kind="token.revoked", subject_id=new["id"]).count() == 1
    assert next(t for t in c.get("/me/tokens").json() if t["id"] == new["id"])["state"] == "revoked"


def test_another_persons_token_is_not_found(api, liaison_a, office):
    tokens.issue(office, actor=office)
    other = ApiToken.objects.get(person=office)
    assert delete(api(liaison_a), f"/me/tokens/{other.pk}").status_code == 404
    assert delete(api(liaison_a), "/me/tokens/999999").status_code == 404
    assert delete(api(liaison_a), f"/me/tokens/{2**40}").status_code == 400  # past the id range
    assert ApiToken.objects.get(pk=other.pk).revoked_at is None


def test_revoking_the_token_in_use_ends_its_own_access(api, liaison_a):
    c = api(liaison_a)
    own = ApiToken.objects.get(person=liaison_a)
    assert delete(c, f"/me/tokens/{own.pk}").status_code == 204
    assert c.get("/me/tokens").status_code == 401


def test_a_dead_token_is_401_on_a_write_too_even_beside_a_session(api, liaison_a, client):
    """A caller who sends a token authenticates by it: a revoked one is 401, never the session auth's CSRF 403."""
    c = api(liaison_a)
    tokens.revoke(ApiToken.objects.get(person=liaison_a), actor=liaison_a, reason="test")
    assert c.post("/me/tokens", {"name": "x"}).status_code == 401
    c.client.force_login(liaison_a)  # a signed-in browser's cookie beside the dead token
    assert c.post("/notifications/read", {"ids": [1]}).status_code == 401


@pytest.mark.parametrize("who", ["admin", "security", "auditor"])
def test_the_privileged_roles_keep_their_own_tokens(api, request, who):
    c = api(request.getfixturevalue(who))
    assert c.get("/me/tokens").status_code == 200
    assert c.post("/me/tokens", {"name": "脚本"}).status_code == 201


def test_without_authentication_401(client, db):
    assert client.get("/api/v1/me/tokens").status_code == 401
    assert client.post("/api/v1/me/tokens", {}, content_type="application/json").status_code == 401
