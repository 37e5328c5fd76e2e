"""Playwright (sync API) in Debian's chromium, against pytest-django's live server.

No `playwright install`: the browser is the system's /usr/bin/chromium. Without it the tests are
skipped, unless LUOSHI_REQUIRE_SYSTEM_PACKAGES=1 (CI), where a missing browser is a failure.
"""

import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("LUOSHI_REQUIRE_SYSTEM_PACKAGES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _expected(console_text: str) -> bool:
    """A refused action answers 4xx on purpose; chromium logs each such answer as an error."""
    return console_text.startswith("Failed to load resource: the server responded with a status of 4")


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable]:
    """Open a page in a fresh context (its own cookies: one person each), in English, on the live server.

    JavaScript errors on any page fail the test.
    """
    contexts, errors = [], []

    def open_page():
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-US",
            timezone_id="Asia/Shanghai",
            viewport={"width": 1400, "height": 900},
        )
        # Pages are Chinese unless the person picked English with the switch; these journeys read English.
        context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: msg.type == "error" and not _expected(msg.text) and errors.append(msg.text))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, errors


@pytest.fixture
def page(new_page):
    return new_page()


def sign_in(page, person, next_url: str) -> None:
    page.goto(f"/login/?next={next_url}")
    page.fill("#id_username", person.username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"**{next_url}")


@pytest.fixture
def open_as(browser, live_server) -> Iterator[Callable]:
    """open_as(person, viewport, path, english=False): a signed-in page of a fresh context, a phone below
    768 px (touch, mobile, 3x pixels), in Chinese unless english; JavaScript errors fail the test."""
    contexts, errors = [], []

    def open_page(person, viewport: dict, path: str, english: bool = False):
        phone = viewport["width"] < 768
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=3 if phone else 1,
            timezone_id="Asia/Shanghai",
        )
        if english:
            context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        sign_in(page, person, path)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, errors


def weekly_list(office, leader, unit, title: str, content: str):
    """A list published today to one unit, reporting weekly, due in 90 days: the journeys' usual case."""
    from django.utils import timezone

    from luoshi.lists import services

    return services.do_publish(
        office,
        services.do_create_list(
            office,
            source="instruction",
            title=title,
            content=content,
            leader=leader,
            lead_unit=unit,
            co_units=[],
            deadline=timezone.localdate() + timedelta(days=90),
            report_every_days=7,
        ),
    )
