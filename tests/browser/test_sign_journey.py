"""A liaison signs for new work (签收) in one tap on a 390×844 phone, and the office sees who has not.

The liaison opens the list from its notice, taps "Sign for" (签收) on its unit's card, lands back on the same card
with a confirmation, and the button is gone; the office's page of unsigned work then lists only the
other unit. Nothing scrolls sideways.
"""

import pytest

from tests.browser.conftest import weekly_list
from tests.browser.test_phone_leader_journey import TOO_WIDE

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def test_a_liaison_signs_for_new_work_in_one_tap_on_a_phone(open_as, office, leader, unit_a, unit_b, liaison_a):
    rlist = weekly_list(office, leader, unit_a, "推进兰州新区产业园区建设", "年底前完成园区一期建设。")
    other = weekly_list(office, leader, unit_b, "整治老旧小区", "")
    page = open_as(liaison_a, PHONE, f"/lists/{rlist.pk}/", english=True)  # 签收 once the catalogue has it
    button = page.locator(f"#sign-{unit_a.pk}")
    assert button.is_visible() and button.inner_text() == "Sign for"
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), "the page scrolls sideways"
    assert page.evaluate(TOO_WIDE) == []
    button.tap()
    page.wait_for_url(f"**/lists/{rlist.pk}/#unit-{unit_a.pk}")
    assert page.locator(f"#sign-{unit_a.pk}").count() == 0
    assert "Signed for: your unit has acknowledged this work." in page.locator("body").inner_text()
    page.screenshot(path="/tmp/sign-phone.png", full_page=True)

    office_page = open_as(office, DESKTOP, "/escalation/board/", english=True)
    office_page.click("#unsigned-link")
    office_page.wait_for_url("**/escalation/unsigned/")
    rows = office_page.locator("#unsigned tbody tr")
    assert rows.count() == 1 and "整治老旧小区" in rows.first.inner_text() and other.code in rows.first.inner_text()
