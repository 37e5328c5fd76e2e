"""The league table of units: period, sorting, XLSX export, bad input and a constant number of queries."""

import io
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from openpyxl import load_workbook

from luoshi.duties.views_league import COLUMNS
from luoshi.org.models import Unit
from tests.duties.conftest import at
from tests.duties.test_board_view import counted

LEAGUE = reverse("escalation:league")
EXPORT = reverse("escalation:league_export")


@pytest.fixture(autouse=True)
def on_0320():
    with time_machine.travel(at(date(2026, 3, 20), 11), tick=False):
        yield


def by_unit(response) -> dict[str, dict]:
    return {r["unit_name"]: r for r in response.context["rows"]}


def names(response) -> list[str]:
    return [r["unit_name"] for r in response.context["rows"]]


def test_everyone_signed_in_sees_the_year_so_far(as_, urged, liaison_a, unit_a, unit_b):
    response = as_(liaison_a).get(LEAGUE)
    assert response.status_code == 200
    assert (response.context["start"], response.context["end"]) == (date(2026, 1, 1), date(2026, 3, 20))
    rows = by_unit(response)
    assert rows[unit_a.name]["urges"] == 1 and rows[unit_a.name]["orders"] == 1
    assert rows[unit_a.name]["overdue_now"] == 1
    assert rows[unit_b.name]["reports"] == 1 and rows[unit_b.name]["on_time_rate"] == 0.0
    assert rows[unit_b.name]["avg_days_late"] == 4  # due 03-09, filed 03-13
    html = response.content.decode()
    assert "2026-01-01 – 2026-03-20" in html and 'id="league-export"' in html
    # by default the best on-time rate first; units without reports last
    assert names(response)[0] == unit_b.name


def test_the_league_is_sorted_by_any_column(as_, urged, liaison_a, unit_a, unit_b, unit_c):
    client = as_(liaison_a)
    assert names(client.get(LEAGUE, {"sort": "orders", "desc": "1"}))[0] == unit_a.name
    assert names(client.get(LEAGUE, {"sort": "orders", "desc": "0"}))[-1] == unit_a.name
    assert names(client.get(LEAGUE, {"sort": "unit_name"})) == sorted([unit_a.name, unit_b.name, unit_c.name])
    response = client.get(LEAGUE, {"sort": "orders", "desc": "1"})
    headers = {h["key"]: h for h in response.context["headers"]}
    # clicking the sorted column turns it round; another column starts from its natural order
    assert headers["orders"]["active"] and headers["orders"]["desc"] == "0"
    assert headers["unit_name"]["desc"] == "0" and headers["urges"]["desc"] == "1"
    assert "sort=urges&amp;desc=1" in response.content.decode()


def test_a_period_narrows_what_is_counted(as_, urged, liaison_a, unit_a):
    response = as_(liaison_a).get(LEAGUE, {"from": "2026-03-11", "to": "2026-03-20"})
    assert response.status_code == 200
    assert by_unit(response)[unit_a.name]["urges"] == 0 and by_unit(response)[unit_a.name]["orders"] == 1
    # only "to": the period starts on 1 January of its year
    response = as_(liaison_a).get(LEAGUE, {"to": "2025-06-30"})
    assert (response.context["start"], response.context["end"]) == (date(2025, 1, 1), date(2025, 6, 30))


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "2026-03-20", "to": "2026-03-01"}, "The start date is after the end date."),
        ({"from": "soon"}, "valid date"),
        ({"to": "9999-12-31"}, "Give a date between 2000-01-01 and 2100-12-31."),
        ({"sort": "spank"}, "Unknown column"),
        ({"desc": "maybe"}, "0 (ascending) or 1 (descending)"),
    ],
)
def test_bad_input_gets_400_with_a_message(as_, liaison_a, params, message):
    response = as_(liaison_a).get(LEAGUE, params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert as_(liaison_a).get(EXPORT, params).status_code == 400


def test_the_league_needs_a_sign_in(client, db):
    assert client.get(LEAGUE).status_code == 302
    assert client.get(EXPORT).status_code == 302


def test_the_same_rows_download_as_xlsx(as_, urged, office, unit_a, unit_b):
    params = {"from": "2026-01-01", "to": "2026-03-20", "sort": "orders", "desc": "1"}
    page_rows = as_(office).get(LEAGUE, params).context["rows"]
    response = as_(office).get(EXPORT, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == content_disposition_header(True, "单位排名-2026-01-01-2026-03-20.xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    with translation.override("zh-hans"):
        expected = [str(label) for _key, label, _width in COLUMNS]
    assert [c.value for c in ws[1]] == expected
    assert all(c.font.bold for c in ws[1])
    assert ws.column_dimensions["A"].width == COLUMNS[0][2]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [r["unit_name"] for r in page_rows]
    assert rows[0][:7] == (unit_a.name, 0, 0, None, 1, 1, 1)


def test_the_default_export_is_the_year_so_far(as_, liaison_a):
    response = as_(liaison_a).get(EXPORT)
    assert response["Content-Disposition"] == content_disposition_header(True, "单位排名-2026-01-01-2026-03-20.xlsx")


def test_the_league_runs_a_constant_number_of_queries(as_, urged, unit_c, liaison_a, django_assert_max_num_queries):
    client = as_(liaison_a)
    with django_assert_max_num_queries(9):
        few, n_few = counted(client, LEAGUE)
    Unit.objects.bulk_create(Unit(name=f"单位{i}", kind="town") for i in range(12))
    with django_assert_max_num_queries(9):
        many, n_many = counted(client, LEAGUE)
    assert len(few.context["rows"]) == 3 and len(many.context["rows"]) == 15
    assert n_few == n_many


def test_an_end_before_the_start_is_shown_on_the_field(as_, urged, liaison_a):
    response = as_(liaison_a).get(LEAGUE, {"from": "2026-03-20", "to": "2026-03-01"})
    assert response.status_code == 400
    assert response.context["form"].errors["from"] == ["The start date is after the end date."]
    html = response.content.decode()
    # under the date field, marked invalid, not only in a box above; no table of the wrong period
    field = html[html.index('id="id_from"') - 200 : html.index('id="id_from_error"') + 80]
    assert "is-invalid" in field and "The start date is after the end date." in field
    assert html.count("The start date is after the end date.") == 1
    assert 'id="league"' not in html and 'id="league-export"' not in html


def test_hidden_fields_errors_still_show_above_the_table(as_, liaison_a):
    response = as_(liaison_a).get(LEAGUE, {"sort": "spank", "from": "2026-03-20", "to": "2026-03-01"})
    html = response.content.decode()
    assert 'id="input-errors"' in html and "Unknown column" in html
    assert 'id="id_from_error"' in html
