"""A leader on a 390×844 phone: he signs in, opens his supervision orders (督办单) and a list's loop page.

Every column a desktop shows is readable there without scrolling sideways: the page is no wider than
the screen, no element sticks out of it, and each table has become cards whose every cell is visible,
names its column (the same words as the desktop's heading) and shows the desktop cell's text.
The pages are in Chinese, as the leader sees them; nothing below depends on the words.

Also on a desktop: the navbar keeps to one line at 1366 px in English and at 1024 px in Chinese.
"""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from luoshi.duties import services as duty_services
from luoshi.duties.models import Escalation
from luoshi.duties.sweep import sweep
from luoshi.lists import services
from luoshi.workdays import calendar
from tests.conftest import SHANGHAI, make_person

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SCREENSHOTS = "/tmp/phone-{}.png"
LONG_TITLE = "整改督查发现的城关区重点项目推进滞后问题并建立重点项目领导包抓责任长效机制"
# An unbroken run of characters: it must wrap inside the card rather than push the page wider.
CONTRACT = "HT-2026-0000000000000000000000000000000123"


def at(day, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


@pytest.fixture
def late_list(office, leader, unit_a, unit_b, liaison_a, liaison_b, head_a):
    """Published five weeks ago; 城关区 reported with long text; 市工信委 never did: urged, then ordered."""
    cal = calendar.load()
    published = cal.add_workdays(timezone.localdate(), -25)
    rlist = services.do_create_list(
        office,
        source="instruction",
        title=LONG_TITLE,
        content="年底前完成。",
        leader=leader,
        lead_unit=unit_a,
        co_units=[unit_b],
        deadline=timezone.localdate() + timedelta(days=60),
        report_every_days=7,
        now=at(published),
    )
    services.do_publish(office, rlist, now=at(published))
    duty_services.do_report(
        liaison_b,
        rlist.duties.get(unit=unit_b),
        progress=45,
        done="完成征地范围内的入户调查和评估，签订补偿协议（合同编号 " + CONTRACT + "），" * 3,
        difficulties="部分被征收户对补偿标准有异议，需市级层面协调资金和政策。",
        next_steps="召开协调会，逐户做好解释工作。",
        now=at(cal.add_workdays(published, 3)),
    )
    due = rlist.duties.get(unit=unit_a).next_report_due
    for n in (1, 6):
        sweep(at(cal.add_workdays(due, n)))
    assert Escalation.objects.filter(step="order", duty__list=rlist).exists()
    return rlist


# Per table of cards: its headings, and per row each cell's label (data-label, and what ::before shows),
# its text, whether it is visible and where it lies. The <thead> is kept for screen readers only.
READ_TABLES = """() => [...document.querySelectorAll('table.ls-cards')].map(t => ({
  id: t.id,
  heads: [...t.tHead.rows[0].cells].map(th => ({text: th.textContent.replace(/\\s+/g, ' ').trim(),
                                                 shown: th.getBoundingClientRect().width > 2})),
  rows: [...t.tBodies].flatMap(b => [...b.rows]).map(tr => [...tr.cells].map(td => {
    const r = td.getBoundingClientRect();
    return {label: td.dataset.label ?? null, before: getComputedStyle(td, '::before').content,
            text: td.innerText.replace(/\\s+/g, ''), left: r.left, right: r.right, width: r.width,
            height: r.height, card: tr.getBoundingClientRect().width};
  })),
}))"""

# Every element that sticks out of the screen on the right or left (hidden ones have no box; the cards'
# headings and other text for screen readers only are clipped to nothing).
TOO_WIDE = """() => [...document.querySelectorAll('body *')].filter(e => {
  if (e.closest('.ls-cards > thead, .visually-hidden')) return false;
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && (r.right > innerWidth + 0.5 || r.left < -0.5);
}).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 30))"""


def desktop_cells(page: Page) -> dict[str, tuple[list[int], list[list[str]]]]:
    """What a desktop shows: per table, its visible columns and per row the text of their cells."""
    shown = {}
    for table in page.evaluate(READ_TABLES):
        visible = [i for i, head in enumerate(table["heads"]) if head["shown"]]
        shown[table["id"]] = (visible, [[row[i]["text"] for i in visible] for row in table["rows"]])
    return shown


def assert_readable_on_the_phone(page: Page, desktop: dict[str, tuple[list[int], list[list[str]]]], name: str) -> None:
    page.screenshot(path=SCREENSHOTS.format(name), full_page=True)
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), "the page scrolls sideways"
    assert page.evaluate(TOO_WIDE) == []
    width = page.evaluate("innerWidth")
    tables = {t["id"]: t for t in page.evaluate(READ_TABLES)}
    assert set(desktop) <= set(tables)
    for table_id, (columns, desktop_rows) in desktop.items():
        table = tables[table_id]
        headings = [h["text"].removesuffix(" ▲").removesuffix(" ▼") for h in table["heads"]]
        assert len(table["rows"]) == len(desktop_rows) > 0, table_id
        for row, desktop_row in zip(table["rows"], desktop_rows, strict=True):
            for i, cell in enumerate(row):
                where = f"{name}: {table_id}, column {headings[i]!r}"
                assert cell["width"] > 0 and cell["height"] > 0, f"{where} is hidden"
                assert cell["left"] >= 0 and cell["right"] <= width, f"{where} lies off the screen"
                # a card uses the whole width: no title wrapped two characters a line
                assert cell["width"] >= 0.9 * cell["card"] - 30, f"{where} is squeezed"
                if cell["label"] is not None:
                    assert cell["label"] == headings[i], where
                    assert cell["before"] == f'"{headings[i]}"', f"{where}: the label is not shown"
            # every column the desktop shows, with the same text
            assert [row[i]["text"] for i in columns] == desktop_row, f"{name}: {table_id}"


def test_a_leader_reads_his_orders_and_a_loop_page_on_a_phone(open_as, leader, late_list):
    orders, loop = "/escalation/orders/", f"/lists/{late_list.pk}/"
    desk = open_as(leader, DESKTOP, orders)
    seen_on_desktop = {orders: desktop_cells(desk)}
    desk.goto(loop)
    seen_on_desktop[loop] = desktop_cells(desk)
    assert seen_on_desktop[orders]["orders"][1] and len(seen_on_desktop[loop]["obligations"][1]) == 2

    phone = open_as(leader, PHONE, orders)
    assert_readable_on_the_phone(phone, seen_on_desktop[orders], "orders")
    # from the order to its list, as he would
    phone.locator("#orders a", has_text=LONG_TITLE).first.click()
    phone.wait_for_url(f"**{loop}")
    assert_readable_on_the_phone(phone, seen_on_desktop[loop], "loop")
    # the difficulties and the latest report are on the screen, and the key to the lights is written out
    difficulties = phone.locator("#obligations .ls-difficulties")
    assert difficulties.is_visible() and difficulties.bounding_box()["width"] > 250
    assert phone.locator("#light-legend").is_visible()
    assert phone.locator("#light-legend .light").count() == 3
    # the menu opens with the toggler, and its items fit the screen too
    phone.click(".navbar-toggler")
    phone.locator("#nav-main").wait_for(state="visible")
    assert phone.evaluate("document.scrollingElement.scrollWidth <= innerWidth")


# the navbar's items and the person's corner: all on one line, each item one line high
NAV_LINES = """() => {
  const boxes = [...document.querySelectorAll('#nav-main > li > .nav-link, #nav-me > *')]
    .map(e => e.getBoundingClientRect()).filter(r => r.width > 0);
  const mids = boxes.map(r => Math.round(r.top + r.height / 2));
  const nav = document.querySelector('nav.navbar').getBoundingClientRect();
  return {mids: mids, count: boxes.length, navHeight: nav.height,
          linkHeights: [...document.querySelectorAll('#nav-main > li > .nav-link')].map(e => e.getBoundingClientRect().height)};
}"""


@pytest.mark.parametrize(("width", "english"), [(1366, True), (1024, False), (992, False)])
def test_the_navbar_keeps_to_one_line(open_as, db, unit_a, width, english):
    """The office and the administrator have the most items; a liaison and a leader have the longest ones."""
    people = [
        make_person("office_u", ["office", "admin"], unit_a, name="王晓燕"),
        make_person("liaison_u", ["liaison"], unit_a, name="陈学文"),
        make_person("leader_u", ["leader"], name="张立群"),
    ]
    for person in people:
        page = open_as(person, {"width": width, "height": 700}, "/lists/overview/", english=english)
        lines = page.evaluate(NAV_LINES)
        assert lines["count"] >= 6, lines
        assert max(lines["mids"]) - min(lines["mids"]) <= 4, (person.username, width, lines)
        assert max(lines["linkHeights"]) <= 44, (person.username, width, lines)  # no item wraps inside
        assert lines["navHeight"] <= 64, (person.username, width, lines)
