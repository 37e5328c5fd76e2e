"""A liaison on a 390×844 phone signs in with "keep me signed in on this device" ticked, opens the
notification settings from the inbox, mutes one hand-off kind, saves, and sees it saved.

The page reads Chinese, as the liaison sees it; its strings are new (merged into the catalogue later),
so it is read through ids and data attributes, not its words.
"""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy
from playwright.sync_api import Page, expect

from luoshi.notify import kinds
from luoshi.notify.models import Channel, Preference
from luoshi.web.remember import remember_until
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SCREENSHOT = "/tmp/notification-settings.png"


@pytest.fixture
def notice_kinds(monkeypatch):
    """The kinds the page lists: the live server runs in this process, so it sees this registry."""
    monkeypatch.setattr(kinds, "_registry", {})
    kinds.register("duty.assigned", gettext_lazy("A duty assigned to my unit"))
    kinds.register("completion.returned", "完成申请被退回")
    kinds.register("escalation.urge", "催办通知")


def test_a_liaison_remembered_on_her_phone_mutes_a_hand_off_kind(browser, live_server, notice_kinds, liaison_a):
    Channel.objects.create(kind="email", name="邮件")
    Channel.objects.create(kind="wecom", name="督查群", url="http://127.0.0.1:9/robot")
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=3,
        timezone_id="Asia/Shanghai",
    )
    context.set_default_timeout(15_000)
    errors: list[str] = []
    try:
        page: Page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))

        page.goto("/login/?next=/inbox/")
        page.fill("#id_username", liaison_a.username)
        page.fill("#id_password", PASSWORD)
        page.check("#id_remember")
        signed_in_at = timezone.now()
        page.click("form button[type=submit]")
        page.wait_for_url("**/inbox/")
        # The session cookie outlives an ordinary session: it lasts until the working week ends.
        cookie = next(c for c in context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
        expected = remember_until(signed_in_at)
        assert abs(cookie["expires"] - expected.timestamp()) < 120, (
            datetime.fromtimestamp(cookie["expires"], UTC),
            expected,
        )

        page.click("#settings-link")
        page.wait_for_url("**/inbox/settings/")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scroll
        assigned = page.locator('[data-kind="duty.assigned"]')
        expect(page.locator('[data-kind="escalation.urge"] .ls-mute')).to_have_count(0)  # cannot be muted
        expect(assigned.locator('input[value="email"]')).to_be_checked()
        switch = assigned.locator(".ls-mute")
        expect(switch).not_to_be_checked()
        box = switch.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        switch.check()
        page.click("#notification-settings button[type=submit]")

        page.wait_for_url("**/inbox/settings/")
        expect(page.locator(".alert-success")).to_be_visible()
        expect(page.locator('[data-kind="duty.assigned"] .ls-mute')).to_be_checked()
        expect(page.locator('[data-kind="completion.returned"] .ls-mute')).not_to_be_checked()
        page.screenshot(path=SCREENSHOT, full_page=True)
        page.reload()
        expect(page.locator('[data-kind="duty.assigned"] .ls-mute')).to_be_checked()
        assert list(Preference.objects.values_list("person", "kind", "muted")) == [
            (liaison_a.pk, "duty.assigned", True)
        ]
    finally:
        context.close()
    assert not errors, errors
