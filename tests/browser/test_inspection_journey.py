"""The issue's journey: an inspection team records a finding, the office makes it a responsibility list,
the unit's liaison on a 390×844 phone reports the rectification with a photo and asks for verification,
the team verifies it, and the finding is closed. Through the pages only; no page scrolls sideways on the
phone, and nothing the Content-Security-Policy refuses.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from luoshi.files.models import Attachment
from luoshi.oversight.models import Finding, Verification
from tests.browser.conftest import sign_in
from tests.oversight.inspections.conftest import inspection, inspector, member, png, team_unit  # noqa: F401

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SCREENSHOTS = "/tmp/inspection-{}.png"
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
"""
TOO_WIDE = """() => [...document.querySelectorAll('body *')].filter(e => {
  if (e.closest('.ls-cards > thead, .visually-hidden')) return false;
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && (r.right > innerWidth + 0.5 || r.left < -0.5);
}).map(e => e.tagName + '#' + e.id + '.' + e.className)"""


def fits(page: Page, name: str) -> None:
    assert page.evaluate("window.__csp") == [], name
    page.screenshot(path=SCREENSHOTS.format(name), full_page=True)
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), f"{name} scrolls sideways"
    assert page.evaluate(TOO_WIDE) == [], name


def test_a_finding_becomes_a_list_is_rectified_with_a_photo_and_verified(
    new_page,
    open_as,
    tmp_path,
    office,
    leader,
    inspector,  # noqa: F811
    member,  # noqa: F811
    inspection,  # noqa: F811
    unit_a,
    liaison_a,
):
    deadline = timezone.localdate() + timedelta(days=20)

    # The team's leader records the finding on the inspection's page.
    team = new_page()
    sign_in(team, inspector, f"/oversight/inspections/{inspection.pk}/")
    team.click("#record-finding")
    team.wait_for_url(f"**/oversight/inspections/{inspection.pk}/findings/new")
    team.select_option("#id_unit", str(unit_a.pk))
    team.select_option("#id_category", label="清单落实不到位")
    team.select_option("#id_severity", "major")
    team.fill("#id_description", "重点项目清单进展未按期直报，台账与实际不符")
    team.fill("#id_requirement", "二十日内完成整改，建立清单台账周更新制度")
    team.fill("#id_deadline", deadline.isoformat())
    team.click("#save-finding")
    expect(team.locator(".alert-success")).to_contain_text("recorded")
    finding = Finding.objects.get()
    assert team.url.endswith(f"/oversight/findings/{finding.pk}/")
    expect(team.locator("[data-state]").first).to_have_text("Not yet rectifying")
    expect(team.locator("#to-list")).to_have_count(0)  # the office's step

    # The office makes it a responsibility list in one step.
    desk = new_page()
    sign_in(desk, office, f"/oversight/findings/{finding.pk}/")
    desk.click("#to-list")
    expect(desk.locator("#finding-list")).to_be_visible()
    finding.refresh_from_db()
    assert finding.list is not None and finding.list.source == "inspection" and finding.list.deadline == deadline
    expect(desk.locator("#finding-list a")).to_have_attribute("href", f"/lists/{finding.list.pk}/")

    # The unit's liaison, on his phone, reports the rectification with a photo and asks for verification.
    photo = tmp_path / "整改后现场.png"
    photo.write_bytes(png(64, 48, (40, 160, 60)))
    phone = open_as(liaison_a, PHONE, f"/oversight/findings/{finding.pk}/", english=True)
    phone.add_init_script(LISTEN)
    phone.reload()
    fits(phone, "phone-before")
    phone.fill("#id_done", "已建立清单台账周更新制度，补报三项进展，台账与实际一致")
    phone.set_input_files("#id_photos", str(photo))
    expect(phone.locator("[data-preview='整改后现场.png']")).to_be_visible()
    phone.click("#ask-verification")
    phone.wait_for_url(f"**/oversight/findings/{finding.pk}/")
    expect(phone.locator("[data-state]").first).to_have_text("Awaiting verification")
    thumb = phone.locator("#reports img").first
    expect(thumb).to_be_visible()
    assert phone.evaluate("(img) => img.complete && img.naturalWidth === 64", thumb.element_handle())
    fits(phone, "phone-after")
    att = Attachment.objects.get(subject_type="report")
    assert att.name == "整改后现场.png" and att.content_type == "image/png"

    # A team member verifies it: passed, the finding is closed.
    checker = new_page()
    sign_in(checker, member, f"/oversight/findings/{finding.pk}/")
    expect(checker.locator("#reports [data-file]")).to_have_count(1)
    checker.fill("#id_note", "现场核查，整改到位")
    checker.click("#verify-passed")
    expect(checker.locator(".alert-success")).to_contain_text("closed")
    expect(checker.locator("[data-state]").first).to_have_text("Closed (verified)")
    expect(checker.locator("#verify-form")).to_have_count(0)
    finding.refresh_from_db()
    assert finding.closed_at is not None
    assert Verification.objects.get().passed

    # The liaison sees it closed, and no form to report on it any more.
    phone.reload()
    expect(phone.locator("[data-state]").first).to_have_text("Closed (verified)")
    expect(phone.locator("#report-form")).to_have_count(0)
    fits(phone, "phone-closed")
