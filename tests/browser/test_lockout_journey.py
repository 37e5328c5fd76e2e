"""On a phone, five wrong passwords lock an account; the right password is then refused with the same words;
the security administrator releases the lock on his lockouts page; the person signs in."""

import pytest

from luoshi.events.models import Event
from tests.browser.conftest import _expected
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phones(browser, live_server):
    """phones(): a phone's page of a fresh context (its own cookies), in English; JavaScript errors fail."""
    errors: list[str] = []
    contexts = []

    def open_phone():
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
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: msg.type == "error" and not _expected(msg.text) and errors.append(msg.text))
        return page

    yield open_phone
    for context in contexts:
        context.close()
    assert not errors, errors


def try_password(page, username: str, password: str) -> None:
    page.goto("/login/?next=/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form button[type=submit]")
    page.wait_for_load_state()


def fits_the_phone(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")


def test_five_wrong_passwords_lock_an_account_until_the_security_administrator_releases_it(phones, liaison_a, security):
    person = phones()
    words = set()
    for _ in range(5):
        try_password(person, "liaison_a", "not-My-password-1")
        words.add(person.text_content("#login-error"))
    try_password(person, "liaison_a", PASSWORD)  # the right one, refused while locked
    assert "/login/" in person.url
    words.add(person.text_content("#login-error"))
    assert len(words) == 1, words
    assert fits_the_phone(person)

    admin = phones()
    try_password(admin, "security", PASSWORD)
    admin.goto("/account/lockouts/")
    card = admin.locator('.ls-lockout[data-value="liaison_a"]')
    assert card.is_visible() and liaison_a.name in (card.text_content() or "")
    assert fits_the_phone(admin)
    admin.screenshot(path="/tmp/lockouts.png", full_page=True)
    card.get_by_role("button", name="Release").click()
    admin.wait_for_selector("#no-lockouts")

    try_password(person, "liaison_a", PASSWORD)
    person.wait_for_url("**/")
    assert person.locator("#account-link").is_visible() or person.locator(".navbar-toggler").is_visible()
    kinds = list(Event.objects.filter(kind__startswith="login").order_by("id").values_list("kind", "result"))
    assert ("login.locked", "refused") in kinds and ("login.released", "ok") in kinds
    assert kinds[-1] == ("login", "ok")
