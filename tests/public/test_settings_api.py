"""The settings API (reachable by the administrator): categories with service levels, the rates' weights,
the suggestion's measured accuracy."""

import json

import pytest

from luoshi.events.models import Event
from luoshi.public.models import Category

NEW = {"name": "物业管理", "code": "property", "respond_hours": 12, "urgent_respond_hours": 1, "resolve_workdays": 10}


def _patch(api, person, path, body):
    c = api(person)
    return c.client.patch(f"/api/v1{path}", json.dumps(body), content_type="application/json", headers=c.headers)


def test_the_admin_lists_adds_and_edits_categories(api, admin):
    r = api(admin).get("/problem-categories")
    assert r.status_code == 200 and r.json()[0]["name"] == "食品安全" and r.json()[0]["resolve_workdays"] == 10
    r = api(admin).post("/problem-categories", NEW)
    assert r.status_code == 201 and r.json()["respond_hours"] == 12
    assert api(admin).post("/problem-categories", NEW).status_code == 409  # stored once
    cid = r.json()["id"]
    r = _patch(api, admin, f"/problem-categories/{cid}", {"resolve_workdays": 7, "active": False})
    assert r.status_code == 200 and r.json()["resolve_workdays"] == 7 and r.json()["active"] is False
    assert _patch(api, admin, f"/problem-categories/{cid}", {"resolve_workdays": 7}).status_code == 200
    assert Event.objects.filter(kind="problem_category.changed").count() == 1


def test_a_unit_may_not_edit_categories(api, liaison_a, auditor):
    assert api(liaison_a).post("/problem-categories", NEW).status_code == 403
    cid = Category.objects.first().pk
    assert _patch(api, liaison_a, f"/problem-categories/{cid}", {"resolve_workdays": 7}).status_code == 403
    assert _patch(api, auditor, f"/problem-categories/{cid}", {"resolve_workdays": 7}).status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"code": "Bad Code"}, "code"),
        ({"respond_hours": 0}, "respond_hours"),
        ({"urgent_respond_hours": 49}, "urgent_respond_hours"),
        ({"respond_hours": 2, "urgent_respond_hours": 3}, "urgent_respond_hours"),
        ({"resolve_workdays": 121}, "resolve_workdays"),
    ],
)
def test_bad_categories_name_their_field(api, office, change, field):
    r = api(office).post("/problem-categories", {**NEW, **change})
    assert r.status_code == 400 and r.json()["field"] == field, r.content


def test_unknown_category_is_404(api, admin):
    assert _patch(api, admin, "/problem-categories/999999", {"resolve_workdays": 7}).status_code == 404
    assert _patch(api, admin, f"/problem-categories/{2**31}", {"resolve_workdays": 7}).status_code in (400, 404)


def test_the_admin_sets_the_weights(api, admin, office):
    assert api(office).get("/stats/rate-weights").json() == {
        "response": 10,
        "resolution": 45,
        "satisfaction": 45,
        "basically_counts": 80,
    }
    body = {"response": 20, "resolution": 40, "satisfaction": 40, "basically_counts": 50}
    assert api(office).put("/stats/rate-weights", body).status_code == 403
    assert api(admin).put("/stats/rate-weights", body).json() == body
    assert api(admin).put("/stats/rate-weights", body).status_code == 200
    assert Event.objects.filter(kind="rate_weights.changed").count() == 1
    r = api(admin).put("/stats/rate-weights", {**body, "response": 30})
    assert r.status_code == 400 and r.json()["field"] == "satisfaction"
    r = api(admin).put("/stats/rate-weights", {**body, "basically_counts": 101})
    assert r.status_code == 400 and r.json()["field"] == "basically_counts"


def test_the_accuracy_for_the_office_and_admin_only(api, admin, office, liaison_a):
    for person in (admin, office):
        r = api(person).get("/problems/suggestion-accuracy")
        assert r.status_code == 200 and r.json() == {"top1": None, "top3": None, "n": 0}
    assert api(liaison_a).get("/problems/suggestion-accuracy").status_code == 403
