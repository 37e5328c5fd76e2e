"""The issue's journey: a citizen reports a problem on a 390×844 phone with the public form (no login, the
proof of work done in the page) and keeps the tracking code; the office accepts and dispatches it; the
unit's liaison, on a phone, sends it back (属地不符); the office re-dispatches it to the right unit, whose
liaison signs for it and replies; the office's return visit records 满意 and closes it; the citizen opens
the code's status and sees the reply — never the reporter's name or number. No page scrolls sideways on
the phone, and nothing the Content-Security-Policy refuses."""

import pytest
from playwright.sync_api import Page, expect

from luoshi.public.models import Problem, Ruling, SendBack, Status
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
"""
CONTENT = "小区门口的垃圾堆放了三天没人清运，气味很大，夏天蚊蝇很多。"


def phone_page(browser, live_server, errors: list[str]) -> Page:
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=3,
        timezone_id="Asia/Shanghai",
    )
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    context.set_default_timeout(20_000)
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page


def fits(page: Page, name: str) -> None:
    assert page.evaluate("window.__csp") == [], name
    page.screenshot(path=f"/tmp/public-{name}.png", full_page=True)
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), f"{name} scrolls sideways"


def test_a_citizen_reports_the_office_dispatches_the_unit_sends_back_and_the_right_one_replies(
    browser, live_server, new_page, settings, office, unit_a, unit_b, liaison_a, liaison_b
):
    settings.LUOSHI_PUBLIC_POW_DIFFICULTY = 12  # the same guard, a shorter calculation for the test
    errors: list[str] = []

    # The citizen, on a phone, with no account.
    citizen = phone_page(browser, live_server, errors)
    citizen.goto("/public/report/")
    expect(citizen.locator("#public-fieldset")).to_be_enabled()
    fits(citizen, "form")
    citizen.select_option("#id_category", label="市容环境")
    citizen.fill("#id_content", CONTENT)
    citizen.fill("#id_place", "城关区张掖路街道金港城小区")
    citizen.fill("#id_reporter_name", "李女士")
    citizen.fill("#id_reporter_contact", "13900001111")
    citizen.click("#public-submit")
    citizen.wait_for_url("**/public/report/sent/**")
    code = (citizen.text_content("#tracking-code") or "").strip()
    fits(citizen, "sent")
    assert not Problem.objects.filter(code=code).exists()  # queued, for the worker to take in

    # The office's triage page takes in what no worker has yet (none runs here); the office accepts the
    # problem and dispatches it to unit_a (the wrong unit).
    desk = new_page()
    sign_in(desk, office, "/problems/triage/")
    expect(desk.locator("body")).to_contain_text(CONTENT[:10])
    problem = Problem.objects.get(code=code)
    assert problem.channel == "web" and problem.reporter_contact == "13900001111"
    desk.goto(f"/problems/{problem.pk}/")
    desk.click("#accept-form button[type=submit]")
    expect(desk.locator("#problem-status")).to_have_attribute("data-status", "accepted")
    desk.select_option("#id_unit", str(unit_a.pk))
    desk.click("#dispatch-submit")
    expect(desk.locator("#problem-status")).to_have_attribute("data-status", "dispatched")

    # unit_a's liaison, on a phone, sends it back: not its territory.
    first = phone_page(browser, live_server, errors)
    sign_in(first, liaison_a, f"/problems/{problem.pk}/")
    fits(first, "unit-a")
    first.click("#send-back-card summary")
    first.select_option("#id_reason", "territory")
    first.fill("#id_basis", "该小区属城关区管辖，依据属地管理原则应由城关区办理。")
    first.click("#send-back-submit")
    expect(first.locator("#send-back-form")).to_have_count(0)
    assert SendBack.objects.get(problem=problem).ruling == Ruling.PENDING

    # The office re-dispatches it to unit_b, which rules the send-back right.
    desk.reload()
    expect(desk.locator("#problem-status")).to_have_attribute("data-status", "accepted")
    desk.select_option("#id_unit", str(unit_b.pk))
    desk.click("#dispatch-submit")
    expect(desk.locator("#problem-status")).to_have_attribute("data-status", "dispatched")
    assert SendBack.objects.get(problem=problem).ruling == Ruling.UPHELD

    # unit_b's liaison signs for it and replies.
    right = phone_page(browser, live_server, errors)
    sign_in(right, liaison_b, f"/problems/{problem.pk}/")
    right.click("#sign-submit")
    expect(right.locator("#problem-status")).to_have_attribute("data-status", "handling")
    right.fill("#id_text", "已组织环卫力量清运完毕，并明确每日清运责任人。")
    right.click("#reply-submit")
    expect(right.locator("#problem-status")).to_have_attribute("data-status", "replied")
    fits(right, "unit-b")

    # The office's return visit: satisfied, solved; then closes it.
    desk.reload()
    desk.check("#id_satisfaction_satisfied")
    desk.select_option("#id_solved", "yes")
    desk.fill("#id_note", "群众表示垃圾已清运，对办理结果满意。")
    desk.click("#visit-submit")
    expect(desk.locator("#problem-status")).to_have_attribute("data-status", "visited")
    desk.click("#close-submit")
    expect(desk.locator("#problem-status")).to_have_attribute("data-status", "closed")
    assert Problem.objects.get(pk=problem.pk).status == Status.CLOSED

    # The citizen checks the code: the reply, and nothing of the reporter.
    citizen.goto(f"/public/track/{code}/")
    expect(citizen.locator("#problem-reply")).to_contain_text("清运完毕")
    expect(citizen.locator("#problem-status")).to_be_visible()
    fits(citizen, "status")
    text = citizen.content()
    assert "李女士" not in text and "13900001111" not in text
    assert errors == []
