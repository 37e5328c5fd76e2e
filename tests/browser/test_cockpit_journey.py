"""The issue's journey: a leader opens the cockpit on a 390×844 phone, taps the red segment of his lists'
lights and lands on exactly those lists; the office makes the week's supervision bulletin and downloads its
PDF, whose text is read back. No page scrolls sideways on the phone, nothing the CSP refuses."""

import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from luoshi.cockpit.models import Bulletin
from tests.browser.conftest import sign_in
from tests.browser.test_public_journey import fits, phone_page
from tests.lists.test_index import make_list

pytestmark = pytest.mark.browser

# The page point of the middle of a bar segment: the chart's own pixel conversion, so the tap lands on the
# canvas where the segment is drawn (the first stacked series sits on the axis).
SEGMENT = """([id, color]) => {
  const el = document.getElementById(id);
  const chart = echarts.getInstanceByDom(el);
  const option = chart.getOption();
  const i = option.series.findIndex(s => s.itemStyle && s.itemStyle.color === color);
  const value = option.series[i].data[0];
  const [x, y] = chart.convertToPixel({seriesIndex: i}, [0, value / 2]);
  const box = el.getBoundingClientRect();
  return {x: box.left + x, y: box.top + y, value: value, index: i};
}"""


def test_a_leader_taps_his_red_lists_and_the_office_prints_the_bulletin(
    browser, live_server, new_page, office, leader, other_leader, unit_a, unit_b, unit_c
):
    now = timezone.now()
    red = [
        make_list(office, title=f"红灯事项{i}", lead_unit=unit_a, leader=leader, at=now - timedelta(days=30))
        for i in range(2)
    ]
    make_list(office, title="绿灯事项", lead_unit=unit_b, leader=leader, at=now)
    make_list(office, title="别人的红灯事项", lead_unit=unit_c, leader=other_leader, at=now - timedelta(days=30))

    errors: list[str] = []
    phone = phone_page(browser, live_server, errors)
    sign_in(phone, leader, "/cockpit/")
    expect(phone.locator("#cockpit-scope")).to_have_attribute("data-leader", str(leader.pk))
    expect(phone.locator("#chart-lists-by_light canvas")).to_have_count(1)
    fits(phone, "cockpit")
    phone.locator("#chart-lists-by_light").scroll_into_view_if_needed()
    point = phone.evaluate(SEGMENT, ["chart-lists-by_light", "#c62828"])
    assert point["value"] == 2  # his two red lists, not the other leader's
    phone.touchscreen.tap(point["x"], point["y"])
    phone.wait_for_url("**/lists/?**")
    assert "light=red" in phone.url and f"leader={leader.pk}" in phone.url
    expect(phone.locator("#result-count")).to_have_attribute("data-count", "2")
    body = phone.locator("main").inner_text()
    assert all(r.title in body for r in red) and "绿灯事项" not in body and "别人的红灯事项" not in body
    fits(phone, "cockpit-red-lists")
    assert not errors, errors

    # The office makes the bulletin of the last seven days and downloads its PDF.
    desk = new_page()
    sign_in(desk, office, "/cockpit/bulletins/")
    today = timezone.localdate()
    desk.fill("#id_from", (today - timedelta(days=6)).isoformat())
    desk.fill("#id_to", today.isoformat())
    desk.click("#make-bulletin")
    bulletin = Bulletin.objects.get()
    expect(desk.locator("h1")).to_contain_text(f"{bulletin.year}年第{bulletin.number}期")
    with desk.expect_download() as caught:
        desk.click("#download-pdf")
    path = caught.value.path()
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert f"{bulletin.year}年第{bulletin.number}期" in text and "督查通报" in text
    assert "红灯事项0" in text  # the red items and who owns them
