"""The league table by kind of work: the web page's select, its XLSX export and /api/v1/stats/units."""

import io
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils.http import content_disposition_header
from openpyxl import load_workbook

from luoshi.duties.sweep import sweep
from luoshi.org.models import Unit
from tests.duties.conftest import at, publish
from tests.duties.errands import KIND, errand, errand_duty  # noqa: F401
from tests.duties.test_board_view import counted

LEAGUE = reverse("escalation:league")
EXPORT = reverse("escalation:league_export")
PERIOD = {"from": "2026-01-01", "to": "2026-03-20"}


@pytest.fixture(autouse=True)
def on_0320():
    with time_machine.travel(at(date(2026, 3, 20), 11), tick=False):
        yield


@pytest.fixture
def urged_both(errand, office, unit_a, unit_b):  # noqa: F811
    """unit_a late on an errand, unit_b on a list: each urged once on Tue 03-10."""
    errand_duty(unit_a, "代办跑腿事项")
    publish(office, unit_b)
    sweep(at(date(2026, 3, 10)))


def urges(response) -> dict[str, int]:
    assert response.status_code == 200
    return {r["unit_name"]: r["urges"] for r in response.context["rows"]}


def test_one_kind_registered_shows_no_select_but_takes_the_filter(as_, liaison_a, lists_only):
    html = as_(liaison_a).get(LEAGUE).content.decode()
    assert 'name="owner_kind"' not in html
    response = as_(liaison_a).get(LEAGUE, {"owner_kind": "list"})
    assert response.status_code == 200
    assert 'type="hidden" name="owner_kind" value="list"' in response.content.decode()  # kept by "Show"


def test_the_league_is_filtered_by_kind(as_, urged_both, liaison_a, unit_a, unit_b):
    client = as_(liaison_a)
    html = client.get(LEAGUE).content.decode()
    assert 'name="owner_kind"' in html and '<option value="errand">Errand</option>' in html
    assert urges(client.get(LEAGUE, {**PERIOD, "owner_kind": KIND})) == {unit_a.name: 1, unit_b.name: 0}
    assert urges(client.get(LEAGUE, {**PERIOD, "owner_kind": "list"})) == {unit_a.name: 0, unit_b.name: 1}
    assert urges(client.get(LEAGUE, PERIOD)) == {unit_a.name: 1, unit_b.name: 1}
    response = client.get(LEAGUE, {**PERIOD, "owner_kind": KIND, "sort": "urges"})
    assert "owner_kind=errand" in response.content.decode()  # sorting keeps the kind


def test_the_export_is_filtered_by_kind_and_says_which(as_, urged_both, office, unit_a, unit_b):
    response = as_(office).get(EXPORT, {**PERIOD, "owner_kind": KIND, "sort": "urges", "desc": "1"})
    assert response.status_code == 200
    name = "单位排名-errand-2026-01-01-2026-03-20.xlsx"  # the kind's Chinese name, once translated
    assert response["Content-Disposition"] == content_disposition_header(True, name)
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[5]) for r in rows[:2]] == [(unit_a.name, 1), (unit_b.name, 0)]


def test_an_unknown_kind_gets_400_with_a_message(as_, liaison_a):
    response = as_(liaison_a).get(LEAGUE, {"owner_kind": "ledger"})
    assert response.status_code == 400 and "Unknown kind of work" in response.content.decode()
    assert as_(liaison_a).get(EXPORT, {"owner_kind": "ledger"}).status_code == 400


def test_the_api_filters_by_kind(api, urged_both, office, unit_a, unit_b):
    def urges_by_unit(**params) -> dict[int, int]:
        response = api(office).get("/stats/units", **PERIOD, **params)
        assert response.status_code == 200, response.content
        return {r["unit"]: r["urges"] for r in response.json()}

    assert urges_by_unit(owner_kind=KIND)[unit_a.pk] == 1 and urges_by_unit(owner_kind=KIND)[unit_b.pk] == 0
    assert urges_by_unit(owner_kind="list")[unit_b.pk] == 1 and urges_by_unit(owner_kind="list")[unit_a.pk] == 0
    assert urges_by_unit(owner_kind="") == urges_by_unit()


@pytest.mark.parametrize("kind", ["ledger", "x" * 300])
def test_the_api_refuses_an_unknown_kind(api, office, kind):
    response = api(office).get("/stats/units", owner_kind=kind)
    assert response.status_code == 400 and response.json()["field"] == "owner_kind"


def test_the_filtered_league_runs_a_constant_number_of_queries(as_, urged_both, liaison_a, unit_a):
    client = as_(liaison_a)
    params = {**PERIOD, "owner_kind": KIND}
    client.get(LEAGUE, params)  # warm: the session, the content types
    few, n_few = counted(client, LEAGUE, params)
    Unit.objects.bulk_create(Unit(name=f"单位{i}", kind="town") for i in range(12))
    for n in range(3):
        errand_duty(unit_a, f"跑腿{n}")
    many, n_many = counted(client, LEAGUE, params)
    assert (len(few.context["rows"]), len(many.context["rows"])) == (2, 14) and n_few == n_many
