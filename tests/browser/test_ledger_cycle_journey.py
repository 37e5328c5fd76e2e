"""The ledger's cycle in a real browser (issue 10's journey). The office imports a workbook with a mistake
and reads which row and column are wrong; corrects the file and imports it again; a liaison on a phone
confirms his unit's rows for the second quarter, correcting one with a reason; the office freezes the
quarter from the cycle board and compares it with the first quarter's snapshot, which shows the
correction, who made it and why.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from luoshi.ledger import cycle_quarters
from luoshi.ledger.models import Quarter, Snapshot, Task
from tests.ledger.conftest import ledger, opened, programme, tree  # noqa: F401  (the ledger's fixtures)
from tests.ledger.fixtures.books import row, run_jobs_at_once, xlsx  # noqa: F401

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def first_quarter_frozen(office, ledger, opened, liaison_a, liaison_b, unit_a, unit_b):  # noqa: F811
    """Q1 confirmed by both units as it stood and frozen: the snapshot the journey compares with."""
    quarter = cycle_quarters.do_start_quarter(office, ledger, 1, timezone.localdate() + timedelta(days=5))
    for person, unit in [(liaison_a, unit_a), (liaison_b, unit_b)]:
        rows = [
            cycle_quarters.RowInput(task.pk, confirmed=True) for task, _d in cycle_quarters.unit_rows(quarter, unit.pk)
        ]
        cycle_quarters.do_confirm_quarter(person, quarter, unit, rows)
    cycle_quarters.do_freeze_quarter(office, quarter)
    return quarter


def book(tmp_path: Path, lead_unit: str) -> Path:
    path = tmp_path / "总台账.xlsx"
    path.write_bytes(
        xlsx(
            [
                row(
                    专项="民生实事", 任务名称="新建城区公办幼儿园", 牵头单位=lead_unit, 完成时限="2026-12-31", 权重="1"
                ),
                row(专项="民生实事", 任务名称="老旧小区加装电梯", 牵头单位="城关区", 完成时限="2026-11-30", 权重="2"),
            ]
        )
    )
    return path


def test_import_fix_confirm_freeze_and_compare(
    open_as,
    tmp_path,
    run_jobs_at_once,  # noqa: F811
    office,
    ledger,  # noqa: F811
    opened,  # noqa: F811
    first_quarter_frozen,
    liaison_a,
    unit_a,
):
    # The office imports a workbook whose first task names a unit the city does not have.
    page = open_as(office, DESKTOP, f"/ledger/{ledger.pk}/import/", english=True)
    page.set_input_files("#id_file", str(book(tmp_path, "市教育局")))
    page.fill("#id_reason", "市政府第12次常务会议新增民生实事")
    page.click("#import-upload button[type=submit]")
    expect(page.locator("#import-failed")).to_be_visible()
    first_error = page.locator("#import-errors tbody tr").first
    expect(first_error.locator("th")).to_have_text("3")  # the title row, the headers, then this row
    expect(first_error.locator("td").first).to_have_text("牵头单位")
    expect(first_error.locator("td.text-danger")).to_contain_text("市教育局")
    assert not Task.objects.filter(title="老旧小区加装电梯").exists()  # all or nothing

    # Corrected, the same file goes in from the error page.
    page.set_input_files("#import-upload #id_file", str(book(tmp_path, "市工信委")))
    page.fill("#import-upload #id_reason", "市政府第12次常务会议新增民生实事")
    page.click("#import-upload button[type=submit]")
    expect(page.locator("#import-done")).to_contain_text("2")
    assert Task.objects.filter(ledger=ledger, title__in=["新建城区公办幼儿园", "老旧小区加装电梯"]).count() == 2

    # The second quarter starts from the cycle board.
    page.goto(f"/ledger/{ledger.pk}/cycle/")
    page.select_option("#id_number", "2")
    page.click("#start")
    quarter = Quarter.objects.get(ledger=ledger, number=2)

    # A liaison on his phone confirms his unit's rows, correcting one's progress with a reason.
    phone = open_as(liaison_a, PHONE, f"/ledger/quarters/{quarter.pk}/confirm/")
    first = opened["first"]
    phone.uncheck(f"#ok-{first.pk}")
    phone.fill(f"#progress-{first.pk}", "35")
    phone.fill(f"#reason-{first.pk}", "隧洞掘进进度按监理月报核减")
    phone.click("#send-confirmation")
    expect(phone.locator("#confirmed")).to_be_visible()
    assert phone.evaluate("document.scrollingElement.scrollWidth <= innerWidth")

    # The office freezes at the cut-off (unit b has not confirmed): the browser asks first.
    page.goto(f"/ledger/{ledger.pk}/cycle/?q=2")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#freeze")
    expect(page.locator("#board-snapshot")).to_be_visible()
    second = Snapshot.objects.get(quarter_of=quarter)
    assert not second.complete

    # The two snapshots compared: the correction, by whom and why.
    page.click("#snapshots-link")
    page.goto(f"/ledger/snapshots/compare/?b={second.pk}")
    first_snapshot = Quarter.objects.get(pk=first_quarter_frozen.pk).snapshot_id  # labels are in the city's language
    page.select_option("#compare-a", value=str(first_snapshot))
    page.select_option("#compare-b", value=str(second.pk))
    page.click("#compare")
    changes = page.locator("#changes")
    expect(changes).to_contain_text(first.code)
    expect(changes).to_contain_text("隧洞掘进进度按监理月报核减")
    expect(changes).to_contain_text("35")
    page.screenshot(path="/tmp/ledger-compare.png", full_page=True)
