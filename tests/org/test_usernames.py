"""Usernames are normalised (NFKC, stripped), limited to letters, digits and . _ - @, unique in any case."""

import pytest
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from luoshi.org.models import Person
from tests.conftest import PASSWORD, make_person


@pytest.fixture
def person_data(unit_a):
    return {"name": "新人", "password": "long-enough-1", "unit": unit_a.pk, "roles": ["liaison"]}


def test_a_trailing_space_is_trimmed_not_a_500(api, admin, office, person_data):
    r = api(admin).post("/people", {**person_data, "username": "office "})
    assert r.status_code == 400 and r.json()["field"] == "username"  # it is "office", taken
    r = api(admin).post("/people", {**person_data, "username": " newcomer  "})
    assert r.status_code == 201, r.content
    assert r.json()["username"] == "newcomer"


def test_usernames_differing_only_in_case_cannot_coexist(api, admin, person_data):
    assert api(admin).post("/people", {**person_data, "username": "weakuser0"}).status_code == 201
    r = api(admin).post("/people", {**person_data, "username": "WEAKUSER0"})
    assert r.status_code == 400 and r.json()["field"] == "username"
    assert Person.objects.filter(username__iexact="weakuser0").count() == 1


def test_the_database_refuses_a_case_clash_too(admin):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_person("ADMIN", [])


@pytest.mark.parametrize(
    "username", ["<b>x</b>", "two words", "a/b", "semi;colon", "x" * 151, "\u200b", "o\u202effice"]
)
def test_unsafe_usernames_are_refused(api, admin, person_data, username):
    r = api(admin).post("/people", {**person_data, "username": username})
    assert r.status_code == 400 and r.json()["field"] == "username", r.content
    assert not Person.objects.exclude(username="admin").exists()


@pytest.mark.parametrize(
    ("typed", "stored"), [("ｗａｎｇ．ｆａｎｇ", "wang.fang"), ("王芳", "王芳"), ("li-ming@lz", "li-ming@lz")]
)
def test_letters_of_any_script_and_full_width_forms_are_normalised(api, admin, person_data, typed, stored):
    r = api(admin).post("/people", {**person_data, "username": typed})
    assert r.status_code == 201, r.content
    assert r.json()["username"] == stored


def test_signing_in_ignores_case(client, liaison_a):
    assert client.login(request=HttpRequest(), username="LIAISON_A", password=PASSWORD)  # axes asks a request
    client.logout()
    r = client.post("/login/", {"username": " Ｌiaison_A ", "password": PASSWORD})
    assert r.status_code == 302  # signed in, sent on


def test_the_admin_site_refuses_a_case_clash_and_bad_characters(client, admin, liaison_a, unit_a):
    client.force_login(admin)
    add = "/admin/org/person/add/"
    base = {"password1": "long-enough-1", "password2": "long-enough-1", "usable_password": "true", "unit": unit_a.pk}
    for username in ("LIAISON_A", "<b>x</b>"):
        r = client.post(add, {**base, "username": username})
        assert r.status_code == 200, username  # the form again, with its error
        assert r.context["adminform"].form.errors["username"], username
    r = client.post(add, {**base, "username": " new.liaison ", "roles": ["liaison"]})
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r
    created = Person.objects.get(username="new.liaison")
    assert created.roles == ["liaison"] and created.check_password("long-enough-1")
    change = f"/admin/org/person/{created.pk}/change/"
    r = client.post(change, {"username": "Liaison_A", "name": "x", "roles": ["liaison"], "is_active": "on"})
    assert r.status_code == 200 and r.context["adminform"].form.errors["username"]


def test_the_migration_stops_with_the_names_that_clash():
    from importlib import import_module

    migration = import_module("luoshi.org.migrations.0002_username_case_insensitive")

    class Rows:
        def __init__(self, names):
            self.names = names

        def order_by(self, *_):
            return self

        def values_list(self, *_a, **_k):
            return self.names

    class Apps:
        def __init__(self, names):
            self.model = type("Person", (), {"objects": Rows(names)})

        def get_model(self, *_):
            return self.model

    migration.refuse_clashes(Apps(["office", "liaison"]), None)  # no clash: nothing happens
    with pytest.raises(RuntimeError, match="Office, office"):
        migration.refuse_clashes(Apps(["Office", "office", "liaison"]), None)


@pytest.mark.django_db(transaction=True)
def test_migrating_a_database_with_a_case_clash_stops_cleanly_and_changes_nothing():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("org", "0001_initial")], [("org", "0002_username_case_insensitive")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = MigrationExecutor(connection).loader.project_state(before[0]).apps.get_model("org", "Person")
        for username in ("Office", "office"):
            old.objects.create(username=username, password="!", roles=[])
        with pytest.raises(RuntimeError, match="Office, office"):
            MigrationExecutor(connection).migrate(after)
        assert set(old.objects.values_list("username", flat=True)) == {"Office", "office"}
        old.objects.filter(username="Office").update(username="office2")
    finally:
        # Forward to every app's latest migration: going back to org 0001 also unapplied those that depend on 0002.
        latest = MigrationExecutor(connection)
        latest.migrate(latest.loader.graph.leaf_nodes())
    assert Person.objects.filter(username="office2").exists()
