"""The issue's "Done when", on a 390×844 phone: the office publishes a list; the liaison signs in, finds it
on the to-do home and files a report prefilled from the unit's last one in at most three taps after
signing in; the office finds the completion request on its own to-do home and accepts it.

The pages are in Chinese, as the people see them; the steps find their buttons by id, not by words.
Taps are counted from the moment the to-do home shows after signing in.
"""

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from luoshi.duties import services as duty_services
from luoshi.duties.models import DutyStatus, Report
from luoshi.lists import services
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
TITLE = "推进兰州新区产业园区建设"
SCREENSHOTS = "/tmp/todo-{}.png"
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


class Taps:
    """Every tap the person makes, counted."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, target: Locator) -> None:
        target.tap()
        self.count += 1


@pytest.fixture
def open_page(browser, live_server) -> Iterator[Callable[[dict], Page]]:
    """A page of a fresh context (a phone below 768 px: touch, mobile, 3x pixels), in Chinese; JavaScript
    errors on any page fail the test."""
    contexts, errors = [], []

    def open_one(viewport: dict) -> Page:
        phone = viewport["width"] < 768
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=3 if phone else 1,
            timezone_id="Asia/Shanghai",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield open_one
    for context in contexts:
        context.close()
    assert not errors, errors


def sign_in(page: Page, person, home: str, tap: Callable[[Locator], None]) -> None:
    """Through the login form, which lands on the to-do home."""
    page.goto("/login/")
    page.fill("#id_username", person.username)
    page.fill("#id_password", PASSWORD)
    tap(page.locator("form:has(#id_password) button[type=submit]"))
    page.wait_for_url(home)


def test_a_liaison_reports_in_three_taps_and_the_office_accepts_from_its_todo(
    open_page, live_server, office, leader, unit_a, liaison_a
):
    home = f"{live_server.url}/"
    draft = services.do_create_list(
        office,
        source="instruction",
        title=TITLE,
        content="按市委要求，年底前完成园区一期建设。",
        leader=leader,
        lead_unit=unit_a,
        co_units=[],
        deadline=timezone.localdate() + timedelta(days=90),
        report_every_days=7,
    )
    loop = f"/lists/{draft.pk}/"

    # The office publishes the list on its loop page.
    desk = open_page(DESKTOP)
    sign_in(desk, office, home, lambda target: target.click())
    desk.goto(loop)
    desk.locator(f"form[action='{loop}publish'] button").click()
    expect(desk.locator("#list-code")).to_have_count(1)  # a code is given on publishing
    duty = draft.duties.get()
    assert duty.status == DutyStatus.OPEN

    # The unit's last report (filed earlier) left its difficulties and next steps.
    duty_services.do_report(
        liaison_a, duty, progress=60, done="完成规划审批", difficulties="配套资金尚未到位", next_steps="协调市财政"
    )

    # The liaison signs in on the phone and lands on the to-do home: the list is there.
    phone = open_page(PHONE)
    tap = Taps()
    sign_in(phone, liaison_a, home, lambda target: target.tap())
    item = phone.locator("#todo-report_due a[data-kind='report_due']")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(TITLE)
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    phone.screenshot(path=SCREENSHOTS.format("home"), full_page=True)

    # One tap opens the report, prefilled from the last one.
    tap(item)
    phone.wait_for_url(f"**/lists/{draft.pk}/report/{unit_a.pk}/")
    expect(phone.locator("#id_progress")).to_have_value("60")
    expect(phone.locator("#id_difficulties")).to_have_value("配套资金尚未到位")
    expect(phone.locator("#id_next_steps")).to_have_value("协调市财政")
    expect(phone.locator("#id_done")).to_have_value("")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    phone.screenshot(path=SCREENSHOTS.format("report"))

    # One tap says what was done ("no change: on plan" would do for a routine report) ...
    chip = phone.locator("#chip-finished")
    tap(chip)
    expect(phone.locator("#id_done")).to_have_value(chip.get_attribute("data-fill") or "")
    # ... and one asks for completion: progress 100, no box to tick. Back on the to-do home.
    tap(phone.locator("#ask-completion"))
    phone.wait_for_url(home)
    expect(phone.locator(".alert-success")).to_contain_text(TITLE)
    assert tap.count <= 3, f"{tap.count} taps after signing in"

    report = Report.objects.latest("id")
    assert (report.progress, report.request_completion) == (100, True)
    assert (report.difficulties, report.next_steps) == ("配套资金尚未到位", "协调市财政")
    expect(phone.locator("#todo-empty")).to_be_visible()  # the office decides now: nothing waits here

    # The office finds the request on its own to-do home and accepts it on the loop page's form.
    desk.goto("/")
    request_item = desk.locator("#todo-completion_request a[data-kind='completion_request']")
    expect(request_item).to_contain_text(TITLE)
    request_item.click()
    desk.wait_for_url(f"**{loop}?next=/#completion-{unit_a.pk}")
    desk.locator(f"#completion-{unit_a.pk} form[action$='/accept'] button").click()
    desk.wait_for_url(home)
    expect(desk.locator(".alert-success")).to_be_visible()
    expect(desk.locator("#todo-completion_request")).to_have_count(0)
    # The list's only unit is accepted: striking it off is the office's next item.
    expect(desk.locator("#todo-ready_to_close a")).to_contain_text(TITLE)
    desk.screenshot(path=SCREENSHOTS.format("office"))
    duty.refresh_from_db()
    assert duty.status == DutyStatus.COMPLETED
