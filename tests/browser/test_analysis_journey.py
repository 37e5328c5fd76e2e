"""The office ranks the units for March, puts 榆中县 on the agenda in place of a proposed unit (saying
why), confirms it, prints a dossier and records the county head's commitment after the meeting; the
county's liaison, on a phone, opens it from the to-do page and reports on it. In Chinese, as they read
it; nothing the Content-Security-Policy refuses, no page scrolls sideways."""

from datetime import timedelta

from django.utils import timezone

from luoshi.duties.models import Duty, Report
from luoshi.oversight.models import Analysis, Commitment
from tests.browser.test_ledger_report_journey import LISTEN, fits
from tests.oversight.analysis.conftest import END, MEETING, START, city, head_b, head_c, liaison_c  # noqa: F401  (fixtures)

DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}


def test_the_office_prepares_the_meeting_and_the_county_reports_on_its_commitment(
    open_as,
    office,
    city,  # noqa: F811
    liaison_c,  # noqa: F811
):
    page = open_as(office, DESKTOP, "/oversight/analyses/new")
    page.add_init_script(LISTEN)
    page.reload()
    page.fill("#id_period_from", START.isoformat())
    page.fill("#id_period_to", END.isoformat())
    page.fill("#id_meeting_on", MEETING.isoformat())
    page.fill("#id_count", "2")
    page.fill("#id_title", "三月登台剖析会议")
    page.click("#rank")
    page.wait_for_url("**/oversight/analyses/*/")
    a = Analysis.objects.get()
    fits(page, "analysis-ranked")
    assert page.locator("#ranking tbody tr[data-unit]").count() == 3

    page.click("#agenda-edit summary")
    page.select_option("#id_slot_1", str(city.unit_c.pk))
    page.select_option("#id_slot_2", str(city.unit_a.pk))
    page.fill("#id_note", "经市委研究，榆中县登台剖析")
    page.click("#save-agenda")
    page.wait_for_url(f"**/oversight/analyses/{a.pk}/#agenda")
    assert page.locator("#agenda-units li").first.get_attribute("data-unit") == str(city.unit_c.pk)
    assert page.locator('[data-swapped="in"]').count() == 1
    page.click("#confirm-agenda")
    page.wait_for_url(f"**/oversight/analyses/{a.pk}/#agenda")
    assert page.locator('[data-state="confirmed"]').count() == 1

    with page.expect_download() as download:
        page.locator(f'#agenda-units li[data-unit="{city.unit_c.pk}"] a', has_text="PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.select_option("#id_unit", str(city.unit_c.pk))
    page.fill("#id_deadline", (timezone.localdate() + timedelta(days=60)).isoformat())
    page.fill("#id_text", "年底前完成提醒约谈指出问题的整改")
    page.click("#record-commitment")
    page.wait_for_url(f"**/oversight/analyses/{a.pk}/#commitments")
    commitment = Commitment.objects.get()
    fits(page, "analysis-confirmed")

    phone = open_as(liaison_c, PHONE, "/")
    phone.add_init_script(LISTEN)
    phone.reload()
    phone.locator(f'a[href="/oversight/commitments/{commitment.pk}/"]').first.click()
    phone.wait_for_url(f"**/oversight/commitments/{commitment.pk}/")
    fits(phone, "commitment")
    phone.fill("#id_done", "已召开专题会议，逐项梳理整改问题")
    phone.fill("#id_progress", "30")
    phone.click("#file-report")
    phone.wait_for_url(f"**/oversight/commitments/{commitment.pk}/")
    duty = Duty.objects.get(owner_type__model="commitment", owner_id=commitment.pk)
    assert Report.objects.get(duty=duty).progress == 30
    assert phone.locator("[data-report]").count() == 1
    fits(phone, "commitment-reported")
