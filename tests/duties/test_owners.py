"""The registry of owners (duties.owners): lists register themselves at start-up; others come and go."""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from luoshi.duties import owners
from luoshi.lists.models import ResponsibilityList
from luoshi.lists.owner import LIST
from tests.duties.errands import KIND, errand, errand_duty, errand_url  # noqa: F401


def test_lists_register_themselves_at_start_up(published_list, unit_a):
    assert "list" in owners.kinds() and owners.get("list") is LIST
    assert owners.content_type_id("list") == ContentType.objects.get_for_model(ResponsibilityList).pk
    duty = published_list.duties.get(unit=unit_a)
    assert owners.kind_of(duty.owner_type_id) == "list" and duty.owner_kind == "list"
    assert owners.of(duty) is LIST
    assert owners.url_of(duty) == f"/lists/{published_list.pk}/"


def test_an_owner_decides_nothing_and_hears_nothing_by_default(published_list, unit_a, leader):
    duty = published_list.duties.get(unit=unit_a)
    assert LIST.may_decide(leader, duty) is False
    assert LIST.on_changed(duty, "report", timezone.now()) is None


def test_a_kind_registers_and_unregisters(db, unit_a):
    group_type = ContentType.objects.get_for_model(Group).pk
    assert owners.kind_of(group_type) == ""
    shipped = owners.kinds()  # lists, and the ledger's three kinds
    owner = owners.register(owners.Owner(kind="chore", model="auth.Group", label="chore", noun="chore", url=str))
    try:
        assert owners.kinds() == [*shipped, "chore"] and owners.all_owners()[-1] is owner
        assert owners.kind_of(group_type) == "chore" and owners.content_type_id("chore") == group_type
    finally:
        owners.unregister("chore")
    assert owners.kinds() == shipped
    assert owners.kind_of(group_type) == ""  # the registry forgets its content type too
    owners.unregister("chore")  # twice: harmless
    with pytest.raises(KeyError):
        owners.get("chore")


def test_a_duty_of_an_unregistered_kind_has_no_kind_and_no_url(errand, unit_a):  # noqa: F811
    duty = errand_duty(unit_a, "临时事项")
    assert duty.owner_kind == KIND and owners.url_of(duty) == errand_url(duty.owner_id)
    owners.unregister(KIND)
    assert duty.owner_kind == "" and owners.url_of(duty) == ""
