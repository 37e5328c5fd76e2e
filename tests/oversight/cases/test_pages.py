"""The cases page: tabs with counts, filters by unit and period, a fixed number of queries whatever the
number of rows (pages and API)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.oversight import cases_records
from tests.conftest import TODAY, make_person
from tests.oversight.cases.conftest import PAST, decision_on, talk_with, violation_of


def queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200, getattr(response, "content", b"")[:500]
    return len(ctx.captured_queries)


def add_rows(office, unit, n: int, list_id: int) -> None:
    for i in range(n):
        person = make_person(f"p{unit.pk}_{i}_{n}", [], unit, name=f"干部{i}")
        talk_with(office, person=person, reasons=[("list", list_id)])
        violation_of(office, person)
        decision_on(office, person=person, reasons=[("list", list_id)])
        cases_records.do_create_incident(
            office, cases_records.IncidentInput(title=f"事件{i}", happened_on=PAST, units=[unit], people=[person])
        )


@pytest.mark.parametrize("tab", ["talks", "incidents", "violations", "accountability"])
def test_the_cases_page_runs_the_same_queries_for_one_row_or_many(as_, office, unit_a, published_list, tab):
    client = as_(office)
    add_rows(office, unit_a, 1, published_list.pk)
    one = queries(lambda: client.get(reverse("oversight:cases"), {"tab": tab}))
    add_rows(office, unit_a, 6, published_list.pk)
    many = queries(lambda: client.get(reverse("oversight:cases"), {"tab": tab}))
    assert one == many


@pytest.mark.parametrize("path", ["/talks", "/incidents", "/violations", "/accountability"])
def test_the_lists_of_the_api_run_the_same_queries_for_one_row_or_many(api, office, unit_a, published_list, path):
    c = api(office)
    c.get("/talks")  # the token's first use is recorded once, not measured here
    add_rows(office, unit_a, 1, published_list.pk)
    one = queries(lambda: c.get(path))
    add_rows(office, unit_a, 6, published_list.pk)
    many = queries(lambda: c.get(path))
    assert one == many


def test_the_tabs_count_what_the_filters_keep(as_, office, unit_a, unit_b, clerk_a):
    talk_with(office, unit=unit_a)
    talk_with(office, unit=unit_b, held_on=TODAY - timedelta(days=40))
    violation_of(office, clerk_a)
    client = as_(office)
    counts = {t["value"]: t["count"] for t in client.get(reverse("oversight:cases")).context["tabs"]}
    assert counts == {"talks": 2, "incidents": 0, "violations": 1, "accountability": 0}
    page = client.get(reverse("oversight:cases"), {"unit": unit_b.pk})
    assert [t.unit_id for t in page.context["rows"]] == [unit_b.pk]
    page = client.get(reverse("oversight:cases"), {"start": (TODAY - timedelta(days=20)).isoformat()})
    assert {t["value"]: t["count"] for t in page.context["tabs"]}["talks"] == 1
    assert client.get(reverse("oversight:cases"), {"kind": "criticism"}).context["rows"] == []


@pytest.mark.parametrize(
    "params",
    [{"tab": "gossip"}, {"unit": "999999"}, {"start": "2026-13-01"}, {"start": "2026-03-01", "end": "2026-02-01"}],
)
def test_a_filter_the_page_cannot_use_is_a_400(as_, office, params):
    r = as_(office).get(reverse("oversight:cases"), params)
    assert r.status_code == 400 and r.context["errors"]


def test_the_page_offers_the_officers_their_forms_and_no_one_else(as_, office, head_a):
    assert 'id="case-actions"' in as_(office).get(reverse("oversight:cases")).content.decode()
    assert 'id="case-actions"' not in as_(head_a).get(reverse("oversight:cases")).content.decode()


def test_the_detail_pages_render_their_reasons(as_, office, clerk_a, published_list):
    talk = talk_with(office, person=clerk_a, reasons=[("list", published_list.pk)])
    case = decision_on(office, person=clerk_a, reasons=[("talk", talk.pk), ("list", published_list.pk)])
    client = as_(office)
    html = client.get(reverse("oversight:talk", args=[talk.pk])).content.decode()
    assert f'data-reason="list:{published_list.pk}"' in html and published_list.title in html
    html = client.get(reverse("oversight:accountability", args=[case.pk])).content.decode()
    assert f'data-reason="talk:{talk.pk}"' in html and reverse("oversight:talk", args=[talk.pk]) in html
