"""GET /people: each role reads the people it works with, not everyone's username and roles."""

import pytest

from tests.conftest import make_person


@pytest.fixture
def city(admin, office, leader, other_leader, liaison_a, head_a, liaison_b, outsider, unit_b):
    """Everyone of the shared fixtures, plus the head of unit_b."""
    return {"head_b": make_person("head_b", ["unit_head"], unit_b)}


def usernames(api, person) -> set[str]:
    r = api(person).get("/people")
    assert r.status_code == 200, r.content
    return {p["username"] for p in r.json()}


EVERYONE = {"admin", "office", "leader", "leader2", "liaison_a", "head_a", "liaison_b", "liaison_c", "head_b"}


def test_the_office_and_administrators_see_everyone(api, city, office, admin):
    assert usernames(api, office) == EVERYONE
    assert usernames(api, admin) == EVERYONE


def test_a_leader_sees_the_people_of_his_units_and_the_office(api, city, leader):
    # leader supervises unit_a (liaison_a, head_a); not unit_b, unit_c, nor the other leader
    assert usernames(api, leader) == {"leader", "liaison_a", "head_a", "office"}


def test_a_liaison_sees_the_own_unit_and_the_office(api, city, liaison_a, liaison_b, head_a):
    assert usernames(api, liaison_a) == {"liaison_a", "head_a", "office"}
    assert usernames(api, head_a) == {"liaison_a", "head_a", "office"}
    assert usernames(api, liaison_b) == {"liaison_b", "head_b", "office"}


def test_people_of_other_units_and_administrators_stay_hidden_from_a_liaison(api, city, outsider):
    seen = usernames(api, outsider)
    assert seen == {"liaison_c", "office"}
    assert not seen & {"admin", "leader", "leader2", "liaison_a", "liaison_b"}


def test_a_person_without_a_role_sees_only_himself(api, city, unit_a):
    nobody = make_person("nobody", [], unit_a)
    assert usernames(api, nobody) == {"nobody"}


def test_a_superuser_flag_without_roles_sees_only_himself(api, city):
    root = make_person("root", [], is_superuser=True, is_staff=True)
    assert usernames(api, root) == {"root"}


@pytest.mark.parametrize("role", ["admin", "security"])
def test_the_system_and_security_administrators_see_everyone_the_auditor_himself(api, city, role):
    manager = make_person("manager", [role], is_staff=True)
    assert usernames(api, manager) == {*EVERYONE, "manager"}
    assert usernames(api, make_person("checker", ["auditor"])) == {"checker"}


def test_inactive_people_are_not_listed(api, city, office, head_a):
    head_a.is_active = False
    head_a.save()
    assert "head_a" not in usernames(api, office)


def test_the_people_list_runs_a_fixed_number_of_queries(api, city, liaison_a, office, django_assert_max_num_queries):
    for person in (liaison_a, office):
        c = api(person)
        with django_assert_max_num_queries(6):
            c.get("/people")
