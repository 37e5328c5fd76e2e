"""The auditor's journey (issue 9): sign in, verify the chain, filter one day's trail, download its XLSX."""

import io
import re
from datetime import datetime, time, timedelta

from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from luoshi.events.models import Event
from luoshi.events.services import record
from luoshi.events.trail import SHANGHAI
from tests.browser.conftest import sign_in
from tests.conftest import make_person


def test_the_auditor_verifies_the_chain_and_exports_a_days_trail(page, db):
    auditor = make_person("auditor", ["auditor"], name="审计员")
    office = make_person("office", ["office"], name="督查室王")
    today = timezone.now().astimezone(SHANGHAI).date()
    noon = datetime.combine(today, time(12), tzinfo=SHANGHAI)
    yesterday = record(office, "list.created", "list", 1, at=noon - timedelta(days=1))
    todays = [
        record(office, "list.created", "list", 2, at=noon, address="10.0.0.7"),
        record(office, "=1+1", "list", 3, at=noon + timedelta(minutes=5)),  # a formula stays text
    ]

    sign_in(page, auditor, "/audit/verify/")
    page.click("#run-verify")
    result = page.locator("#verify-result")
    expect(result).to_have_attribute("data-ok", "1")
    checked = int(re.search(r"(\d+) rows? checked", result.inner_text()).group(1))
    verified = Event.objects.get(kind="audit.verified", actor=auditor)
    assert checked == Event.objects.filter(pk__lt=verified.pk).count() >= 3

    page.goto("/audit/")
    page.fill("#id_from", today.isoformat())
    page.fill("#id_to", today.isoformat())
    page.fill("#id_actor", "office")
    page.click("#audit-filters button[type=submit]")
    expect(page.locator(f"#event-{todays[0].pk}")).to_be_visible()
    expect(page.locator(f"#event-{yesterday.pk}")).to_have_count(0)
    with page.expect_download() as info:
        page.click("#export-xlsx")
    download = info.value
    assert download.suggested_filename == f"审计日志-{today.isoformat()}-{today.isoformat()}-{office.pk}.xlsx"
    ws = load_workbook(io.BytesIO(download.path().read_bytes())).active  # the saved file has no .xlsx name
    header, *rows = list(ws.iter_rows(values_only=True))
    assert header[:2] == ("编号", "时间（北京时间）")
    assert [r[0] for r in rows] == [todays[1].pk, todays[0].pk]
    assert rows[0][5] == "=1+1" and ws.cell(row=2, column=6).data_type == "s"
    assert rows[1][1] == noon.replace(tzinfo=None) and rows[1][2:5] == ("office", "督查室王", "10.0.0.7")
    assert rows[1][8] == Event.objects.get(pk=todays[0].pk).seq is not None  # committed, so chained
    exported = Event.objects.get(kind="audit.exported", actor=auditor)
    assert exported.after["format"] == "xlsx" and exported.after["actor"] == office.pk
