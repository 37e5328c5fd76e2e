"""A draft's life in a real browser: the office creates a draft, picking two co-units with the searchable
select (typing to filter), lands on the draft's own page, edits its title, finds the index sorted by
light with each list's effective deadline, and deletes another draft after confirming. On a touch
screen the same picker is used by tapping.

English pages (the conftest's cookie): the new strings are read in English, before the catalogue merge.
"""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from luoshi.duties import completion as duty_completion
from luoshi.duties.models import HandlingRole
from luoshi.lists import services
from luoshi.lists.models import ListStatus, ResponsibilityList
from luoshi.org.models import Unit
from tests.browser.conftest import sign_in

SCREENSHOT = "/tmp/draft-journey.png"


def pick(page: Page, field_id: str, typed: str, option: str) -> None:
    """Type into a searchable select (Tom Select) and choose the option shown."""
    control = page.locator(f"#{field_id}-ts-control")
    control.click()
    control.press_sequentially(typed, delay=50)
    page.locator(f"#{field_id}-ts-dropdown .option", has_text=option).click()
    expect(page.locator(f"#{field_id}-ts-dropdown")).to_be_hidden()  # a single choice closes its list
    expect(page.locator(f"#{field_id} + .ts-wrapper .item")).to_have_text(option)


def make(
    office, title: str, lead: Unit, co: tuple[Unit, ...] = (), *, days_ago: int = 0, publish: bool = True
) -> ResponsibilityList:
    now = timezone.now() - timedelta(days=days_ago)
    rlist = services.do_create_list(
        office,
        source="assigned",
        title=title,
        content="",
        leader=None,
        lead_unit=lead,
        co_units=list(co),
        deadline=timezone.localdate(now) + timedelta(days=60),
        report_every_days=14,
        now=now,
    )
    return services.do_publish(office, rlist, now=now) if publish else rlist


def test_a_draft_is_created_edited_listed_and_another_deleted(
    new_page, office, leader, unit_a, unit_b, unit_c, liaison_b
):
    Unit.objects.create(name="张掖路街道", kind="town", parent=unit_b)
    Unit.objects.create(name="市委督查室", kind="office")
    today = timezone.localdate()

    # Lists already on the books: one red (its first report 16 days overdue), one whose co-unit got 30 more days.
    red = make(office, "红灯：棚户区改造", unit_c, days_ago=30)
    extended = make(office, "延期：黄河风情线", unit_a, (unit_b,))
    ob = extended.duties.select_related("unit").get(unit=unit_b)
    ext = duty_completion.do_request_extension(
        liaison_b, ob, extended.deadline + timedelta(days=30), "拆迁安置需要时间"
    )
    duty_completion.do_decide_extension(office, ext, True, "同意")
    other_draft = make(office, "将删除的草稿", unit_a, publish=False)

    desk = new_page()
    sign_in(desk, office, "/lists/new/")
    expect(desk.locator("#id_lead_unit-ts-control")).to_be_visible()  # the searchable pickers are on
    desk.select_option("#id_source", "instruction")
    desk.fill("#id_title", "推进兰州新区产业园区建设")
    pick(desk, "id_lead_unit", "工信", "市工信委")

    # Typing filters the 5 units down to those that match.
    control = desk.locator("#id_co_units-ts-control")
    control.click()
    options = desk.locator("#id_co_units-ts-dropdown .option")
    expect(options).to_have_count(5)  # every unit, the lead among them
    # Grouped departments, districts, towns; the office's own unit is the last choice, never the first.
    assert options.all_inner_texts() == ["市工信委", "城关区", "榆中县", "张掖路街道 · 城关区", "市委督查室"]
    expect(desk.locator("#id_co_units-ts-dropdown .optgroup-header")).to_have_count(4)
    control.press_sequentially("城关", delay=50)  # as a person types
    expect(options).to_have_count(2)
    expect(options.first).to_have_text("城关区")
    expect(options.nth(1)).to_have_text("张掖路街道 · 城关区")
    options.first.click()
    expect(control).to_have_value("")  # the search starts afresh after a pick
    control.press_sequentially("榆中", delay=50)
    expect(options.first).to_have_text("榆中县")
    expect(options).to_have_count(1)
    options.first.click()
    items = desk.locator("#id_co_units + .ts-wrapper .item")
    expect(items).to_have_count(2)

    desk.fill("#id_deadline", (today + timedelta(days=90)).isoformat())
    desk.fill("#id_report_every_days", "14")
    desk.click("#create-list button[type=submit]")

    # Post/redirect/get: the address is the draft's own, and a reload shows the draft, not an empty form.
    expect(desk.locator("#list-status")).to_have_text("Draft")
    draft = ResponsibilityList.objects.get(title="推进兰州新区产业园区建设")
    assert desk.url.endswith(f"/lists/{draft.pk}/")
    assert {ob.unit_id for ob in draft.duties.filter(role=HandlingRole.CO)} == {unit_b.pk, unit_c.pk}
    expect(desk.locator("#draft-units")).to_have_text("3 units, pending publication")
    expect(desk.locator("#obligations")).not_to_contain_text("In progress")
    desk.reload()
    expect(desk.locator("h1")).to_have_text("推进兰州新区产业园区建设")
    assert ResponsibilityList.objects.filter(title="推进兰州新区产业园区建设").count() == 1

    # The office edits the title; the units stay as they were.
    desk.get_by_role("link", name="Edit draft").click()
    expect(desk.locator("#id_co_units + .ts-wrapper .item")).to_have_count(2)
    desk.fill("#id_title", "推进兰州新区产业园区一期建设")
    desk.get_by_role("button", name="Save changes").click()
    expect(desk.locator(".alert-success")).to_contain_text("Draft saved.")
    expect(desk.locator("h1")).to_have_text("推进兰州新区产业园区一期建设")
    assert desk.url.endswith(f"/lists/{draft.pk}/")
    draft.refresh_from_db()
    assert draft.title == "推进兰州新区产业园区一期建设"
    assert draft.duties.count() == 3

    # The index: red first, then by deadline; the extended list shows its later deadline and the original.
    desk.goto("/lists/")
    rows = desk.locator("table.ls-index tbody tr")
    expect(rows.first).to_contain_text(red.title)
    later = (extended.deadline + timedelta(days=30)).isoformat()
    row = rows.filter(has_text=extended.title)
    expect(row).to_contain_text(later)
    expect(row).to_contain_text(f"originally {extended.deadline.isoformat()}")
    expect(desk.locator('th[aria-sort="ascending"]')).to_contain_text("Light")
    # A heading sorts (htmx swaps the table and the address follows).
    desk.locator("th a", has_text="Title").click()
    expect(desk.locator('th[aria-sort="ascending"]')).to_contain_text("Title")
    assert "sort=title" in desk.url
    desk.screenshot(path=SCREENSHOT, full_page=True)

    # Deleting the other draft asks first.
    desk.goto(f"/lists/{other_draft.pk}/")
    desk.get_by_role("link", name="Delete draft").click()
    expect(desk.locator("h1")).to_have_text("Delete this draft?")
    assert ResponsibilityList.objects.filter(pk=other_draft.pk).exists()
    desk.get_by_role("button", name="Delete the draft").click()
    expect(desk.locator(".alert-success")).to_contain_text("将删除的草稿")
    assert desk.url.endswith("/lists/")
    assert not ResponsibilityList.objects.filter(pk=other_draft.pk).exists()
    assert ResponsibilityList.objects.filter(pk=draft.pk, status=ListStatus.DRAFT).exists()


def test_the_unit_picker_works_by_tapping_on_a_phone(browser, live_server, office, unit_a, unit_b, unit_c):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        sign_in(page, office, "/lists/new/")
        page.locator("#id_co_units-ts-control").tap()
        page.locator("#id_co_units-ts-dropdown .option", has_text="城关区").tap()
        page.locator("#id_co_units-ts-dropdown .option", has_text="榆中县").tap()
        expect(page.locator("#id_co_units + .ts-wrapper .item")).to_have_count(2)
        assert sorted(page.eval_on_selector("#id_co_units", "s => [...s.selectedOptions].map(o => o.text)")) == [
            "城关区",
            "榆中县",
        ]
    finally:
        context.close()
    assert not errors, errors


def test_without_javascript_the_plain_selects_still_create_a_draft(browser, live_server, office, unit_a, unit_b):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    try:
        sign_in(page, office, "/lists/new/")
        assert page.locator(".ts-wrapper").count() == 0
        page.select_option("#id_source", "instruction")
        page.fill("#id_title", "无脚本也能建")
        page.select_option("#id_lead_unit", str(unit_a.pk))
        page.select_option("#id_co_units", [str(unit_b.pk)])
        page.fill("#id_deadline", (timezone.localdate() + timedelta(days=30)).isoformat())
        page.click("#create-list button[type=submit]")
        expect(page.locator("#list-status")).to_have_text("Draft")
        rlist = ResponsibilityList.objects.get(title="无脚本也能建")
        assert page.url.endswith(f"/lists/{rlist.pk}/")
    finally:
        context.close()
