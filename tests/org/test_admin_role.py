"""A Django superuser is a Luoshi administrator; `luoshi createadmin` makes one from the command line."""

import io

import pytest
from django.urls import reverse

from luoshi.cli import main
from luoshi.events.models import Event
from luoshi.org.models import Person
from tests.conftest import make_person


@pytest.fixture
def root(db):
    """What `luoshi manage createsuperuser` makes: no Luoshi role stored."""
    return make_person("root", [], is_superuser=True, is_staff=True)


def test_a_superuser_holds_the_admin_role_and_steers_lists(root):
    assert root.has_role("admin") and root.is_office
    assert not root.has_role("liaison")


def test_a_superuser_manages_units_and_sees_every_list(api, root, published_list):
    c = api(root)
    assert c.post("/units", {"name": "新区管委会", "kind": "department"}).status_code == 201
    assert c.get("/lists").json()["count"] == 1
    me = next(p for p in c.get("/people").json() if p["username"] == "root")
    assert me["roles"] == ["admin"]


def test_a_superuser_sees_lists_and_administration_on_the_web(as_, root, published_list):
    page = as_(root).get("/lists/")
    assert page.status_code == 200 and published_list.title in page.content.decode()
    assert as_(root).get(reverse("escalation:policy")).status_code == 200  # the admin's ladder settings


def test_staff_without_superuser_is_not_an_admin(db):
    staff = make_person("staff", [], is_staff=True)
    assert not staff.has_role("admin") and not staff.is_office


def test_createadmin_reads_the_password_from_stdin(monkeypatch, capsys, db):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password-1\n"))
    main(["createadmin", "chief", "--name", "系统管理员", "--password-stdin"])
    person = Person.objects.get(username="chief")
    assert person.check_password("a-long-password-1")
    assert person.roles == ["admin"] and person.is_staff and person.is_superuser
    assert person.name == "系统管理员"
    event = Event.objects.get(kind="person.created", subject_id=person.pk)
    assert event.actor is None and event.after["via"] == "createadmin"
    assert "chief" in capsys.readouterr().out


def test_createadmin_takes_the_password_from_the_environment(monkeypatch, api, db):
    monkeypatch.setenv("LUOSHI_ADMIN_PASSWORD", "a-long-password-2")
    main(["createadmin", " Chief2 "])
    person = Person.objects.get(username="Chief2")
    assert person.check_password("a-long-password-2")
    assert api(person).post("/units", {"name": "新单位", "kind": "town"}).status_code == 201


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("chief", "short", "password"),
        ("ADMIN", "a-long-password-1", "username"),
        ("<b>", "a-long-password-1", "username"),
    ],
)
def test_createadmin_refuses_weak_passwords_and_taken_or_bad_names(monkeypatch, admin, username, password, message):
    monkeypatch.setenv("LUOSHI_ADMIN_PASSWORD", password)
    with pytest.raises(SystemExit) as exit_:
        main(["createadmin", username])
    assert str(exit_.value).startswith(message)
    assert Person.objects.count() == 1
