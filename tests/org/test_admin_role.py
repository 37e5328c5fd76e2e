"""`luoshi createadmin` makes the first system administrator (or, with --role, the first security
administrator or auditor) on the server; Django's superuser flag grants nothing in Luoshi (三员分立)."""

import io
from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps

from luoshi.cli import main
from luoshi.events.models import Event
from luoshi.org.models import ApiToken, Person
from tests.conftest import make_person


@pytest.fixture
def root(db):
    """What `luoshi manage createsuperuser` makes: no Luoshi role stored."""
    return make_person("root", [], is_superuser=True, is_staff=True)


def test_a_superuser_flag_is_no_role_in_luoshi(root):
    assert not root.has_role("admin") and not root.is_office


def test_a_superuser_flag_opens_neither_the_api_nor_the_admin_pages(api, client, root):
    assert api(root).post("/units", {"name": "新区管委会", "kind": "department"}).status_code == 403
    client.force_login(root)
    assert client.get("/admin/org/person/").status_code == 403
    assert client.get("/admin/org/unit/").status_code == 403


def test_createadmin_reads_the_password_from_stdin(monkeypatch, capsys, db):
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password-1\n"))
    main(["createadmin", "chief", "--name", "系统管理员", "--password-stdin"])
    person = Person.objects.get(username="chief")
    assert person.check_password("a-long-password-1")
    assert person.roles == ["admin"] and person.is_staff and not person.is_superuser
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


@pytest.mark.parametrize(("role", "staff"), [("security", True), ("auditor", False)])
def test_createadmin_makes_the_first_security_administrator_or_auditor(monkeypatch, capsys, db, role, staff):
    monkeypatch.setenv("LUOSHI_ADMIN_PASSWORD", "a-long-password-3")
    main(["createadmin", f"first_{role}", "--role", role])
    person = Person.objects.get(username=f"first_{role}")
    assert person.roles == [role] and person.is_staff is staff and not person.is_superuser
    assert Event.objects.get(kind="person.created", subject_id=person.pk).after["roles"] == [role]
    assert f"first_{role}" in capsys.readouterr().out


def test_createadmin_knows_only_the_three_privileged_roles(monkeypatch, db):
    monkeypatch.setenv("LUOSHI_ADMIN_PASSWORD", "a-long-password-3")
    with pytest.raises(SystemExit):
        main(["createadmin", "boss", "--role", "office"])
    assert not Person.objects.exists()


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


migration = import_module("luoshi.org.migrations.0004_token_expiry_separated_duties")


def test_the_migration_turns_superusers_into_administrators_without_the_flag(root):
    auditor = make_person("old_auditor", ["auditor"], is_superuser=True, is_staff=True)
    migration.superusers_become_administrators(apps, None)
    root.refresh_from_db()
    auditor.refresh_from_db()
    assert root.roles == ["admin"] and root.is_staff and not root.is_superuser
    assert auditor.roles == ["auditor"] and not auditor.is_staff and not auditor.is_superuser  # no second role


def test_the_migration_gives_tokens_without_expiry_180_days(liaison_a):
    ApiToken.issue(liaison_a)
    ApiToken.objects.update(expires_at=None)
    migration.give_tokens_an_expiry(apps, None)
    token = ApiToken.objects.get()
    assert token.expires_at == token.created_at + timedelta(days=180)
