"""Units' short names (Unit.aliases): the API, the admin's form, the rules (luoshi.org.aliases) and the demo's."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from luoshi.errors import InvalidInput
from luoshi.events.models import Event
from luoshi.org.aliases import clean_aliases, split_aliases
from luoshi.org.models import Unit


@pytest.fixture
def named(db) -> Unit:
    return Unit.objects.create(name="市工业和信息化委员会", kind="department", aliases=["市工信委", "工信委"])


# The API


def test_the_admin_creates_a_unit_with_aliases_and_everyone_reads_them(api, admin, liaison_a):
    r = api(admin).post(
        "/units", {"name": "市发展和改革委员会", "kind": "department", "aliases": [" 市发改委 ", "发改委"]}
    )
    assert r.status_code == 201, r.content
    assert r.json()["aliases"] == ["市发改委", "发改委"]
    unit = Unit.objects.get(name="市发展和改革委员会")
    assert unit.aliases == ["市发改委", "发改委"]
    assert Event.objects.get(kind="unit.created", subject_id=unit.pk).after["aliases"] == ["市发改委", "发改委"]
    listed = {u["name"]: u["aliases"] for u in api(liaison_a).get("/units").json()}
    assert listed["市发展和改革委员会"] == ["市发改委", "发改委"] and listed["市工信委"] == []


def test_a_unit_created_without_aliases_has_none(api, admin):
    r = api(admin).post("/units", {"name": "东岗街道", "kind": "town"})
    assert r.status_code == 201 and r.json()["aliases"] == []


def test_reading_units_is_a_constant_number_of_queries(api, liaison_a, named):
    c = api(liaison_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/units").status_code == 200
        return len(ctx)

    queries()  # the token's first use is stamped once
    few = queries()
    for i in range(5):
        Unit.objects.create(name=f"单位{i}", kind="town", aliases=[f"简称{i}"])
    assert queries() == few
    assert len(c.get("/units").json()) == 7


def test_the_admin_sets_a_units_aliases_and_each_change_is_an_event(api, admin, named):
    c = api(admin)
    r = c.put(f"/units/{named.pk}/aliases", {"aliases": ["工信委", "市经信委"]})
    assert r.status_code == 200, r.content
    assert r.json()["aliases"] == ["工信委", "市经信委"]
    event = Event.objects.get(kind="unit.aliases_changed", subject_id=named.pk)
    assert event.before == {"aliases": ["市工信委", "工信委"]} and event.after == {"aliases": ["工信委", "市经信委"]}
    assert c.put(f"/units/{named.pk}/aliases", {"aliases": ["工信委", "市经信委"]}).status_code == 200
    assert Event.objects.filter(kind="unit.aliases_changed").count() == 1  # the same list twice: one change
    assert c.put(f"/units/{named.pk}/aliases", {"aliases": []}).json()["aliases"] == []
    assert Event.objects.filter(kind="unit.aliases_changed").count() == 2


@pytest.mark.parametrize("who", ["office", "leader", "liaison_a", "security", "auditor"])
def test_nobody_else_sets_aliases(api, request, named, who):
    c = api(request.getfixturevalue(who))
    assert c.put(f"/units/{named.pk}/aliases", {"aliases": ["别名"]}).status_code == 403
    assert c.post("/units", {"name": "新单位", "kind": "town", "aliases": ["新单"]}).status_code == 403
    named.refresh_from_db()
    assert named.aliases == ["市工信委", "工信委"] and not Unit.objects.filter(name="新单位").exists()
    assert not Event.objects.filter(kind__startswith="unit.").exists()


def test_an_unknown_unit_is_404(api, admin):
    assert api(admin).put("/units/99999/aliases", {"aliases": []}).status_code == 404


@pytest.mark.parametrize(
    ("aliases", "named_in_message"),
    [
        (["工"], "工"),  # too short
        (["长" * 51], "长" * 50),  # too long
        (["市工信委"], "市工信委"),  # another unit's alias
        (["市工业和信息化委员会"], "市工业和信息化委员会"),  # another unit's name
        (["城关区政府", "城关区政府"], "城关区政府"),  # twice
        (["城关区"], "城关区"),  # its own name
    ],
)
def test_bad_aliases_get_400_naming_the_field_and_the_alias(api, admin, named, unit_b, aliases, named_in_message):
    r = api(admin).put(f"/units/{unit_b.pk}/aliases", {"aliases": aliases})
    assert r.status_code == 400 and r.json()["field"] == "aliases"
    assert named_in_message in r.json()["detail"]
    r = api(admin).post("/units", {"name": "城关区", "kind": "district", "aliases": aliases})
    assert r.status_code == 400
    unit_b.refresh_from_db()
    assert unit_b.aliases == []


@pytest.mark.parametrize("aliases", [["有\x00空"], ["有\n换行"], ["有\t制表"], ["\u200b\u200b"], [5], ["简称"] * 21])
def test_control_characters_blanks_non_text_and_too_many_get_400_on_aliases(api, admin, unit_b, aliases):
    r = api(admin).put(f"/units/{unit_b.pk}/aliases", {"aliases": aliases})
    assert r.status_code == 400 and r.json()["field"].split(".")[0] == "aliases"


def test_a_new_units_name_may_not_be_another_units_alias(api, admin, named):
    r = api(admin).post("/units", {"name": "工信委", "kind": "department"})
    assert r.status_code == 400 and r.json()["field"] == "name"


def test_a_double_submit_stores_the_unit_once(api, admin):
    # Without an Idempotency-Key a unit's unique name refuses the second of two equal posts.
    body = {"name": "市住房和城乡建设局", "kind": "department", "aliases": ["市住建局"]}
    c = api(admin)
    assert c.post("/units", body).status_code == 201
    r = c.post("/units", body)
    assert r.status_code == 400 and r.json()["field"] == "name"
    assert Unit.objects.filter(name="市住房和城乡建设局").count() == 1
    assert Event.objects.filter(kind="unit.created").count() == 1


# The rules and the admin's box


def test_split_reads_lines_and_chinese_separators():
    assert split_aliases("工信委\r\n市工信委、 经信委 ，工业委,\n\n") == ["工信委", "市工信委", "经信委", "工业委"]


def test_clean_takes_a_given_map_of_taken_names_without_the_database():
    taken = {"城关区": "城关区", "城关区政府": "城关区"}
    assert clean_aliases([" 市工信委 "], name="市工业和信息化委员会", taken=taken) == ["市工信委"]
    with pytest.raises(InvalidInput) as e:
        clean_aliases(["城关区政府"], name="市工业和信息化委员会", taken=taken)
    assert e.value.field == "aliases" and "城关区政府" in e.value.message


def _admin_client(admin) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    client.force_login(admin)
    return client


def test_the_admins_form_creates_a_unit_with_aliases(admin):
    r = _admin_client(admin).post(
        "/admin/org/unit/add/",
        {"name": "市教育局", "kind": "department", "aliases": "市教育局简称\n教育局、市教局，教委"},
    )
    assert r.status_code == 302, r.content
    unit = Unit.objects.get(name="市教育局")
    assert unit.aliases == ["市教育局简称", "教育局", "市教局", "教委"]
    assert Event.objects.filter(kind="unit.created", subject_id=unit.pk).exists()
    assert Event.objects.get(kind="unit.aliases_changed", subject_id=unit.pk).after == {"aliases": unit.aliases}


def test_the_admins_form_edits_aliases_and_refuses_a_taken_one_on_the_box(admin, named, unit_b):
    client = _admin_client(admin)
    page = client.get(f"/admin/org/unit/{named.pk}/change/")
    assert "市工信委\n工信委" in page.content.decode()
    r = client.post(f"/admin/org/unit/{unit_b.pk}/change/", {"name": "城关区", "kind": "district", "aliases": "工信委"})
    assert r.status_code == 200
    assert "aliases" in r.context["adminform"].form.errors and "工信委" in str(r.context["adminform"].form.errors)
    unit_b.refresh_from_db()
    assert unit_b.aliases == []
    r = client.post(
        f"/admin/org/unit/{unit_b.pk}/change/", {"name": "城关区", "kind": "district", "aliases": "城关区政府"}
    )
    assert r.status_code == 302
    unit_b.refresh_from_db()
    assert unit_b.aliases == ["城关区政府"]
    assert Event.objects.filter(kind="unit.aliases_changed", subject_id=unit_b.pk).count() == 1


def test_the_admins_unit_list_shows_and_finds_aliases(admin, named, unit_b):
    client = _admin_client(admin)
    page = client.get("/admin/org/unit/", {"q": "工信委"})
    assert page.status_code == 200
    assert list(page.context["cl"].result_list) == [named]
    assert "市工信委、工信委" in page.content.decode()


def test_the_office_does_not_reach_the_admins_unit_form(office, named):
    office.is_staff = True
    office.save()
    client = Client()
    client.force_login(office)
    assert client.post(f"/admin/org/unit/{named.pk}/change/", {"name": "x", "kind": "town"}).status_code == 403


# The demo city's


def test_the_demo_builds_its_units_with_every_shipped_alias_checked(db):
    from luoshi.demo.aliases import ALIASES
    from luoshi.demo.city import _build_units
    from luoshi.demo.names import UNITS

    names = [name for _, name, _, _ in UNITS]
    assert set(ALIASES) <= set(names)
    units = _build_units()
    stored = {u.name: u.aliases for u in Unit.objects.filter(pk__in=[u.pk for u in units.values()])}
    assert stored == {name: ALIASES.get(name, []) for name in names}
    every = [alias for aliases in stored.values() for alias in aliases]
    assert len(every) == len(set(every)) and not set(every) & set(names)
    for name, aliases in stored.items():  # each passes the administrator's check against the database
        assert clean_aliases(aliases, name=name, unit_id=Unit.objects.get(name=name).pk) == aliases


# The searchable unit picker


def test_the_unit_pickers_options_carry_the_aliases_to_search(named, unit_b, django_assert_max_num_queries):
    from luoshi.lists.forms import ListForm

    form = ListForm()
    with django_assert_max_num_queries(2):
        single, multiple = str(form["lead_unit"]), str(form["co_units"])
    for html in (single, multiple):
        assert f'value="{named.pk}" data-aliases="市工信委 工信委"' in html
        assert f'<option value="{unit_b.pk}">' in html  # a unit without aliases: a plain option
    assert "data-search" in single
