"""立即催办 in a real browser, on a phone: the office clicks it on the board, reads the confirmation
(the unit, the list, that it is late, the notice that will go out), confirms, and the unit's inbox
gets exactly one notice, even though the office confirmed twice (from two tabs).

The office reads the Chinese UI, where 立即催办 is the button's name; the confirmation page's own
strings are new (merged into the catalogue later), so it is read through its ids, not its words.
The clock is moved as in test_urge_journey.py: forward only, for the whole browser session.
"""

from datetime import datetime, time

import pytest
import time_machine
from playwright.sync_api import Page, expect

from luoshi.duties.models import Escalation
from luoshi.duties.sweep import sweep
from luoshi.notify.models import Notification
from luoshi.workdays import calendar
from tests.browser.conftest import sign_in, weekly_list
from tests.conftest import SHANGHAI

SCREENSHOT = "/tmp/manual-urge-confirm.png"
CONFIRM_SCREENSHOT = "/tmp/manual-urge-confirm-page.png"
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.browser


def test_the_office_confirms_an_urge_and_the_unit_gets_one_notice(
    new_page, live_server, office, leader, unit_a, liaison_a, head_a
):
    rlist = weekly_list(office, leader, unit_a, "黄河风情线夜间亮化提升", "年底前完成亮化提升。")
    ob = rlist.duties.get()
    # Two working days after the report was due: the sweep has sent its urge notice (CB-0001).
    late_day = calendar.load().add_workdays(ob.next_report_due, 2)

    with time_machine.travel(datetime.combine(late_day, time(10), tzinfo=SHANGHAI), tick=True):
        assert sweep()["urge"] == 1
        page: Page = new_page()
        page.set_viewport_size(PHONE)
        page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
        sign_in(page, office, "/escalation/board/")

        # 立即催办 only opens the confirmation: nothing is sent yet.
        row = page.locator("#board tbody tr", has_text=rlist.title)
        row.get_by_role("link", name="立即催办").click()
        page.wait_for_url(f"**/escalation/board/urge/{ob.pk}*")
        assert not Escalation.objects.filter(manual=True).exists()
        confirm = page.locator("#confirm-urge")
        expect(confirm).to_have_attribute("data-step", "urge")
        expect(confirm).to_contain_text(unit_a.name)
        expect(confirm).to_contain_text(rlist.code)
        expect(page.locator("#confirm-late .badge")).to_have_class("badge text-bg-danger")  # late
        expect(page.locator("#confirm-message")).to_contain_text(rlist.title)
        expect(confirm).to_contain_text(liaison_a.name)
        send = page.locator("#confirm-send")
        expect(send).to_be_visible()
        box = send.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # within a phone's width

        page.screenshot(path=CONFIRM_SCREENSHOT, full_page=True)

        # A second tab on the same confirmation: a double submission.
        other: Page = page.context.new_page()
        other.goto(page.url)

        send.click()
        page.wait_for_url("**/escalation/board/**")
        manual = Escalation.objects.get(manual=True)
        assert manual.number == f"{late_day.year}-CB-0002"
        expect(page.locator(".alert-success")).to_contain_text(manual.number)

        other.locator("#confirm-send").click()
        other.wait_for_url("**/escalation/board/**")
        expect(other.locator(".alert-info")).to_contain_text(manual.number)  # already sent: nothing more
        assert Escalation.objects.filter(manual=True).count() == 1
        page.screenshot(path=SCREENSHOT, full_page=True)

        # The unit's liaison finds exactly one notice of it in the inbox.
        liaison: Page = new_page()
        sign_in(liaison, liaison_a, "/inbox/")
        expect(liaison.locator(".list-group-item", has_text=manual.number)).to_have_count(1)
        assert Notification.objects.filter(recipient=liaison_a, title__contains=manual.number).count() == 1
        # and the page opened from the board again says it was sent, offering no second send
        page.goto(f"/escalation/board/urge/{ob.pk}")
        expect(page.locator("#confirm-already")).to_be_visible()
        expect(page.locator("#confirm-send")).to_have_count(0)
