"""The office's list index on a 390×844 phone: the table of lists has become cards.

The page does not scroll sideways and nothing sticks out of the screen; each card shows every column,
also those a desktop hides when narrow, labelled with the desktop's heading (the label drawn by
cards.css), and the text each desktop column shows. The lights are written out and explained under
the cards, with the ⌀ of an average; the sorts stand above the cards and sort as the headings do.
The page is in Chinese, as the office sees it; nothing below depends on the words.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from tests.browser.test_phone_leader_journey import READ_TABLES, TOO_WIDE
from tests.lists.test_index import make_list

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SCREENSHOTS = "/tmp/{}-index.png"
LONG_TITLE = "整改督查发现的城关区重点项目推进滞后问题并建立重点项目领导包抓责任长效机制"
ARROW = re.compile(r"\s*[▲▼↕]$")  # a sortable heading's arrow


@pytest.fixture
def lists(office, leader, other_leader, unit_a, unit_b, unit_c):
    now = timezone.now()
    return [
        make_list(office, title=LONG_TITLE, lead_unit=unit_a, co_units=[unit_b, unit_c], leader=leader, at=now),
        make_list(office, title="黄灯清单", lead_unit=unit_b, leader=leader, every=2, source="media", at=now),
        make_list(office, title="红灯清单", lead_unit=unit_c, leader=other_leader, at=now - timedelta(days=30)),
        make_list(office, title="草稿清单", lead_unit=unit_a, co_units=[unit_b], publish=False, at=now),
    ]


def lists_table(page: Page) -> dict:
    (table,) = [t for t in page.evaluate(READ_TABLES) if t["id"] == "lists"]
    return table


def test_the_index_is_cards_on_a_phone_with_every_column_labelled(open_as, office, lists):
    desk = open_as(office, DESKTOP, "/lists/")
    desk.screenshot(path=SCREENSHOTS.format("desktop"), full_page=True)
    desktop = lists_table(desk)
    visible = [i for i, head in enumerate(desktop["heads"]) if head["shown"]]
    desktop_rows = [[row[i]["text"] for i in visible] for row in desktop["rows"]]
    assert len(desktop_rows) == 4 and len(visible) >= 9
    assert not desk.locator("#lists-sort").is_visible()  # desktops sort with the headings

    phone = open_as(office, PHONE, "/lists/")
    phone.screenshot(path=SCREENSHOTS.format("phone"), full_page=True)
    assert phone.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), "the page scrolls sideways"
    assert phone.evaluate(TOO_WIDE) == []
    width = phone.evaluate("innerWidth")
    table = lists_table(phone)
    headings = [ARROW.sub("", h["text"]) for h in table["heads"]]
    assert len(headings) == 10
    assert len(table["rows"]) == len(desktop_rows)
    for row, desktop_row in zip(table["rows"], desktop_rows, strict=True):
        assert len(row) == len(headings)  # every column, also those a narrow desktop hides
        for heading, cell in zip(headings, row, strict=True):
            where = f"column {heading!r}"
            assert cell["width"] > 0 and cell["height"] > 0, f"{where} is hidden"
            assert cell["left"] >= 0 and cell["right"] <= width, f"{where} lies off the screen"
            assert cell["width"] >= 0.9 * cell["card"] - 30, f"{where} is squeezed"
            assert cell["label"] == heading, where
            assert cell["before"] == f'"{heading}"', f"{where}: the label is not shown"
        assert [row[i]["text"] for i in visible] == desktop_row  # what the desktop shows, the same text

    # the long title wraps inside its card, on the card's width
    title = phone.locator("#lists a", has_text=LONG_TITLE)
    assert title.is_visible() and title.bounding_box()["width"] > 200
    # the lights by name, and their key and the average's written out under the cards
    assert phone.locator("#lists .light-word").count() == 3
    assert phone.locator("#light-legend").is_visible() and phone.locator("#light-legend .light").count() == 3
    assert phone.locator("#average-legend").is_visible()
    assert phone.locator("#lists").bounding_box()["y"] < phone.locator("#light-legend").bounding_box()["y"]

    # the sorts stand above the cards and sort as the headings do (htmx swaps the cards)
    sorts = phone.locator("#lists-sort")
    assert sorts.is_visible() and sorts.locator("a").count() == 10
    assert sorts.bounding_box()["y"] < phone.locator("#lists").bounding_box()["y"]
    sorts.locator("a").nth(2).tap()  # the title
    phone.wait_for_url(re.compile(r"sort=title"))
    phone.locator('#lists-sort a[aria-current="true"]').nth(0).wait_for()
    assert ARROW.sub("", phone.locator('#lists-sort a[aria-current="true"]').inner_text()) == headings[2]
    titles = phone.locator("#lists tbody tr td:nth-child(3) a").all_inner_texts()
    assert titles == sorted(titles)
    assert phone.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
