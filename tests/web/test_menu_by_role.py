"""The navbar offers each role the pages where it has work, and no page that is always empty for it."""

import pytest
from django.urls import reverse

from luoshi.org.models import Unit
from tests.conftest import make_person
from tests.web.html import nav_links, parse

UNIT_PAGES = {reverse("lists:inbox"), reverse("escalation:unit")}
LEADER_PAGES = {reverse("lists:leader"), reverse("escalation:orders")}
OFFICE_PAGES = {
    reverse("lists:create"),
    reverse("lists:import"),
    reverse("lists:from_text"),
    reverse("escalation:board"),
    reverse("escalation:talks"),
}
ADMIN_PAGES = {reverse("escalation:policy"), reverse("escalation:calendar")}
EVERYONE = {
    reverse("lists:index"),
    reverse("lists:overview"),
    reverse("escalation:league"),
    reverse("cockpit:bulletins"),
}
COCKPIT_PAGES = {reverse("cockpit:index"), reverse("cockpit:summary")}  # the office's and the leaders'


def menu(client, page: str = reverse("lists:overview")) -> set[str]:
    response = client.get(page)
    assert response.status_code == 200
    return set(nav_links(response.content.decode()))


@pytest.fixture
def office_with_unit(db):
    """As in the demo: the office's staff belong to the office's own unit, which handles no lists."""
    unit = Unit.objects.create(name="市委督查室", kind="department")
    return make_person("office_u", ["office"], unit, name="督查室张")


def test_the_office_sees_its_pages_and_not_a_units(as_, office_with_unit):
    links = menu(as_(office_with_unit))
    assert links >= EVERYONE | OFFICE_PAGES | COCKPIT_PAGES
    assert not links & UNIT_PAGES, "本单位 and 本单位被催办事项 are always empty for the office"
    assert not links & LEADER_PAGES and not links & ADMIN_PAGES


@pytest.mark.parametrize("who", ["liaison_a", "head_a"])
def test_a_units_people_see_their_units_pages(as_, request, who):
    links = menu(as_(request.getfixturevalue(who)))
    assert links >= EVERYONE | UNIT_PAGES
    assert not links & (OFFICE_PAGES | LEADER_PAGES | ADMIN_PAGES | COCKPIT_PAGES)


def test_a_leader_sees_his_lists_and_orders(as_, leader):
    links = menu(as_(leader))
    assert links >= EVERYONE | LEADER_PAGES | COCKPIT_PAGES
    assert not links & (OFFICE_PAGES | UNIT_PAGES | ADMIN_PAGES)


def test_the_system_administrator_sees_the_settings_and_no_business(as_, admin):
    links = menu(as_(admin), reverse("escalation:policy"))
    assert links >= ADMIN_PAGES
    assert reverse("admin:index") in links
    assert not links & (EVERYONE | OFFICE_PAGES | UNIT_PAGES | LEADER_PAGES | COCKPIT_PAGES)
    assert reverse("notify:inbox") not in links


def test_the_security_administrator_sees_the_peoples_roles_and_no_business(as_, security):
    links = menu(as_(security), reverse("home"))
    assert reverse("admin:org_person_changelist") in links
    assert not links & (EVERYONE | OFFICE_PAGES | UNIT_PAGES | LEADER_PAGES | ADMIN_PAGES)


def test_the_auditor_sees_no_business_nor_settings(as_, auditor):
    links = menu(as_(auditor), reverse("home"))
    assert not links & (EVERYONE | OFFICE_PAGES | UNIT_PAGES | LEADER_PAGES | ADMIN_PAGES)
    assert reverse("admin:index") not in links and reverse("admin:org_person_changelist") not in links


def test_the_page_shown_is_marked_current(as_, liaison_a):
    html = as_(liaison_a).get(reverse("escalation:unit")).content.decode()
    current = [href for href, is_current in parse(html).nav_links if is_current]
    assert current == [reverse("escalation:unit")]


def test_signed_out_there_is_no_menu(client, db):
    html = client.get(reverse("login")).content.decode()
    assert 'id="nav-main"' not in html
