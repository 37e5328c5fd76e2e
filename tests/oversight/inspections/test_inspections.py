"""Campaigns: created by the office with their team, coded by year, refused with the field named, stored
once per key; the index and page show each person what is theirs to see."""

from datetime import timedelta

import pytest
from django.urls import reverse

from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.oversight import inspections
from luoshi.oversight.models import Inspection
from tests.oversight.inspections.conftest import today


def data(leader, **extra) -> inspections.InspectionInput:
    values = {
        "title": "重点项目推进情况专项督查",
        "leader": leader,
        "period_from": today(),
        "period_to": today() + timedelta(days=7),
        "methods": ["site_visit", "unannounced"],
    }
    return inspections.InspectionInput(**{**values, **extra})


def test_the_office_creates_a_campaign_with_its_team_and_units(office, inspector, member, team_unit, unit_a):
    i, created = inspections.do_create_inspection(
        office, data(inspector, members=[member], team_units=[team_unit], units=[unit_a])
    )
    assert created and i.code == f"{today().year}-DC-001"
    assert list(i.members.all()) == [member] and list(i.team_units.all()) == [team_unit]
    assert list(i.inspected.values_list("unit_id", flat=True)) == [unit_a.pk]
    assert Event.objects.get(kind="inspection.created").after["units"] == [unit_a.pk]
    second, _ = inspections.do_create_inspection(office, data(inspector))
    assert second.code == f"{today().year}-DC-002"


def test_only_the_office_creates_campaigns(inspector, leader):
    for person in (inspector, leader):
        with pytest.raises(NotAllowed):
            inspections.do_create_inspection(person, data(inspector))


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"title": " "}, "title"),
        ({"title": "督查\x1b[31m"}, "title"),
        ({"methods": []}, "methods"),
        ({"methods": ["phone_call"]}, "methods"),
        ({"period_to": today() - timedelta(days=1)}, "period_to"),
        ({"period_from": today().replace(year=1999)}, "period_from"),
    ],
)
def test_bad_campaigns_are_refused_naming_the_field(office, inspector, extra, field):
    with pytest.raises(InvalidInput) as err:
        inspections.do_create_inspection(office, data(inspector, **extra))
    assert err.value.field == field and not Inspection.objects.exists()


def test_a_privileged_person_cannot_lead_a_team(office, admin):
    with pytest.raises(InvalidInput) as err:
        inspections.do_create_inspection(office, data(admin))
    assert err.value.field == "leader"


def test_the_same_key_creates_one_campaign(office, inspector):
    first, _ = inspections.do_create_inspection(office, data(inspector), submission_key="c-1")
    again, created = inspections.do_create_inspection(office, data(inspector), submission_key="c-1")
    assert first == again and not created and Inspection.objects.count() == 1


def test_the_new_campaign_form(as_, office, inspector, member, unit_a):
    c = as_(office)
    url = reverse("oversight:inspection_new")
    assert c.get(url).status_code == 200
    post = {
        "title": "清单落实情况督查",
        "leader": inspector.pk,
        "members": [member.pk],
        "period_from": today().isoformat(),
        "period_to": (today() + timedelta(days=5)).isoformat(),
        "methods": ["discussion", "spot_check"],
        "units": [unit_a.pk],
        "submission_key": "form-1",
    }
    r = c.post(url, post)
    i = Inspection.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("oversight:inspection", args=[i.pk])
    assert c.post(url, post).status_code == 302 and Inspection.objects.count() == 1
    assert c.post(url, {**post, "methods": [], "submission_key": ""}).status_code == 400
    assert as_(inspector).get(url).status_code == 403


@pytest.mark.parametrize("who", ["office", "discipline", "leader", "inspector", "member", "liaison_a", "liaison_b"])
def test_the_index_lists_the_campaign_for_those_concerned(request, as_, inspection, who):
    page = as_(request.getfixturevalue(who)).get(reverse("oversight:inspections")).content.decode()
    assert inspection.title in page


@pytest.mark.parametrize("who", ["outsider", "colleague"])
def test_the_index_hides_the_campaign_from_the_others(request, as_, inspection, who):
    page = as_(request.getfixturevalue(who)).get(reverse("oversight:inspections")).content.decode()
    assert inspection.title not in page


def test_the_team_sees_the_whole_campaign(as_, member, inspection, unit_a, unit_b):
    page = as_(member).get(reverse("oversight:inspection", args=[inspection.pk])).content.decode()
    assert 'id="inspected-units"' in page and unit_a.name in page and unit_b.name in page
    assert 'id="record-finding"' in page and 'id="draw-form"' not in page  # the leader and the office draw
