from luoshi.events.models import Event
from luoshi.org.models import Person, Unit


def test_admin_creates_a_unit_under_a_parent(api, admin, unit_b):
    r = api(admin).post("/units", {"name": "东岗街道", "kind": "town", "parent": unit_b.pk})
    assert r.status_code == 201, r.content
    assert r.json()["parent"] == unit_b.pk
    assert Event.objects.filter(kind="unit.created").exists()


def test_only_admins_create_units_and_people(api, office, unit_a):
    assert api(office).post("/units", {"name": "新单位", "kind": "department"}).status_code == 403
    r = api(office).post("/people", {"username": "x", "name": "x", "password": "long-enough-1", "unit": unit_a.pk})
    assert r.status_code == 403


def test_bad_unit_input_gets_400_with_the_field(api, admin, unit_a):
    c = api(admin)
    assert c.post("/units", {"name": "X", "kind": "planet"}).json()["field"] == "kind"
    assert c.post("/units", {"name": unit_a.name, "kind": "department"}).json()["field"] == "name"
    assert c.post("/units", {"name": "X", "kind": "town", "parent": 9999}).json()["field"] == "parent"
    assert c.post("/units", {"kind": "town"}).json()["field"] == "name"
    assert Unit.objects.count() == 1


def test_admin_creates_a_leader_with_a_portfolio(api, admin, unit_a, unit_b):
    r = api(admin).post(
        "/people",
        {
            "username": "vice_mayor",
            "name": "张副市长",
            "password": "long-enough-1",
            "roles": ["leader"],
            "supervised_units": [unit_a.pk, unit_b.pk],
        },
    )
    assert r.status_code == 201, r.content
    assert sorted(r.json()["supervised_units"]) == sorted([unit_a.pk, unit_b.pk])
    person = Person.objects.get(username="vice_mayor")
    assert person.check_password("long-enough-1") and person.has_role("leader")


def test_bad_person_input_gets_400_with_the_field(api, admin, unit_a, liaison_a):
    c = api(admin)
    base = {"username": "new", "name": "新人", "password": "long-enough-1", "unit": unit_a.pk, "roles": ["liaison"]}
    assert c.post("/people", {**base, "roles": ["king"]}).json()["field"] == "roles.0"
    assert c.post("/people", {**base, "username": liaison_a.username}).json()["field"] == "username"
    assert c.post("/people", {**base, "password": "short"}).json()["field"] == "password"
    assert c.post("/people", {**base, "unit": None}).json()["field"] == "unit"
    assert c.post("/people", {**base, "supervised_units": [999]}).json()["field"] == "supervised_units"


def test_everyone_signed_in_reads_units_and_people(api, liaison_a, unit_a, django_assert_max_num_queries):
    c = api(liaison_a)
    assert [u["name"] for u in c.get("/units").json()] == [unit_a.name]
    with django_assert_max_num_queries(4):
        assert c.get("/people").json()[0]["username"] == "liaison_a"
