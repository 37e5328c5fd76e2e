"""The index and a leader's page on a phone: their table of lists becomes cards (cards.css) whose every
cell names its column, the lights are written out with a legend under the table (phones show no
tooltips), and the sorts the hidden headings offer stand above the cards. English pages (the cookie)."""

import re

import pytest
import time_machine
from django.urls import reverse

from luoshi.lists import queries
from tests.conftest import NOW, english
from tests.lists.test_index import INDEX, city  # noqa: F401  (a fixture)
from tests.web.html import card_tables

COLUMNS = [
    "Light",
    "Code",
    "Title",
    "Source",
    "Responsible leader",
    "Handling units",
    "Progress",
    "Next report due",
    "Deadline",
    "Status",
]


@pytest.fixture(autouse=True)
def travel():
    with time_machine.travel(NOW, tick=False):
        yield


def lists_table(html: str) -> list[dict[str, str]]:
    """The rows of the table of lists, each cell by its label; every cell labelled with its heading."""
    table = card_tables(html)["lists"]
    heads = [re.sub(r"\s*[▲▼↕]$", "", h) for h in table["heads"]]  # the sorting arrow beside the heading
    assert heads == COLUMNS
    for row in table["rows"]:
        assert [label for label, _text in row] == heads
    return [dict(row) for row in table["rows"]]


def title(row: dict[str, str]) -> str:
    """The title without the units' names under it (shown only between md and lg; the markup holds both)."""
    return row["Title"].split(" ")[0]


def test_every_cell_of_the_index_names_its_column_and_the_lights_are_written_out(as_, office, city):  # noqa: F811
    html = english(as_(office)).get(INDEX, {"sort": "title"}).content.decode()
    assert re.search(r'<table class="[^"]*\bls-cards\b[^"]*" id="lists">', html)
    rows = {title(row): row for row in lists_table(html)}
    assert set(rows) == {"绿灯清单", "黄灯清单", "红灯清单", "草稿清单", "去年清单"}
    assert rows["绿灯清单"]["Light"] == "green" and rows["红灯清单"]["Light"] == "red"
    assert rows["黄灯清单"]["Light"] == "yellow"
    assert rows["草稿清单"]["Light"] == "—" and rows["草稿清单"]["Progress"] == "Pending publication"
    green = rows["绿灯清单"]
    assert green["Code"] == city["green"].code and green["Status"] == "In progress"
    assert green["Handling units"] == "lead市工信委 0% co城关区 0%"
    assert green["Progress"] == "0% ⌀"  # two units: an average
    assert green["Deadline"] == city["green"].deadline.isoformat()


def test_the_lights_and_the_average_are_explained_under_the_table(as_, office, city):  # noqa: F811
    html = english(as_(office)).get(INDEX).content.decode()
    legend = html[html.index('id="light-legend"') : html.index("</p>", html.index('id="light-legend"'))]
    assert "Green: on track" in legend and "Red: seriously overdue" in legend
    assert 'id="average-legend"' in legend and "⌀ average progress of the handling units" in legend
    assert html.index('id="lists"') < html.index('id="light-legend"')


def test_the_title_cell_repeats_nothing_a_card_shows(as_, office, city):  # noqa: F811
    html = english(as_(office)).get(INDEX).content.decode()
    table = html[html.index('id="lists"') : html.index("</table>", html.index('id="lists"'))]
    assert "d-md-none" not in table
    # the units under the title (for desktops too narrow for their column) are hidden on cards
    assert table.count('class="d-lg-none ls-desk-only small text-secondary"') == 5


def test_the_sorts_stand_above_the_cards(as_, office, city):  # noqa: F811
    html = english(as_(office)).get(INDEX, {"sort": "-deadline"}).content.decode()
    assert re.search(r'<nav class="d-md-none[^"]*"[^>]*id="lists-sort"', html)  # phones only: desktops have headings
    nav = html[html.index('id="lists-sort"') : html.index("</nav>", html.index('id="lists-sort"'))]
    # each link sorts like its heading: the current column (deadline, descending) the other way round
    links = re.findall(r'href="\?([^"]*)"', nav)
    assert sorted(links) == sorted(f"sort={key}" for key in queries.SORTS)
    current = re.findall(r'<a [^>]*aria-current="true"[^>]*>([^<]*)', nav)
    assert [c.strip() for c in current] == ["Deadline"]
    assert 'hx-get="?sort=deadline"' in nav and 'hx-target="#index-results"' in nav


def test_the_leaders_page_has_the_same_cards(as_, leader, city):  # noqa: F811
    html = english(as_(leader)).get(reverse("lists:leader")).content.decode()
    rows = lists_table(html)
    assert {title(row) for row in rows} == {"绿灯清单", "黄灯清单"}
    assert 'id="average-legend"' in html and 'id="lists-sort"' in html
