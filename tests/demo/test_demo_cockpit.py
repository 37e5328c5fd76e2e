"""The demo city's cockpit and bulletins: every section has figures, every counted number of the office's and
of a leader's cockpit equals the count of the records it leads to, and the worker's last four Monday
bulletins are archived, numbered by their week."""

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from luoshi.cockpit import figures
from luoshi.cockpit.models import Bulletin
from luoshi.cockpit.scope import for_leader
from luoshi.org.models import Person, Role
from tests.cockpit.drill import checked_links

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = (date(TODAY.year, 1, 1), date(TODAY.year, 12, 31))


def reader(person: Person) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    return client


def test_every_section_of_the_offices_cockpit_leads_to_as_many_records(city):
    office = Person.objects.get(username="office")
    found = figures.sections(for_leader(office, None, *YEAR, TODAY))
    client = reader(office)
    for name, section in found.items():
        assert any(f["value"] for f in section["figures"]), name
        assert checked_links(client, section) > 0, name


def test_a_leaders_cockpit_is_his_own_and_leads_to_as_many_records(city):
    leader = next(
        p
        for p in Person.objects.filter(is_active=True).order_by("pk")
        if p.has_role(Role.LEADER) and p.supervised_units.exists()
    )
    mine = figures.sections(for_leader(leader, leader, *YEAR, TODAY))
    city_wide = figures.sections(for_leader(leader, None, *YEAR, TODAY))
    lists = {f["key"]: f["value"] for f in mine["lists"]["figures"]}
    assert 0 < lists["issued"] < {f["key"]: f["value"] for f in city_wide["lists"]["figures"]}["issued"]
    client = reader(leader)
    for name in ("lists", "ladder", "public", "fieldwork"):
        checked_links(client, mine[name])


def test_the_last_four_mondays_bulletins_are_archived_and_numbered_by_their_week(city):
    made = list(Bulletin.objects.order_by("period_from"))
    assert len(made) == 4 and all(b.created_by is None for b in made)
    assert [b.number for b in made] == [made[0].period_from.isocalendar().week + i for i in range(4)]
    assert all(bytes(b.pdf).startswith(b"%PDF") and bytes(b.docx).startswith(b"PK") for b in made)
    assert made[-1].period_to < TODAY and (TODAY - made[-1].period_to).days <= 7 + 2
