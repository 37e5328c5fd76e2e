"""POST /units and POST /people take an Idempotency-Key: the same request again stores nothing more and
answers the first record (201, then 200); the key again with another unit or person, or from another
administrator, is a 409 on submission_key; a key too long or with control characters is a 400."""

import pytest

from luoshi.events.models import Event
from luoshi.org.models import Person, Unit
from tests.conftest import make_person

KEY = {"Idempotency-Key": "3f1c9a70-unit-or-person-once"}
EN = {"Accept-Language": "en"}
UNIT = {"name": "市住房和城乡建设局", "kind": "department", "aliases": ["市住建局"]}
PASSWORD = "long-enough-1"


def person_body(unit: Unit | None, **changes) -> dict:
    return {
        "username": "zhang_liaison",
        "name": "张联络员",
        "password": PASSWORD,
        "title": "科员",
        "unit": unit.pk if unit else None,
        "roles": ["liaison"],
        **changes,
    }


# ---------------------------------------------------------------- units


def test_a_unit_sent_twice_under_one_key_is_stored_once_and_answered_the_same(api, admin, unit_b):
    c = api(admin)
    body = {**UNIT, "parent": unit_b.pk}
    first = c.post("/units", body, headers=KEY)
    again = c.post("/units", body, headers=KEY)
    assert (first.status_code, again.status_code) == (201, 200), again.content
    assert again.json() == first.json()
    assert Unit.objects.filter(name=UNIT["name"]).count() == 1
    assert Event.objects.filter(kind="unit.created").count() == 1


def test_a_key_used_for_a_unit_is_refused_for_another_unit_naming_the_key(api, admin):
    c = api(admin)
    assert c.post("/units", UNIT, headers=KEY).status_code == 201
    other = c.post("/units", {**UNIT, "name": "市交通运输局", "aliases": []}, headers={**KEY, **EN})
    assert other.status_code == 409
    assert other.json()["field"] == "submission_key" and "another unit" in other.json()["detail"]
    assert not Unit.objects.filter(name="市交通运输局").exists()


def test_a_key_used_for_a_unit_is_refused_with_other_short_names(api, admin):
    c = api(admin)
    assert c.post("/units", UNIT, headers=KEY).status_code == 201
    other = c.post("/units", {**UNIT, "aliases": ["住建局"]}, headers=KEY)
    assert other.status_code == 409 and other.json()["field"] == "submission_key"
    assert Unit.objects.get(name=UNIT["name"]).aliases == ["市住建局"]


def test_another_administrators_key_is_not_his_to_repeat(api, admin):
    assert api(admin).post("/units", UNIT, headers=KEY).status_code == 201
    second = make_person("admin2", ["admin"], name="管理员二", is_staff=True)
    r = api(second).post("/units", UNIT, headers=KEY)
    assert r.status_code == 409 and r.json()["field"] == "submission_key"


def test_without_a_key_the_same_unit_twice_is_refused_on_its_name(api, admin):
    c = api(admin)
    assert c.post("/units", UNIT).status_code == 201
    r = c.post("/units", UNIT)
    assert r.status_code == 400 and r.json()["field"] == "name"
    assert Unit.objects.filter(name=UNIT["name"]).count() == 1


def test_only_an_administrator_creates_a_unit_with_a_key(api, office):
    assert api(office).post("/units", UNIT, headers=KEY).status_code == 403
    assert not Unit.objects.filter(name=UNIT["name"]).exists()


@pytest.mark.parametrize("key", ["k" * 65, "a\x01b", "line\nbreak"])
def test_a_bad_key_for_a_unit_is_a_400_and_stores_nothing(api, admin, key):
    r = api(admin).post("/units", UNIT, headers={"Idempotency-Key": key})
    assert r.status_code == 400
    assert r.json()["field"] == "Idempotency-Key"
    assert not Unit.objects.filter(name=UNIT["name"]).exists()


# ---------------------------------------------------------------- people


def test_a_person_sent_twice_under_one_key_is_stored_once_and_answered_the_same(api, admin, unit_a):
    c = api(admin)
    first = c.post("/people", person_body(unit_a), headers=KEY)
    again = c.post("/people", person_body(unit_a), headers=KEY)
    assert (first.status_code, again.status_code) == (201, 200), again.content
    assert again.json() == first.json()
    assert Person.objects.filter(username="zhang_liaison").count() == 1
    assert Event.objects.filter(kind="person.created").count() == 1


def test_a_leader_sent_twice_keeps_his_portfolio_once(api, admin, unit_a, unit_b):
    c = api(admin)
    body = person_body(None, roles=["leader"], supervised_units=[unit_b.pk, unit_a.pk])
    first = c.post("/people", body, headers=KEY)
    again = c.post("/people", {**body, "supervised_units": [unit_a.pk, unit_b.pk]}, headers=KEY)
    assert (first.status_code, again.status_code) == (201, 200), again.content
    assert sorted(again.json()["supervised_units"]) == sorted([unit_a.pk, unit_b.pk])


@pytest.mark.parametrize(
    "changes",
    [{"username": "li_liaison"}, {"name": "李联络员"}, {"roles": ["unit_head"]}, {"password": "another-long-2"}],
    ids=["username", "name", "roles", "password"],
)
def test_a_key_used_for_a_person_is_refused_for_another_person_naming_the_key(api, admin, unit_a, changes):
    c = api(admin)
    assert c.post("/people", person_body(unit_a), headers=KEY).status_code == 201
    other = c.post("/people", person_body(unit_a, **changes), headers={**KEY, **EN})
    assert other.status_code == 409
    assert other.json()["field"] == "submission_key" and "another person" in other.json()["detail"]
    assert Person.objects.filter(username__in=["zhang_liaison", "li_liaison"]).count() == 1
    assert Person.objects.get(username="zhang_liaison").check_password(PASSWORD)


def test_only_an_administrator_creates_a_person_with_a_key(api, office, unit_a):
    assert api(office).post("/people", person_body(unit_a), headers=KEY).status_code == 403
    assert not Person.objects.filter(username="zhang_liaison").exists()


@pytest.mark.parametrize("key", ["k" * 65, "a\x01b", "tab\tin"])
def test_a_bad_key_for_a_person_is_a_400_and_stores_nothing(api, admin, unit_a, key):
    r = api(admin).post("/people", person_body(unit_a), headers={"Idempotency-Key": key})
    assert r.status_code == 400
    assert r.json()["field"] == "Idempotency-Key"
    assert not Person.objects.filter(username="zhang_liaison").exists()


def test_a_units_key_and_a_persons_key_are_apart(api, admin, unit_a):
    c = api(admin)
    assert c.post("/units", UNIT, headers=KEY).status_code == 201
    assert c.post("/people", person_body(unit_a), headers=KEY).status_code == 201
