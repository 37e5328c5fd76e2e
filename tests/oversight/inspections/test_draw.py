"""The random draw of units: reproducible from its stored seed and candidates, recorded, refused when it
cannot be made, and made only by the office or the team's leader."""

import random

import pytest
from django.urls import reverse

from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.org.models import Unit
from luoshi.oversight import inspections
from luoshi.oversight.inspections import DrawInput
from luoshi.oversight.models import Draw, InspectedUnit


@pytest.fixture
def towns(db, unit_c) -> list[Unit]:
    """Twelve towns of 榆中县 and three elsewhere."""
    mine = [Unit.objects.create(name=f"榆中{i}镇", kind="town", parent=unit_c) for i in range(12)]
    other = Unit.objects.create(name="皋兰县", kind="district")
    mine += [Unit.objects.create(name=f"皋兰{i}镇", kind="town", parent=other) for i in range(3)]
    return mine


def test_anyone_redraws_the_same_units_from_the_seed(office, inspection, towns):
    d, created = inspections.do_draw(office, inspection, DrawInput(count=5, kind="town", seed="兰州-2026"))
    assert created and len(d.drawn) == 5 and d.seed == "兰州-2026"
    assert d.candidates == sorted(u.pk for u in towns)
    assert random.Random("兰州-2026").sample(d.candidates, 5) == d.drawn
    assert set(InspectedUnit.objects.filter(draw=d).values_list("unit_id", flat=True)) == set(d.drawn)
    event = Event.objects.get(kind="inspection.drawn", subject_id=inspection.pk)
    assert event.after["seed"] == "兰州-2026" and event.after["drawn"] == d.drawn


def test_the_same_seed_over_the_same_candidates_draws_the_same(office, inspection, towns):
    assert inspections.draw_units("42", list(range(1, 50)), 7) == inspections.draw_units("42", list(range(1, 50)), 7)
    assert inspections.draw_units("42", list(range(1, 50)), 7) != inspections.draw_units("43", list(range(1, 50)), 7)


def test_a_draw_under_one_county_keeps_its_scope(office, inspection, towns, unit_c):
    d, _ = inspections.do_draw(office, inspection, DrawInput(count=3, kind="town", parent=unit_c.pk, seed="s"))
    assert d.scope == {"kind": "town", "parent": unit_c.pk}
    assert set(d.candidates) == {u.pk for u in towns if u.parent_id == unit_c.pk}


def test_units_already_inspected_and_the_teams_own_are_not_candidates(office, inspection, unit_a, unit_b, team_unit):
    extra = Unit.objects.create(name="市人社局", kind="department")
    d, _ = inspections.do_draw(
        office, inspection, DrawInput(count=1, units=[unit_a.pk, unit_b.pk, team_unit.pk, extra.pk], seed="1")
    )
    assert d.candidates == [extra.pk] and d.drawn == [extra.pk]
    assert d.scope == {"units": sorted([unit_a.pk, unit_b.pk, team_unit.pk, extra.pk])}
    with pytest.raises(Conflict):
        inspections.do_draw(office, inspection, DrawInput(count=1, units=[extra.pk]))


def test_a_fresh_seed_is_made_and_kept_when_none_is_given(inspector, inspection, towns):
    d, _ = inspections.do_draw(inspector, inspection, DrawInput(count=2, kind="town"))
    assert d.seed and random.Random(d.seed).sample(d.candidates, 2) == d.drawn


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (DrawInput(count=99, kind="town"), "count"),
        (DrawInput(count=0, kind="town"), "count"),
        (DrawInput(count=1), "scope"),
        (DrawInput(count=1, kind="office"), "scope"),
        (DrawInput(count=1, units=[2**31 - 1]), "scope"),
        (DrawInput(count=1, kind="town", seed="a\x00"), "seed"),
        (DrawInput(count=1, kind="town", seed="x" * 65), "seed"),
    ],
)
def test_a_bad_draw_names_its_field_and_draws_nothing(office, inspection, towns, data, field):
    with pytest.raises(InvalidInput) as err:
        inspections.do_draw(office, inspection, data)
    assert err.value.field == field and not Draw.objects.exists()


def test_only_the_office_and_the_teams_leader_draw(member, liaison_a, leader, inspection, towns):
    for person in (member, liaison_a, leader):
        with pytest.raises(NotAllowed):
            inspections.do_draw(person, inspection, DrawInput(count=1, kind="town"))


def test_the_same_key_draws_once(office, inspection, towns):
    first, created = inspections.do_draw(office, inspection, DrawInput(count=2, kind="town"), submission_key="d1")
    again, created_again = inspections.do_draw(office, inspection, DrawInput(count=2, kind="town"), submission_key="d1")
    assert created and not created_again and first == again and Draw.objects.count() == 1


def test_the_draw_form_draws_and_the_page_shows_seed_and_candidates(as_, office, inspection, towns):
    c = as_(office)
    url = reverse("oversight:inspection_draw", args=[inspection.pk])
    r = c.post(url, {"draw_from": "town", "count": 4, "seed": "2026-05", "submission_key": "k"})
    assert r.status_code == 302
    assert c.post(url, {"draw_from": "town", "count": 4, "seed": "2026-05", "submission_key": "k"}).status_code == 302
    d = Draw.objects.get()
    page = c.get(reverse("oversight:inspection", args=[inspection.pk])).content.decode()
    assert "2026-05" in page and str(d.drawn) in page and str(d.candidates) in page
    r = c.post(url, {"draw_from": "town", "count": 400})
    assert r.status_code == 400


def test_the_draw_form_is_refused_to_a_member(as_, member, inspection, towns):
    url = reverse("oversight:inspection_draw", args=[inspection.pk])
    assert as_(member).post(url, {"draw_from": "town", "count": 1}).status_code == 403
