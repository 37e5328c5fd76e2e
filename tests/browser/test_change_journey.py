"""Work changes under way, in a real browser: the office (desktop) adds a co-handling unit and withdraws
another from a published list; the new unit's liaison, on a 390x844 phone, says the work is not theirs
and asks for a transfer; the office approves it to a third unit; then suspends the list, resumes it
and finally cancels it, each with a reason. The loop page tells the story throughout."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from luoshi.duties.models import DutyStatus
from luoshi.lists import services
from luoshi.lists.models import ListStatus, TransferRequest
from luoshi.org.models import Unit
from tests.conftest import make_person

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def rlist(office, leader, unit_a, unit_b):
    draft = services.do_create_list(
        office,
        source="instruction",
        title="推进兰州新区产业园区建设",
        content="按市委要求，年底前完成园区一期建设。",
        leader=leader,
        lead_unit=unit_a,
        co_units=[unit_b],
        deadline=timezone.localdate() + timedelta(days=60),
        report_every_days=14,
    )
    return services.do_publish(office, draft)


def test_a_published_list_changes_under_way(open_as, office, rlist, unit_a, unit_b, unit_c, liaison_b, outsider):
    unit_d = Unit.objects.create(name="兰州新区管委会", kind="department")
    make_person("liaison_d", ["liaison"], unit_d, name="新区联络员")
    loop = f"/lists/{rlist.pk}/"

    # The office opens the changes page from the loop page and adds 榆中县 as a co-handling unit.
    desk = open_as(office, DESKTOP, loop, english=True)
    desk.on("dialog", lambda dialog: dialog.accept())  # "cancel this list?"
    desk.click("#change-list")
    desk.wait_for_url(f"**/lists/{rlist.pk}/changes/")
    desk.select_option("#id_add_unit", str(unit_c.pk))
    desk.fill("#id_add_reason", "涉及榆中县境内地块，需要配合")
    desk.click("#add-unit button[type=submit]")
    expect(desk.locator(".alert-success")).to_contain_text("榆中县")
    office_phone = open_as(office, PHONE, f"/lists/{rlist.pk}/changes/")  # the page works on a phone too
    assert office_phone.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), "the page scrolls sideways"
    office_phone.screenshot(path="/tmp/change-page-phone.png", full_page=True)

    # A withdrawal needs a reason: refused in place, then done.
    desk.select_option("#id_withdraw_unit", str(unit_b.pk))
    desk.click("#withdraw-unit button[type=submit]")
    expect(desk.locator("#action-error")).to_be_visible()
    desk.fill("#id_withdraw_reason", "经研究不需城关区参与")
    desk.click("#withdraw-unit button[type=submit]")
    expect(desk.locator(".alert-success")).to_contain_text("withdrawn")
    desk.goto(loop)
    expect(desk.locator("tr.ls-withdrawn")).to_contain_text("城关区")
    expect(desk.locator("tr.ls-withdrawn")).to_contain_text("Withdrawn")
    expect(desk.locator('#timeline li[data-kind="duty.withdrawn"]')).to_contain_text("经研究不需城关区参与")

    # 榆中县's liaison, on a phone, says the work is not theirs.
    phone = open_as(outsider, PHONE, loop)
    phone.click("#request-transfer")
    phone.wait_for_url(f"**/lists/{rlist.pk}/transfer-request/")
    assert phone.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), "the page scrolls sideways"
    phone.fill("#id_reason", "该地块已划归兰州新区管理，不属于本县职责")
    phone.click("#transfer-request button[type=submit]")
    phone.wait_for_url(f"**{loop}")
    expect(phone.locator("#transfer-waiting")).to_be_visible()
    assert phone.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    phone.screenshot(path="/tmp/change-phone.png", full_page=True)
    req = TransferRequest.objects.get()

    # The office sees the request waiting and transfers the work to 兰州新区管委会.
    desk.goto(loop)
    expect(desk.locator("#change-list .badge")).to_have_text("1")
    desk.click("#change-list")
    card = desk.locator(f"#transfer-request-{req.pk}")
    expect(card).to_contain_text("不属于本县职责")
    desk.select_option(f"#id_decide{req.pk}_to_unit", str(unit_d.pk))
    card.get_by_role("button", name="Approve the transfer").click()
    expect(desk.locator(".alert-success")).to_contain_text("兰州新区管委会")
    assert rlist.duties.get(unit=unit_c).status == DutyStatus.WITHDRAWN
    assert rlist.duties.get(unit=unit_d).status == DutyStatus.OPEN

    # Suspension: the header says so; resumption; and finally cancellation.
    desk.fill("#id_suspend_reason", "等待省级批复")
    desk.click("#suspend-list button[type=submit]")
    expect(desk.locator("#list-status")).to_have_text("Suspended")
    desk.goto(loop)
    expect(desk.locator("#suspended-note")).to_be_visible()
    desk.click("#change-list")
    desk.click("#resume-list button[type=submit]")
    expect(desk.locator("#list-status")).to_have_text("In progress")
    desk.fill("#id_cancel_reason", "上级文件要求停止实施")
    desk.click("#cancel-list button[type=submit]")
    expect(desk.locator("#list-status")).to_have_text("Cancelled")
    desk.goto(loop)
    expect(desk.locator("#cancelled-note")).to_be_visible()
    expect(desk.locator("#change-list")).to_have_count(0)
    desk.screenshot(path="/tmp/change-desk.png", full_page=True)
    rlist.refresh_from_db()
    assert rlist.status == ListStatus.CANCELLED
    assert set(rlist.duties.values_list("status", flat=True)) == {DutyStatus.WITHDRAWN}
