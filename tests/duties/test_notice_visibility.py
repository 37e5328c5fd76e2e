"""Who may see a unit's urge notices and supervision orders: the unit itself, the office, the list's
responsible leader and the leaders who supervise the unit, nobody else (not the other units of the
same list). The same rule behind the downloads, the API, the unit page and the loop's links."""

from datetime import date

import pytest
from django.urls import reverse

from luoshi.duties.models import Escalation
from luoshi.duties.queries import escalation_scope, visible_escalations
from luoshi.duties.sweep import sweep
from luoshi.org.models import Unit
from tests.conftest import english, make_person
from tests.duties.conftest import at, publish


@pytest.fixture
def stranger_unit(db) -> Unit:
    return Unit.objects.create(name="西固区", kind="district")


@pytest.fixture
def people(office, leader, other_leader, liaison_a, head_a, liaison_b, unit_c, stranger_unit):
    """leader: the list's responsible leader (supervises unit_a); other_leader supervises unit_c."""
    far_leader = make_person("leader3", ["leader"], name="钱副市长")
    far_leader.supervised_units.add(stranger_unit)
    return {
        "office": office,
        "leader": leader,
        "other_leader": other_leader,
        "liaison_a": liaison_a,
        "head_a": head_a,
        "liaison_b": liaison_b,
        "liaison_c": make_person("liaison_c", ["liaison"], unit_c),
        "stranger": make_person("liaison_x", ["liaison"], stranger_unit),
        "far_leader": far_leader,
    }


@pytest.fixture
def notices(people, office, leader, unit_a, unit_b, unit_c):
    """Three units on one list, each urged (03-10) and ordered (03-16): {unit name: [urge, order]}."""
    rlist = publish(office, unit_a, [unit_b, unit_c], leader=leader)
    sweep(at(date(2026, 3, 10)))
    sweep(at(date(2026, 3, 16)))
    by_unit: dict[str, list[Escalation]] = {}
    for esc in Escalation.objects.filter(step__in=["urge", "order"]).select_related("unit").order_by("pk"):
        by_unit.setdefault(esc.unit.name, []).append(esc)
    assert {name: [e.step for e in escs] for name, escs in by_unit.items()} == {
        unit_a.name: ["urge", "order"],
        unit_b.name: ["urge", "order"],
        unit_c.name: ["urge", "order"],
    }
    return rlist, by_unit


A, B, C = "市工信委", "城关区", "榆中县"  # unit_a, unit_b, unit_c
SEES = {
    "office": {A, B, C},
    "leader": {A, B, C},  # responsible for the list
    "other_leader": {C},  # supervises unit_c only
    "liaison_a": {A},
    "head_a": {A},
    "liaison_b": {B},
    "liaison_c": {C},
    "stranger": set(),
    "far_leader": set(),
}


@pytest.mark.parametrize("who", list(SEES))
def test_the_downloads_follow_the_rule(client, people, notices, who):
    _rlist, by_unit = notices
    client.force_login(people[who])
    for name, escs in by_unit.items():
        for esc in escs:
            docx = client.get(reverse("escalation:notice", args=[esc.pk, "docx"]))
            if name in SEES[who]:
                assert docx.status_code == 200 and docx.content[:2] == b"PK", (who, name)
            else:  # (the PDF is refused before anything is rendered; test_documents.py renders it)
                pdf = client.get(reverse("escalation:notice", args=[esc.pk, "pdf"]))
                assert (docx.status_code, pdf.status_code) == (404, 404), (who, name)


@pytest.mark.parametrize("who", list(SEES))
def test_the_api_follows_the_rule(api, people, notices, who):
    rlist, by_unit = notices
    body = api(people[who]).get("/escalations", list=rlist.pk, limit=100).json()
    wanted = {e.pk for name in SEES[who] for e in by_unit[name]}
    assert {i["id"] for i in body["items"] if i["step"] in ("urge", "order")} == wanted
    assert {i["unit_name"] for i in body["items"]} <= SEES[who]


def test_a_co_unit_sees_its_own_on_its_page_and_no_links_to_the_others(client, people, notices):
    rlist, by_unit = notices
    client.force_login(people["liaison_b"])
    english(client)
    shown = client.get(reverse("escalation:unit")).context["escalations"]
    assert {e.unit.name for e in shown} == {B}
    loop = client.get(reverse("lists:loop", args=[rlist.pk])).content.decode()
    for name, escs in by_unit.items():
        for esc in escs:
            link = reverse("escalation:notice", args=[esc.pk, "pdf"])
            assert (link in loop) == (name == B), name
            assert esc.number in loop  # the loop still tells who was urged: only the paper is the unit's


def test_the_responsible_leader_gets_links_to_every_units_notices(client, people, notices):
    rlist, by_unit = notices
    client.force_login(people["leader"])
    loop = client.get(reverse("lists:loop", args=[rlist.pk])).content.decode()
    assert all(reverse("escalation:notice", args=[e.pk, "docx"]) in loop for escs in by_unit.values() for e in escs)


def test_the_scope_and_the_query_agree(people, notices):
    rows = list(Escalation.objects.select_related("duty"))
    for who, person in people.items():
        scope = escalation_scope(person)
        by_scope = {e.pk for e in rows if scope.may_see(e.unit_id, e.duty.leader_id)}
        assert set(visible_escalations(person).values_list("pk", flat=True)) == by_scope, who
