"""The settings page (reachable by the administrator beside the business): categories with their service
levels, the weights, the suggestion's accuracy; a unit's people and the auditor are refused."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.events.models import Event
from luoshi.public import intake, rates, suggest
from luoshi.public.models import Category, Problem, Status
from tests.public.conftest import submission

NEW = {
    "name": "物业管理",
    "code": "property",
    "respond_hours": 12,
    "urgent_respond_hours": 1,
    "resolve_workdays": 10,
    "description": "",
    "submission_key": "c-1",
}
WEIGHTS = {"response": 20, "resolution": 40, "satisfaction": 40, "basically_counts": 60}


def test_the_admin_and_the_office_open_the_page(as_, admin, office):
    for person in (admin, office):
        r = as_(person).get("/problems/settings/")
        assert r.status_code == 200
        html = r.content.decode()
        assert "食品安全" in html and 'id="category-add"' in html and "Not enough handled problems" in html
    assert 'id="weights-form"' in as_(admin).get("/problems/settings/").content.decode()
    assert 'id="weights-form"' not in as_(office).get("/problems/settings/").content.decode()


def test_others_are_refused(as_, liaison_a, auditor, leader):
    for person in (liaison_a, auditor, leader):
        client = as_(person)
        assert client.get("/problems/settings/").status_code == 403
        assert client.post("/problems/settings/categories/new", NEW).status_code == 403
        assert client.post("/problems/settings/weights", WEIGHTS).status_code == 403
    cid = Category.objects.first().pk
    assert as_(liaison_a).post(f"/problems/settings/categories/{cid}/", {"respond_hours": 1}).status_code == 403


def test_a_category_is_added_once(as_, admin):
    client = as_(admin)
    assert client.post("/problems/settings/categories/new", NEW).status_code == 302
    assert client.post("/problems/settings/categories/new", NEW).status_code == 302
    assert client.post("/problems/settings/categories/new", {**NEW, "submission_key": "c-2"}).status_code == 302
    assert Category.objects.filter(code="property").count() == 1
    assert Event.objects.filter(kind="problem_category.added").count() == 1
    r = client.post("/problems/settings/categories/new", {**NEW, "code": "other2", "submission_key": "c-3"})
    assert r.status_code == 409  # another category of that name


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"code": "Bad Code"}, "code"),
        ({"respond_hours": 0}, "respond_hours"),
        ({"respond_hours": 2, "urgent_respond_hours": 3}, "urgent_respond_hours"),
        ({"resolve_workdays": "many"}, "resolve_workdays"),
    ],
)
def test_bad_categories_are_400_on_their_field(as_, office, change, field):
    r = as_(office).post("/problems/settings/categories/new", {**NEW, **change})
    html = r.content.decode()
    assert r.status_code == 400 and f'name="{field}"' in html and "is-invalid" in html


def test_a_category_is_edited_and_the_same_values_change_nothing(as_, office):
    c = Category.objects.get(code="food_safety")
    body = {"respond_hours": 12, "urgent_respond_hours": 2, "resolve_workdays": 7, "description": "", "active": "on"}
    client = as_(office)
    assert client.post(f"/problems/settings/categories/{c.pk}/", body).status_code == 302
    assert client.post(f"/problems/settings/categories/{c.pk}/", body).status_code == 302
    c.refresh_from_db()
    assert (c.respond_hours, c.resolve_workdays, c.active) == (12, 7, True)
    assert Event.objects.filter(kind="problem_category.changed").count() == 1
    r = client.post(f"/problems/settings/categories/{c.pk}/", {**body, "resolve_workdays": 121})
    assert r.status_code == 400 and "is-invalid" in r.content.decode()
    assert client.post("/problems/settings/categories/999999/", body).status_code == 404


def test_the_admin_sets_the_weights_once(as_, admin, office):
    client = as_(admin)
    assert client.post("/problems/settings/weights", WEIGHTS).status_code == 302
    assert client.post("/problems/settings/weights", WEIGHTS).status_code == 302
    assert rates.weights() == rates.Weights(20, 40, 40, 60)
    assert Event.objects.filter(kind="rate_weights.changed").count() == 1
    r = client.post("/problems/settings/weights", {**WEIGHTS, "response": 30})
    assert r.status_code == 400 and "add up to 100" in r.content.decode()
    r = client.post("/problems/settings/weights", {**WEIGHTS, "basically_counts": 101})
    assert r.status_code == 400 and "is-invalid" in r.content.decode()
    assert as_(office).post("/problems/settings/weights", WEIGHTS).status_code == 403
    assert "response rate × 20" in client.get("/problems/settings/").content.decode()


def test_the_accuracy_is_shown_and_the_page_takes_constant_queries(as_, admin, office, unit_a, unit_b):
    client = as_(admin)

    def history(n):
        for i in range(n):
            unit, cat = (unit_a, "食品安全") if i % 2 else (unit_b, "市容环境")
            p = intake.do_submit(office, submission(category=cat))[0]
            Problem.objects.filter(pk=p.pk).update(status=Status.CLOSED, lead_unit=unit)

    history(10)
    suggest.forget()
    client.get("/problems/settings/")
    with CaptureQueriesContext(connection) as small:
        html = client.get("/problems/settings/").content.decode()
    assert "data-top1" in html and "100.0%" in html
    Category.objects.create(name="新类", code="new_kind")
    with CaptureQueriesContext(connection) as large:
        client.get("/problems/settings/")
    assert len(large.captured_queries) == len(small.captured_queries)
