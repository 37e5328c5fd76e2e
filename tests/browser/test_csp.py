"""Every page works under the Content-Security-Policy: in chromium, over the demo city, no page (nor the admin,
nor the API's docs) fires a `securitypolicyviolation` or logs an error, charts, tooltips and htmx included."""

import re
import runpy
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from playwright.sync_api import Page

import luoshi
from luoshi.demo.city import DEMO_PASSWORD, build_demo_city
from luoshi.duties import owners
from luoshi.duties.models import Duty, DutyStatus, Escalation
from luoshi.ledger.models import Ledger, Snapshot, Task
from luoshi.lists.models import ListStatus, ResponsibilityList
from luoshi.org.models import Person
from tests.browser.conftest import _expected

pytestmark = pytest.mark.browser

# Playwright's own injection (not page markup, so the policy does not apply to it): collect the violations.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
});
"""


@pytest.fixture
def city(transactional_db) -> None:
    if connection.vendor != "sqlite":
        # The policy and the pages' markup do not depend on the database: the walk (90 s here, most of it
        # building the city) runs in the suite's SQLite pass.
        pytest.skip("the CSP walk runs in the suite's SQLite pass")
    build_demo_city()


@pytest.fixture
def visit(browser, live_server) -> Iterator[Callable[..., Page]]:
    """visit(username) -> a signed-in page whose every load is checked by check(page, path)."""
    contexts = []

    def open_as(username: str | None) -> Page:
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1400, "height": 900})
        context.set_default_timeout(20_000)
        context.add_init_script(LISTEN)
        contexts.append(context)
        page = context.new_page()
        page.luoshi_errors = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda exc: page.luoshi_errors.append(f"{page.url}: {exc}"))  # type: ignore[attr-defined]
        page.on(
            "console",
            lambda msg: (
                msg.type == "error" and not _expected(msg.text) and page.luoshi_errors.append(f"{page.url}: {msg.text}")
            ),  # type: ignore[attr-defined]
        )
        if username:
            page.goto("/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", DEMO_PASSWORD)
            page.click("form button[type=submit]")
            page.wait_for_load_state("load")
            check(page)
        return page

    yield open_as
    for context in contexts:
        context.close()


def check(page: Page) -> None:
    page.wait_for_load_state("networkidle")
    violations = page.evaluate("window.__csp")
    assert isinstance(violations, list), page.url  # the listener is in place
    assert not violations, (page.url, violations)
    assert not page.luoshi_errors, page.luoshi_errors  # type: ignore[attr-defined]


def go(page: Page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, (path, response and response.status)
    check(page)


def url(name: str, *args: object) -> str | None:
    """The path of a page that may not exist yet (other work of the same issue adds pages)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def test_every_page_works_under_the_policy(city, visit):
    liaison = Person.objects.get(username="gxw_liaison")
    struck = ResponsibilityList.objects.filter(status=ListStatus.CLOSED).order_by("pk").first()
    # The unit's live duties on lists (a problem's or a finding's id may equal a list's).
    owned = Duty.objects.filter(
        unit=liaison.unit, owner_type_id=owners.content_type_id("list"), status=DutyStatus.OPEN
    ).values("owner_id")
    running = ResponsibilityList.objects.filter(status=ListStatus.IN_PROGRESS, pk__in=owned).order_by("pk").first()
    notice = Escalation.objects.filter(step="urge").order_by("pk").first()
    assert struck and running and notice
    duty = running.duties.get(unit=liaison.unit)

    page = visit(None)
    go(page, "/login/")
    # The policy is enforced and the listener hears it: an inline style is refused (then forgotten).
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<b style=\"color: red\">x</b>')")
    page.wait_for_function("window.__csp.length > 0")
    assert "style-src" in page.evaluate("window.__csp[0]")
    page.evaluate("window.__csp = []")
    page.luoshi_errors.clear()  # type: ignore[attr-defined]  (chromium logs the refusal too)
    go(page, "/api/v1/docs")
    page.locator(".swagger-ui .opblock").first.click()  # an operation opens (Swagger's own scripts work)
    page.locator(".swagger-ui .opblock-body").first.wait_for()
    check(page)

    office = visit("office")
    for path in [
        "/",
        "/lists/",
        f"/lists/{running.pk}/",
        f"/lists/{running.pk}/changes/",
        f"/lists/{struck.pk}/",
        "/lists/new/",
        "/lists/import/",
        "/escalation/board/",
        "/escalation/talks/",
        "/escalation/league/",
        "/escalation/unsigned/",
        "/inbox/",
        "/inbox/settings/",
        url("tokens:index"),
        url("two_factor:index"),
    ]:
        if path:
            go(office, path)
    # htmx: the index filters without a reload (its indicator's style is ours, not injected)
    go(office, "/lists/")
    with office.expect_response(lambda r: "/lists/" in r.url and r.request.headers.get("hx-request") == "true"):
        office.locator("#f-q").fill("建设")
    check(office)
    # the overview's ECharts bars and their tooltip
    go(office, "/lists/overview/")
    chart = office.locator("#chart-units canvas").first
    chart.wait_for()
    box = chart.bounding_box()
    assert box
    office.mouse.move(box["x"] + box["width"] / 2, box["y"] + 60)
    office.wait_for_timeout(300)
    check(office)
    # printing: the loop page in print media, the closing record and a notice as PDF
    go(office, f"/lists/{running.pk}/")
    office.emulate_media(media="print")
    check(office)
    office.emulate_media(media="screen")
    for path in [f"/lists/{struck.pk}/closing-record.pdf", f"/escalation/notices/{notice.pk}.pdf"]:
        response = office.request.get(path)
        assert response.status == 200 and response.headers["content-type"] == "application/pdf", path

    # the master ledger: the tree, a task with its charts, the summaries and the cycle's pages
    ledger = Ledger.objects.get(year=timezone.localdate().year)
    charted = Task.objects.filter(ledger=ledger, indicators__actuals__isnull=False).order_by("pk").first()
    snapshots = list(Snapshot.objects.filter(ledger=ledger).order_by("frozen_at"))
    assert charted and len(snapshots) >= 2
    for path in [
        url("ledger:index"),
        url("ledger:tree", ledger.pk),
        url("ledger:task", charted.pk),
        url("ledger:programmes", ledger.pk),
        url("ledger:leaders", ledger.pk),
        url("ledger:import", ledger.pk),
        url("ledger:cycle", ledger.pk),
        url("ledger:snapshots", ledger.pk),
        url("ledger:audit", snapshots[1].pk),
        url("ledger:carried", ledger.pk),
    ]:
        if path:
            go(office, path)
    go(office, f"{url('ledger:compare')}?a={snapshots[0].pk}&b={snapshots[1].pk}")
    go(office, url("ledger:task", charted.pk) or "/")
    office.locator("[data-chart] canvas").first.wait_for()
    check(office)

    # the cockpit's charts, the bulletins, the year in figures; drafts from a text (the demo's sample minutes)
    go(office, url("cockpit:index"))
    office.locator("#chart-lists-by_light canvas").first.wait_for()
    check(office)
    for path in [url("cockpit:bulletins"), url("cockpit:summary"), url("lists:from_text")]:
        go(office, path)

    leader = visit("leader01")
    for path in ["/", "/lists/leader/", "/escalation/orders/", "/lists/overview/", "/cockpit/"]:
        go(leader, path)

    unit = visit(liaison.username)
    for path in [
        "/",
        "/lists/inbox/",
        "/escalation/unit/",
        f"/lists/{running.pk}/",
        url("lists:report_page", running.pk, duty.unit_id),
        url("ledger:index"),
        url("ledger:tree", ledger.pk),
    ]:
        if path:
            go(unit, path)

    admin = visit("admin")
    for path in [
        "/escalation/settings/",
        "/escalation/calendar/",
        "/admin/",
        "/admin/org/person/",
        f"/admin/org/person/{liaison.pk}/change/",
        "/admin/org/unit/add/",
    ]:
        go(admin, path)

    auditor = visit("auditor")
    for name in ["audit:trail", "audit:verify"]:
        if path := url(name):
            go(auditor, path)

    # an error page (the shell without a menu's data)
    go(office, "/lists/999999999/", status=404)


# --- the header, and the templates it relies on (no browser) ---

TEMPLATE_ROOTS = [Path(luoshi.__file__).parent / "templates", *Path(luoshi.__file__).parent.glob("*/templates")]
# The shell of the documents rendered by WeasyPrint into a PDF on the server, never served as a page: its
# <style> is the documents' own (each document extends it and adds its rules in a block).
PRINTED = {"printed/base.html"}
INLINE = {
    "an inline <script>": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")", re.I),
    "an on*= handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "hx-on": re.compile(r"\bhx-on", re.I),
    "a style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
}


def expected_policy(directives: dict[str, list[str]]) -> set[str]:
    return {f"{name} {' '.join(values)}" for name, values in directives.items()}


def test_every_template_keeps_scripts_and_styles_in_files():
    found = []
    for root in TEMPLATE_ROOTS:
        for path in root.rglob("*.html"):
            name = path.relative_to(root).as_posix()
            text = path.read_text()
            for what, pattern in INLINE.items():
                if pattern.search(text):
                    found.append(f"{name}: {what}")
            if name not in PRINTED and re.search(r"<style", text, re.I):
                found.append(f"{name}: a <style> element")
    assert not found, found


@pytest.mark.django_db
def test_every_response_carries_the_policy_from_settings(client, settings):
    response = client.get("/login/")
    policy = response["Content-Security-Policy"]
    assert set(policy.split("; ")) == expected_policy(settings.LUOSHI_CSP_DIRECTIVES)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "Content-Security-Policy-Report-Only" not in response
    assert "Content-Security-Policy" in client.get("/api/v1/docs")


def settings_with(monkeypatch, **env: str) -> dict:
    """The settings module as it reads this environment (run afresh, apart from Django's loaded settings)."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(luoshi.__file__).parent / "settings.py"))


@pytest.mark.django_db
def test_report_only_sends_the_same_policy_without_enforcing_it(client, settings, monkeypatch):
    assert "CONTENT_SECURITY_POLICY_REPORT_ONLY" not in settings_with(monkeypatch, LUOSHI_CSP_REPORT_ONLY="false")
    loaded = settings_with(monkeypatch, LUOSHI_CSP_REPORT_ONLY="true")
    assert "CONTENT_SECURITY_POLICY" not in loaded
    del settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = loaded["CONTENT_SECURITY_POLICY_REPORT_ONLY"]
    response = client.get("/login/")
    assert "Content-Security-Policy" not in response
    assert set(response["Content-Security-Policy-Report-Only"].split("; ")) == expected_policy(
        loaded["LUOSHI_CSP_DIRECTIVES"]
    )
