"""Printing the loop page for a meeting: A4 landscape, lights and progress bars in colour, no menus or buttons."""

import re
import shutil
import subprocess
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from luoshi.duties import services as duty_services
from tests.browser.conftest import sign_in
from tests.duties.test_documents import inflated, needs
from tests.lists.test_index import make_list

RED = "rgb(198, 40, 40)"  # .light-red


def test_the_printed_loop_page_keeps_its_colours(page, office, leader, unit_a, unit_b, liaison_b, tmp_path):
    # A month-old list: the lead unit's first report is long overdue (red); the co-unit reported 40 %.
    rlist = make_list(
        office, title="推进兰州新区产业园区建设", lead_unit=unit_a, co_units=[unit_b], leader=leader,
        at=timezone.now() - timedelta(days=30),
    )  # fmt: skip
    ob = rlist.duties.get(unit=unit_b)
    duty_services.do_report(liaison_b, ob, progress=40, done="完成规划审批", difficulties="资金缺口")

    sign_in(page, office, f"/lists/{rlist.pk}/")
    page.emulate_media(media="print")
    expect(page.locator(".ls-nav")).to_be_hidden()
    expect(page.locator("#obligations")).to_be_visible()
    assert page.locator("#obligations button, #obligations .btn").evaluate_all(
        "els => els.every(e => getComputedStyle(e).display === 'none')"
    )
    light = page.locator(f"#unit-{unit_a.pk} .light-red")
    assert light.evaluate("e => getComputedStyle(e).backgroundColor") == RED
    assert light.evaluate("e => getComputedStyle(e).printColorAdjust") == "exact"
    bar = page.locator(f"#unit-{unit_b.pk} .progress-bar")
    assert bar.evaluate("e => getComputedStyle(e).printColorAdjust") == "exact"
    assert bar.evaluate("e => e.getBoundingClientRect().width") > 0
    rows = page.locator("#obligations tbody tr").evaluate_all("els => els.map(e => getComputedStyle(e).breakInside)")
    assert set(rows) == {"avoid"}

    pdf = page.pdf(prefer_css_page_size=True, print_background=False)  # the stylesheet keeps colours itself
    box = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", inflated(pdf))
    assert box and float(box[1]) > float(box[2])  # landscape
    assert abs(float(box[1]) - 841.89) < 1  # A4
    if not shutil.which("pdftotext"):
        needs("pdftotext", "apt-get install poppler-utils")
    (tmp_path / "loop.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "loop.pdf"), "-"], capture_output=True, text=True).stdout
    assert "40%" in text and "资金缺口" in text
    assert "Log out" not in text and "Strike off" not in text
