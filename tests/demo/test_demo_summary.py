"""The demo city's year in figures: the demo year to date gives the article's numbers (its first half for the
half-year ones: talks, violations, accountability, trips and days, investment), read from stored records by
cockpit.summary, and the API and the page answer the same."""

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from luoshi.cockpit import summary
from luoshi.cockpit.views_summary import links
from luoshi.org.models import Person
from tests.cockpit.drill import drill_count
from tests.cockpit.test_summary import SAME_COUNT
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR_TO_DATE = summary.Period(date(TODAY.year, 1, 1), TODAY)
FIRST_HALF = summary.Period(date(TODAY.year, 1, 1), date(TODAY.year, 6, 30))
HALF_YEAR_PASSED = date(TODAY.year, 7, 25) <= TODAY  # the ledger's June figures reported and frozen
needs_half_year = pytest.mark.skipif(not HALF_YEAR_PASSED, reason="the demo's year has not reached its audit")


@pytest.fixture
def year(city) -> dict:
    return summary.compute(YEAR_TO_DATE)


@pytest.fixture
def half(city) -> dict:
    return summary.compute(FIRST_HALF)


def test_the_year_to_date_has_the_articles_lists_ledger_and_inspections(year):
    assert year["lists"] == {"issued": 148, "completed": 98, "in_progress": 50}
    assert year["ledger"]["tasks"] >= 1000
    assert year["inspections"] == {"units_inspected": 82, "findings": 461, "units_talked": 15}


def test_the_year_to_date_has_the_articles_media_figures(year):
    public = year["public"]
    assert 500 <= public["problems"] < 600
    assert 35 <= public["exposed"] <= 45
    assert 18 <= public["programme_episodes"] <= 22
    assert public["units_on_air"] >= 20


def test_the_first_half_has_the_articles_discipline_and_fieldwork(half):
    assert half["discipline"] == {"talks": 14186, "violations": 64, "accountable": 87, "disciplined": 33}
    assert half["fieldwork"]["trips"] >= 110 and half["fieldwork"]["days"] >= 80


@needs_half_year
def test_the_first_half_has_the_articles_investment(half):
    assert half["projects"] == {
        "signed": 613,
        "total_investment": "1240.88",
        "funds_in_place": "472.91",
        "fixed_asset_investment": "673.01",
    }


def test_the_api_and_the_page_answer_the_same_figures(city, year):
    office = Person.objects.get(username="office")
    response = ApiClient(office).get("/stats/summary", **{"from": YEAR_TO_DATE.start.isoformat()})
    assert response.status_code == 200, response.content
    assert response.json() == year
    liaison = Person.objects.get(username="gxw_liaison")
    assert ApiClient(liaison).get("/stats/summary").status_code == 403

    client = Client(headers={"accept-language": "en"})
    client.force_login(Person.objects.get(username="leader01"))
    page = client.get("/cockpit/summary/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="summary-lists-issued"' in html and 'data-value="148"' in html
    assert 'id="summary-discipline-talks"' in html


def test_the_figures_an_index_can_show_lead_to_as_many_records(city, year):
    client = Client()
    client.force_login(Person.objects.get(username="office"))
    urls = links(YEAR_TO_DATE)
    for section, key in SAME_COUNT:
        assert drill_count(client, urls[section][key]) == year[section][key], (section, key)
