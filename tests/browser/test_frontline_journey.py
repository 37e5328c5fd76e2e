"""A leader on a 390×844 phone logs two frontline days of last month, a day at the grassroots and a day at a
unit he supervises (picked with its chip), and sees the month against the rule: one day of each, short of
five and two, the two days marked on the calendar. In Chinese, as he reads it; no page scrolls sideways and
the Content-Security-Policy refuses nothing.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page

from luoshi.frontline.models import Fieldwork

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SCREENSHOTS = "/tmp/frontline-{}.png"
TOO_WIDE = """() => [...document.querySelectorAll('body *')].filter(e => {
  if (e.closest('.ls-cards > thead, .visually-hidden')) return false;
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && (r.right > innerWidth + 0.5 || r.left < -0.5);
}).map(e => e.tagName + '#' + e.id + '.' + e.className)"""
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


def fits(page: Page, name: str) -> None:
    assert page.evaluate("window.__csp") == [], name
    page.screenshot(path=SCREENSHOTS.format(name), full_page=True)
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), f"{name} scrolls sideways"
    assert page.evaluate(TOO_WIDE) == [], name


def count(page: Page, box: str) -> str:
    return page.locator(f"#{box} .ls-count").inner_text().strip()


def test_a_leader_logs_two_days_on_his_phone_and_sees_the_months_compliance(open_as, leader, unit_a):
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    first, second = last_month.replace(day=10), last_month.replace(day=11)
    month = f"{last_month:%Y-%m}"

    page = open_as(leader, PHONE, "/frontline/month/")
    page.add_init_script(LISTEN)
    page.reload()
    fits(page, "month-now")
    page.click("#month-previous")
    page.wait_for_url(f"**/frontline/month/?month={month}")
    assert (count(page, "count-grassroots"), count(page, "count-supervised")) == ("0", "0")

    # A day at the grassroots, with a problem met there.
    page.click("#log-day")
    page.wait_for_url("**/frontline/log/")
    fits(page, "log")
    page.fill("#id_date", first.isoformat())
    page.check("input[name=kind][value=grassroots]")
    page.fill("#id_place", "榆中县夏官营镇红星村")
    page.fill("#id_purpose", "调研农村饮水安全工程")
    page.fill("#id_problems", "饮水管网老化，夏季供水不足")
    page.click("#log-submit")
    page.wait_for_url(f"**/frontline/month/?month={month}")
    assert (count(page, "count-grassroots"), count(page, "count-supervised")) == ("1", "0")

    # A day at a unit he supervises: its chip picks the unit and the kind.
    page.click("#log-day")
    page.wait_for_url("**/frontline/log/")
    page.fill("#id_date", second.isoformat())
    page.locator("#supervised-chips button", has_text=unit_a.name).click()
    assert page.locator("input[name=kind][value=supervised_unit]").is_checked()
    assert page.locator("#id_place").input_value() == unit_a.name
    page.click("#log-submit")
    page.wait_for_url(f"**/frontline/month/?month={month}")

    fits(page, "month")
    assert (count(page, "count-grassroots"), count(page, "count-supervised")) == ("1", "1")
    assert page.locator("#count-total").inner_text() == "2"
    verdict = page.locator("#month-verdict")
    assert "alert-danger" in (verdict.get_attribute("class") or "")  # a month gone by, short of the rule
    assert (
        page.locator(f'#month-calendar td[data-day="{first.isoformat()}"]').get_attribute("data-kinds") == "grassroots"
    )
    assert (
        page.locator(f'#month-calendar td[data-day="{second.isoformat()}"]').get_attribute("data-kinds")
        == "supervised_unit"
    )
    assert page.locator("#month-entries li").count() == 2
    entries = list(Fieldwork.objects.order_by("date").values_list("leader", "date", "kind", "unit"))
    assert entries == [(leader.pk, first, "grassroots", None), (leader.pk, second, "supervised_unit", unit_a.pk)]
