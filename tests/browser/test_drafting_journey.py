"""Drafts from a text in a real browser: the office pastes the minutes of a meeting with five decisions, reads
them, corrects one lead unit in the preview with the searchable picker, creates the five drafts in one step,
publishes one, and finds its source sentence on the loop page.

The demo city's organisation (its units with their short names, its leaders) and the real reader; English
pages (the conftest's cookie).
"""

from django.utils import timezone
from playwright.sync_api import expect

from luoshi.demo.drafting import sample_minutes
from luoshi.duties.models import HandlingRole
from luoshi.lists.models import ListStatus, ResponsibilityList, SourceText
from luoshi.org.models import Unit
from tests.browser.conftest import sign_in
from tests.browser.test_draft_journey import pick
from tests.conftest import make_person
from tests.lists.drafting.demo_org import build_demo_org

SCREENSHOT = "/tmp/drafting-journey.png"


def test_the_office_drafts_five_lists_from_minutes_and_publishes_one(new_page, db):
    build_demo_org()
    office = make_person("office", ["office"], name="督查室王")
    today = timezone.localdate()

    desk = new_page()
    sign_in(desk, office, "/lists/from-text/")
    desk.fill("#drafting-text", sample_minutes(today))
    desk.click("#drafting-read")

    preview = desk.locator("#drafting-preview")
    expect(preview).to_be_visible()
    expect(preview.locator("tr.ls-drafting-item")).to_have_count(5)
    expect(desk.locator("#id_as_of")).to_have_value(today.isoformat())  # the date found in the minutes
    expect(desk.locator("#id_items-0-lead_unit + .ts-wrapper .item")).to_have_text("市住建局")
    expect(desk.locator("#id_items-1-lead_unit + .ts-wrapper .item")).to_have_text("市城市管理委员会")
    expect(desk.locator("#item-3")).to_contain_text("榆中县")
    expect(desk.locator("#item-1")).to_contain_text("“7月15日前”")  # the words the deadline was read from

    # The office corrects one unit: the second decision goes to the environment bureau.
    pick(desk, "id_items-1-lead_unit", "环保", "市环保局")
    desk.screenshot(path=SCREENSHOT, full_page=True)
    desk.click("#drafting-create")

    expect(desk.locator(".alert-success")).to_contain_text("5 drafts created")
    st = SourceText.objects.get()
    assert desk.url.endswith(f"/lists/from-text/{st.pk}/")
    made = list(ResponsibilityList.objects.filter(source_text=st).order_by("pk"))
    assert len(made) == 5 and all(r.status == ListStatus.DRAFT for r in made)
    lead = made[1].duties.get(role=HandlingRole.LEAD)
    assert lead.unit == Unit.objects.get(name="市环保局")

    # Publishing one is the lists' own step, from its loop page.
    desk.locator("#made-0 a").click()
    expect(desk.locator("#list-status")).to_have_text("Draft")
    desk.get_by_role("button", name="Publish").click()
    expect(desk.locator("#list-status")).to_have_text("In progress")
    made[0].refresh_from_db()
    assert made[0].status == ListStatus.IN_PROGRESS and made[0].code

    source = desk.locator("#list-source-text")
    expect(source).to_contain_text(today.isoformat())
    expect(desk.locator("#list-source-excerpt")).to_contain_text("市住建局牵头，会同市规划局")
    assert ResponsibilityList.objects.filter(source_text=st, status=ListStatus.DRAFT).count() == 4
