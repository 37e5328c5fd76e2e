"""The issue's "Done when": a list goes the whole loop in a real browser, through the forms only.

The office creates and publishes a two-unit list; each unit's liaison reports (one asks for
completion); the office returns it with a reason; both units then ask for completion and the office
accepts both (meanwhile one unit gets a later deadline approved); the office strikes the list off; the loop page tells the whole story.
"""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from luoshi.duties.models import Report
from luoshi.lists.models import ListStatus, ResponsibilityList
from tests.browser.conftest import sign_in

SCREENSHOT = "/tmp/loop.png"


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login/**")


def file_report(page: Page, progress: int, done: str, difficulties: str = "", ask_completion: bool = False) -> None:
    form = page.locator("form#report")
    form.get_by_label("Progress (%)").fill(str(progress))
    form.get_by_label("Work done").fill(done)
    form.get_by_label("Difficulties").fill(difficulties)
    if ask_completion:
        form.get_by_label("The work is finished").check()
    form.get_by_role("button", name="File report").click()
    expect(page.locator(".alert-success")).to_contain_text("Report filed")


def test_a_list_goes_the_whole_loop(new_page, office, leader, unit_a, unit_b, liaison_a, liaison_b):
    deadline = timezone.localdate() + timedelta(days=60)
    later = deadline + timedelta(days=30)

    # The office creates the list through the form...
    desk = new_page()
    desk.on("dialog", lambda dialog: dialog.accept())  # "strike off?" confirmation
    sign_in(desk, office, "/lists/new/")
    desk.select_option("#id_source", "instruction")
    desk.fill("#id_title", "推进兰州新区产业园区建设")
    desk.fill("#id_content", "按市委要求，年底前完成园区一期建设。")
    desk.select_option("#id_leader", str(leader.pk))
    desk.select_option("#id_lead_unit", str(unit_a.pk))
    desk.select_option("#id_co_units", [str(unit_b.pk)])
    desk.fill("#id_deadline", deadline.isoformat())
    desk.fill("#id_report_every_days", "14")
    desk.fill("#id_milestones-0-due_date", (deadline - timedelta(days=30)).isoformat())
    desk.fill("#id_milestones-0-title", "完成规划审批")
    desk.click("#create-list button[type=submit]")
    expect(desk.locator("#list-status")).to_have_text("Draft")
    rlist = ResponsibilityList.objects.get()
    loop = f"/lists/{rlist.pk}/"
    assert desk.url.endswith(loop)

    # ... and publishes it.
    desk.get_by_role("button", name="Publish").click()
    expect(desk.locator("#list-status")).to_have_text("In progress")
    rlist.refresh_from_db()
    expect(desk.locator("#list-code")).to_have_text(rlist.code)

    # Striking it off now is refused, naming the units still at work (a 409, shown in place by htmx).
    desk.get_by_role("button", name="Strike off (close)").click()
    expect(desk.locator("#action-error")).to_contain_text("not yet completed by 市工信委、城关区")

    # Each unit's liaison reports directly; unit A asks for completion.
    unit_a_page = new_page()
    sign_in(unit_a_page, liaison_a, loop)
    expect(unit_a_page.locator("form#report")).to_have_count(1)
    file_report(unit_a_page, 100, "园区一期主体完工", "配套资金尚未到位", ask_completion=True)
    expect(unit_a_page.locator(f"#unit-{unit_a.pk}")).to_contain_text("Completion requested")
    log_out(unit_a_page)

    unit_b_page = new_page()
    sign_in(unit_b_page, liaison_b, loop)
    form = unit_b_page.locator("form#report")
    form.get_by_label("Progress (%)").fill("50")
    form.get_by_label("Work done").fill("完成道路征地")
    form.get_by_label("Difficulties").fill("拆迁户诉求分歧大")
    form.get_by_role("button", name="File report").dblclick()  # a double click stores one report
    expect(unit_b_page.locator(".alert-success")).to_contain_text("Report filed")
    assert Report.objects.filter(duty__unit=unit_b).count() == 1

    # Unit B also asks for a later deadline.
    extension = unit_b_page.locator("form#extension")
    extension.get_by_label("New deadline").fill(later.isoformat())
    extension.get_by_label("Reason").fill("拆迁安置需要更多时间")
    extension.get_by_role("button", name="Ask for an extension").click()
    expect(unit_b_page.locator("#extension-pending")).to_contain_text(later.isoformat())

    # The office sees both; it returns unit A's completion with a reason.
    desk.goto(loop)
    desk.screenshot(path="/tmp/loop-office-deciding.png", full_page=True)
    # It approves unit B's extension...
    decision = desk.locator('[id^="extension-"]')
    decision.get_by_label("Note").fill("同意延期")
    decision.get_by_role("button", name="Approve").click()
    expect(desk.locator(".alert-success")).to_contain_text(f"the deadline of 城关区 is now {later.isoformat()}")
    card = desk.locator(f"#completion-{unit_a.pk}")
    card.get_by_label("Reason for returning").fill("缺少竣工验收材料")
    card.get_by_role("button", name="Return with this reason").click()
    expect(desk.locator(".alert-success")).to_contain_text("returned")
    expect(desk.locator(f"#unit-{unit_a.pk}")).to_contain_text("In progress")

    # Both units finish and ask for completion.
    sign_in(unit_a_page, liaison_a, loop)
    unit_a_page.screenshot(path="/tmp/loop-unit-reporting.png", full_page=True)
    file_report(unit_a_page, 100, "补齐竣工验收材料", ask_completion=True)
    unit_b_page.goto(loop)
    file_report(unit_b_page, 100, "道路建成通车", ask_completion=True)

    # The office accepts both, then strikes the list off.
    desk.goto(loop)
    for unit in (unit_a, unit_b):
        desk.locator(f"#completion-{unit.pk}").get_by_role("button", name="Accept completion").click()
        # Its request gone from the page, not only a success message (the first one's stays): on a busy
        # machine the strike-off was otherwise clicked before the second acceptance had landed.
        expect(desk.locator(f"#completion-{unit.pk}")).to_have_count(0)
        expect(desk.locator(".alert-success")).to_contain_text("accepted")
    desk.get_by_role("button", name="Strike off (close)").click()
    expect(desk.locator("#list-status")).to_have_text("Closed")
    rlist.refresh_from_db()
    assert rlist.status == ListStatus.CLOSED

    # The loop page tells the whole story.
    timeline = desk.locator("#timeline")
    expect(timeline.locator('[data-kind="list.created"]')).to_have_count(1)
    expect(timeline.locator('[data-kind="list.published"]')).to_contain_text(f"Published the list as {rlist.code}")
    reports = timeline.locator('[data-kind="report.filed"]')
    expect(reports).to_have_count(4)
    for text in (
        "园区一期主体完工",
        "配套资金尚未到位",
        "完成道路征地",
        "拆迁户诉求分歧大",
        "补齐竣工验收材料",
        "道路建成通车",
    ):
        expect(reports.filter(has_text=text)).to_have_count(1)
    returned = timeline.locator('[data-kind="completion.returned"]')
    expect(returned).to_contain_text("市工信委")
    expect(returned).to_contain_text("缺少竣工验收材料")
    accepted = timeline.locator('[data-kind="completion.accepted"]')
    expect(accepted).to_have_count(2)
    expect(accepted.filter(has_text="市工信委")).to_have_count(1)
    expect(accepted.filter(has_text="城关区")).to_have_count(1)
    expect(timeline.locator('[data-kind="extension.requested"]')).to_contain_text("拆迁安置需要更多时间")
    expect(timeline.locator('[data-kind="extension.approved"]')).to_contain_text(later.isoformat())
    expect(timeline.locator('[data-kind="list.closed"]')).to_contain_text("Struck the list off.")
    expect(desk.locator("#obligations")).not_to_contain_text("In progress")
    desk.screenshot(path=SCREENSHOT, full_page=True)
