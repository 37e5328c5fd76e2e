"""The ladder seen by a unit, in a real browser: a report falls overdue, the sweep urges the unit, its
liaison finds the urge in the inbox, opens the list from it, prints the urge notice (催办通知) and files
the report, which ends the episode.

The clock is moved with time-machine around the whole browser session: it patches the clock of the
whole process, so the live server's thread answers on the same (moved) day. It is moved forward
only: the browser keeps cookies by the real clock, and a session cookie issued "in the past" would
already have expired.
"""

from datetime import datetime, time

import pytest
import time_machine
from playwright.sync_api import Page, expect

from luoshi.duties.models import Episode, Escalation
from luoshi.duties.sweep import sweep
from luoshi.notify.models import Notification
from luoshi.workdays import calendar
from tests.browser.conftest import sign_in, weekly_list
from tests.browser.test_list_journey import file_report
from tests.conftest import SHANGHAI

SCREENSHOT = "/tmp/urge-journey.png"

pytestmark = pytest.mark.browser


def unread(person) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).count()


def test_an_overdue_report_is_urged_printed_and_filed(new_page, office, leader, unit_a, liaison_a, head_a):
    # A published list whose first report falls due in a week.
    rlist = weekly_list(office, leader, unit_a, "第二水源地建设项目征地拆迁", "年底前完成征地拆迁。")
    ob = rlist.duties.get()
    loop = f"/lists/{rlist.pk}/"
    # The first working day after the due date, mid-morning: the report is one working day overdue.
    overdue_day = calendar.load().add_workdays(ob.next_report_due, 1)

    with time_machine.travel(datetime.combine(overdue_day, time(10), tzinfo=SHANGHAI), tick=True):
        counts = sweep()
        assert counts["urge"] == 1 and counts["order"] == 0
        urge = Escalation.objects.get(step="urge", unit=unit_a)
        assert urge.number and urge.days_overdue == 1

        # The liaison logs in and sees the unread count in the header, the urge in the inbox.
        page: Page = new_page()
        sign_in(page, liaison_a, "/inbox/")
        expect(page.locator("#unread-count")).to_have_text(str(unread(liaison_a)))
        item = page.locator(".list-group-item", has_text=urge.number)
        expect(item).to_have_count(1)
        expect(item).to_contain_text(rlist.code)
        expect(item).to_contain_text(unit_a.name)

        # Opening the notification marks it read and leads to the list's loop page.
        before = unread(liaison_a)
        item.get_by_role("button", name="Open").click()
        page.wait_for_url(f"**{loop}")
        assert unread(liaison_a) == before - 1
        expect(page.locator("form#report")).to_have_count(1)

        # The urge notice, printed from the unit's escalation page.
        page.goto("/escalation/unit/")
        row = page.locator("#escalations tbody tr", has_text=urge.number)
        with page.expect_download() as info:
            row.get_by_role("link", name="PDF").click()
        download = info.value
        assert download.suggested_filename == f"催办通知-{urge.number}.pdf"
        with open(download.path(), "rb") as f:
            assert f.read(5) == b"%PDF-"
        # The Word version, fetched with the same session.
        docx = page.request.get(f"/escalation/notices/{urge.pk}.docx")
        assert docx.ok and docx.body()[:2] == b"PK"

        # The liaison files the overdue report through the loop page's form...
        page.goto(loop)
        file_report(page, 30, "征地补偿方案已公示", "个别拆迁户诉求分歧大")

        # ... which ends the episode: the urge is no longer open.
        episode = Episode.objects.get(pk=urge.episode_id)
        assert episode.closed_reason == "report" and episode.closed_at is not None
        closed = page.request.get("/api/v1/escalations?open=false").json()
        assert urge.pk in {item["id"] for item in closed["items"]}
        still_open = page.request.get("/api/v1/escalations?open=true").json()
        assert urge.pk not in {item["id"] for item in still_open["items"]}
        page.goto("/escalation/unit/")
        expect(page.locator("#escalations tbody tr", has_text=urge.number)).to_contain_text("closed")
        page.screenshot(path=SCREENSHOT, full_page=True)
