"""On a phone, an office user signs in, enrols an authenticator app (the code computed from the key the
page shows), sees the recovery codes, logs out, and signs in again with the password and the app's code,
reaching the home page."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import _expected
from tests.conftest import PASSWORD
from tests.org.otp_codes import app_code, code_from_key

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    """A phone's page of a fresh context, in English, signed in as nobody; JavaScript errors fail the test."""
    errors: list[str] = []
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=3,
        timezone_id="Asia/Shanghai",
    )
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: msg.type == "error" and not _expected(msg.text) and errors.append(msg.text))
    yield page
    context.close()
    assert not errors, errors


def password_sign_in(page, username: str) -> None:
    page.goto("/login/?next=/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")


def fits_the_phone(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")


def test_an_office_user_enrols_logs_out_and_signs_in_with_the_code(phone, settings, office, live_server):
    settings.LUOSHI_TWO_FACTOR_ROLES = ["admin", "security", "auditor", "office"]
    page = phone

    password_sign_in(page, office.username)
    page.wait_for_url("**/account/two-factor/enrol?next=%2F")
    assert page.locator("#two-factor-qr svg").is_visible()
    assert fits_the_phone(page)
    page.screenshot(path="/tmp/two-factor-enrol.png", full_page=True)
    key = page.text_content("#two-factor-key") or ""
    page.fill("#id_code", code_from_key(key))
    page.click("#two-factor-enrol button[type=submit]")

    page.wait_for_url("**/account/two-factor/codes")
    assert page.locator("#recovery-codes li").count() == 10
    assert fits_the_phone(page)
    page.click("[data-copy]")
    page.wait_for_function("document.getElementById('copy-status').textContent.length > 0")
    page.screenshot(path="/tmp/two-factor-codes.png", full_page=True)
    page.click("#codes-done")
    page.wait_for_url(f"{live_server.url}/")

    page.click(".navbar-toggler")
    # Bootstrap's collapse animates open; a click while it is still clipped may land on nothing.
    page.wait_for_selector(".navbar-collapse.show", state="visible")
    with page.expect_navigation():
        page.click("#nav-me button[type=submit]")  # log out
    assert "/login/" in page.url, (page.url, page.content()[:2000])

    password_sign_in(page, office.username)
    page.wait_for_url("**/account/two-factor/verify?next=%2F")
    assert fits_the_phone(page)
    page.screenshot(path="/tmp/two-factor-verify.png", full_page=True)
    page.fill("#id_code", app_code(TOTPDevice.objects.get(user=office, confirmed=True)))
    page.click("#two-factor-verify button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("#id_code").count() == 0
    assert page.locator("#nav-me").count() == 1
