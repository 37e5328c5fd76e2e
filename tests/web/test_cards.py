"""Wide tables become cards on phones: every body cell names its column (data-label = the column's
heading), so a card shows each column a desktop shows. The loop page lights only open work."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.lists import completion
from tests.conftest import NOW
from tests.duties.conftest import at, make_urged
from tests.web.html import card_tables


def assert_labelled(
    html: str, table_id: str, min_rows: int = 1, unlabelled: tuple[str, ...] = (), renamed: dict | None = None
) -> dict:
    """`unlabelled`: headings only screen readers read (a column of buttons): their cells take the card's
    width. `renamed`: a heading shown as a sign (#) whose cells name it in words. Rows without any label
    (a group's heading) are skipped."""
    table = card_tables(html)[table_id]
    heads = [h.removesuffix(" ▲").removesuffix(" ▼") for h in table["heads"]]  # the sorted column's arrow
    heads = [(renamed or {}).get(h, h) for h in heads if h not in unlabelled]
    rows = [row for row in table["rows"] if any(label is not None for label, _text in row)]
    assert len(rows) >= min_rows
    for row in rows:
        labels = [label for label, _text in row if label is not None]
        assert labels == heads, (table_id, labels, heads)
    return {"heads": heads, "rows": rows}


def light_cells(html: str) -> list[str]:
    return [dict(row)["Light"] for row in card_tables(html)["obligations"]["rows"]]


@pytest.fixture
def on_0320():
    with time_machine.travel(at(date(2026, 3, 20), 11), tick=False):
        yield


@pytest.fixture
def urged(office, leader, unit_a, unit_b, liaison_a, liaison_b, head_a):
    return make_urged(office, leader, unit_a, unit_b, liaison_b)


def test_the_loop_table_is_labelled_and_lit_while_in_progress(as_, published_list, office):
    html = as_(office).get(reverse("lists:loop", args=[published_list.pk])).content.decode()
    assert_labelled(html, "obligations", min_rows=2)
    assert all(cell in {"green", "yellow", "red"} for cell in light_cells(html))  # the light's name, not only a dot
    assert 'id="light-legend"' in html and "Green: on track" in html and "Red: seriously overdue" in html


def test_a_struck_off_list_shows_no_lights(as_, published_list, office, liaison_a, liaison_b):
    for ob, person in zip(published_list.duties.order_by("-role", "id"), [liaison_a, liaison_b], strict=True):
        duty_services.do_report(person, ob, progress=100, done="完成", request_completion=True, now=NOW)
        duty_completion.do_accept(office, ob, now=NOW)
    completion.do_close(office, published_list, now=NOW + timedelta(days=1))
    html = as_(office).get(reverse("lists:loop", args=[published_list.pk])).content.decode()
    table = html[html.index('id="obligations"') : html.index("</table>", html.index('id="obligations"'))]
    assert "light-green" not in table and "light-" not in table
    assert light_cells(html) == ["Closed", "Closed"]
    assert 'id="light-legend"' not in html


def test_finished_and_awaiting_units_show_their_state_not_a_light(as_, published_list, office, liaison_a, liaison_b):
    lead, co = published_list.duties.order_by("-role", "id")
    duty_services.do_report(liaison_a, lead, progress=100, done="完成", request_completion=True, now=NOW)
    duty_completion.do_accept(office, lead, now=NOW)
    duty_services.do_report(liaison_b, co, progress=100, done="完成", request_completion=True, now=NOW)
    html = as_(office).get(reverse("lists:loop", args=[published_list.pk])).content.decode()
    assert light_cells(html) == ["Completed", "Waiting for acceptance"]


def test_a_drafts_units_are_pending_publication_without_a_light(as_, draft_list, office):
    html = as_(office).get(reverse("lists:loop", args=[draft_list.pk])).content.decode()
    rows = [dict(row) for row in assert_labelled(html, "obligations", min_rows=2)["rows"]]
    assert [r["Status"] for r in rows] == ["Pending publication"] * 2
    assert [r["Light"] for r in rows] == ["Pending publication"] * 2
    assert "In progress" not in " ".join(r["Status"] for r in rows)
    table = html[html.index('id="obligations"') : html.index("</table>", html.index('id="obligations"'))]
    assert "light-" not in table


def test_the_leaders_orders_are_labelled(as_, urged, leader, on_0320):
    html = as_(leader).get(reverse("escalation:orders")).content.decode()
    table = assert_labelled(html, "orders")
    row = dict(table["rows"][0])
    assert row["Unit"] == "市工信委" and row["List"].startswith("推进兰州新区产业园区建设")
    assert row["Date"] == "2026-03-16" and row["Was due"] == "2026-03-09"


def test_the_units_urges_and_the_board_are_labelled(as_, urged, liaison_a, office, on_0320):
    assert_labelled(as_(liaison_a).get(reverse("escalation:unit")).content.decode(), "escalations", min_rows=2)
    assert_labelled(as_(office).get(reverse("escalation:board")).content.decode(), "board", unlabelled=("Actions",))


def test_the_units_work_and_the_league_are_labelled(as_, urged, liaison_a, on_0320):
    client = as_(liaison_a)
    html = client.get(reverse("lists:inbox")).content.decode()
    row = dict(assert_labelled(html, "unit-work", unlabelled=("Actions",))["rows"][0])
    assert row["Light"] in {"green", "yellow", "red"} and row["Role"] == "Lead unit"
    assert 'id="light-legend"' in html
    html = client.get(reverse("escalation:league")).content.decode()
    assert_labelled(html, "league", min_rows=2, renamed={"#": "Rank"})
    # the cards hide the sortable headings: the same sorting links stand above them
    sort = html[html.index('id="league-sort"') : html.index("</nav>", html.index('id="league-sort"'))]
    assert sort.count("sort=") == 8
