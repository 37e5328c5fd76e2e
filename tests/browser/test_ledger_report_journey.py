"""A liaison on a 390×844 phone reports on a ledger task: from the ledger's tree he opens his unit's task,
files its progress with the indicator's figure (7.5 亿元), and sees the task's chart and the parent's
rolled-up progress and figure. In Chinese, as he reads it; no page scrolls sideways.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import Page

from luoshi.ledger import services
from luoshi.ledger.models import Actual, Indicator, Task
from tests.ledger.conftest import ledger, opened, programme, tree  # noqa: F401  (the ledger's fixtures)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
SCREENSHOTS = "/tmp/ledger-{}.png"
TOO_WIDE = """() => [...document.querySelectorAll('body *')].filter(e => {
  if (e.closest('.ls-cards > thead, .visually-hidden')) return false;
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && (r.right > innerWidth + 0.5 || r.left < -0.5);
}).map(e => e.tagName + '#' + e.id + '.' + e.className)"""


# Playwright's own injection (not page markup, so the policy does not apply to it): collect the violations.
LISTEN = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


def fits(page: Page, name: str) -> None:
    """No sideways scrolling, nothing off the screen, nothing the Content-Security-Policy refused."""
    assert page.evaluate("window.__csp") == [], name
    page.screenshot(path=SCREENSHOTS.format(name), full_page=True)
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), f"{name} scrolls sideways"
    assert page.evaluate(TOO_WIDE) == [], name


@pytest.fixture
def parent_with_figure(office, programme, opened):  # noqa: F811
    """The parent sums its sub-tasks' 年度完成投资 (亿元)."""
    parent = opened["parent"]
    services.do_update_task(
        office,
        parent,
        services.TaskInput(
            programme=programme,
            title=parent.title,
            deadline=parent.deadline,
            leader=parent.leader,
            indicators=[services.IndicatorInput("年度完成投资", "亿元", Decimal(30))],
        ),
        reason="汇总投资",
    )
    return opened


def test_a_liaison_reports_a_task_with_its_figure_and_sees_the_roll_up(
    open_as,
    liaison_a,
    parent_with_figure,
):
    first, parent = parent_with_figure["first"], parent_with_figure["parent"]
    page = open_as(liaison_a, PHONE, f"/ledger/{first.ledger_id}/")
    page.add_init_script(LISTEN)
    page.reload()
    fits(page, "tree")
    # his unit's rows only, each task a tap away
    assert page.locator("#tree-results tr[data-task]").count() == 2  # the first task, and the second he co-handles
    page.locator(f'#tree-results tr[data-task="{first.pk}"] a', has_text=first.title).click()
    page.wait_for_url(f"**/ledger/task/{first.pk}/")
    fits(page, "task-before")

    page.click("#report-link")
    page.wait_for_url(f"**/ledger/task/{first.pk}/report")
    fits(page, "report")
    indicator = first.indicators.get()
    page.fill("#id_done", "隧洞掘进3.2公里，完成年度投资7.5亿元")
    page.fill("#id_progress", "60")
    page.fill(f"#id_actual_{indicator.pk}", "7.5")
    page.click("#file-report")
    page.wait_for_url(f"**/ledger/task/{first.pk}/")
    assert Actual.objects.get().value == Decimal("7.5")

    # the task: its progress, the report under the unit, the chart drawn (planned against 7.5)
    assert page.locator("#task-progress").inner_text().strip().startswith("60")
    assert "7.5亿元" in page.locator(f"[data-duty] [data-actual='{indicator.pk}']").inner_text()
    page.locator(f"#indicator-{indicator.pk} .ledger-chart[data-drawn='1'] canvas").first.wait_for()
    fits(page, "task-after")

    # the parent, one tap up: progress rolled up by weight (3·60 + 1·0) / 4, the figure summed
    page.click("#parent-link")
    page.wait_for_url(f"**/ledger/task/{parent.pk}/")
    assert Task.objects.get(pk=parent.pk).progress == Decimal(45)
    assert page.locator("#task-progress").inner_text().strip().startswith("45")
    assert page.locator(f'#children tr[data-task="{first.pk}"]').inner_text().count("60") >= 1
    parent_indicator = Indicator.objects.get(task=parent)
    assert page.locator(f"[data-indicator-actual='{parent_indicator.pk}']").inner_text() == "7.5"
    page.locator(f"#indicator-{parent_indicator.pk} .ledger-chart[data-drawn='1'] canvas").first.wait_for()
    page.locator(f"#indicator-{parent_indicator.pk}").screenshot(path=SCREENSHOTS.format("parent-chart"))
    assert page.locator("#report-link").count() == 0  # the parent's work is its sub-tasks'
    fits(page, "parent")
