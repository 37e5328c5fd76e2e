"""The units' tallies of talks imported from an Excel sheet: each row checked first, a refused sheet
names its rows and columns, a sheet sent twice is stored once, a file that is no .xlsx is refused."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from luoshi.events.models import Event
from luoshi.oversight.models import Talk
from luoshi.oversight.stats import figures

IMPORT = reverse("oversight:talks_import")


def sheet(*rows, header=("单位", "约谈日期", "约谈类型", "次数", "备注")) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(["2026年约谈台账"])  # a title row above the header, as offices keep them
    ws.append(list(header))
    for r in rows:
        ws.append(list(r))
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("台账.xlsx", out.getvalue())


def test_a_tally_becomes_that_many_talks_with_the_units_cadres(as_, office, unit_a, unit_b):
    client = as_(office)
    key = client.get(IMPORT).context["form"].initial["submission_key"]
    upload = sheet(
        ("市工信委", "2026-02-03", "提醒约谈", 12, "科室干部"), ("城关区", "2026/02/05", "criticism", None, "")
    )
    r = client.post(IMPORT, {"file": upload, "submission_key": key})
    assert r.status_code == 302
    assert Talk.objects.filter(unit=unit_a, kind="reminder").count() == 12
    assert Talk.objects.filter(unit=unit_b, kind="criticism").count() == 1  # no count: one talk
    assert set(Talk.objects.values_list("subject_kind", flat=True)) == {"person"}
    assert figures().units_talked == 0  # the cadres' talks are no reminder talk with a unit's head
    assert Event.objects.get(kind="talk.imported").after["count"] == 13


def test_the_same_sheet_sent_twice_is_stored_once(as_, office, unit_a):
    client = as_(office)
    for _ in range(2):
        client.post(IMPORT, {"file": sheet(("市工信委", "2026-02-03", "函询", 2, "")), "submission_key": "same"})
    assert Talk.objects.count() == 2


def test_a_sheet_with_bad_rows_stores_nothing_and_names_each(as_, office, unit_a):
    upload = sheet(
        ("市工信委", "2026-02-03", "提醒约谈", 2, ""),
        ("不存在的单位", "2026-02-03", "提醒约谈", 1, ""),
        ("市工信委", "明天", "闲聊", 0, ""),
        ("市工信委", "2026-03-09", "函询", 1, ""),  # after today (03-02)
    )
    r = as_(office).post(IMPORT, {"file": upload})
    assert r.status_code == 400
    got = [(e.row, e.field) for e in r.context["row_errors"]]
    assert got == [(4, "unit"), (5, "held_on"), (5, "kind"), (5, "count")]
    assert not Talk.objects.exists()
    r = as_(office).post(IMPORT, {"file": sheet(("市工信委", "2026-03-09", "函询", 1, ""))})
    assert r.status_code == 400 and not Talk.objects.exists()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("a.xlsx", b"not a zip at all"),
        SimpleUploadedFile("a.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100),
        SimpleUploadedFile("a.xlsx", b"PK\x03\x04broken"),
    ],
)
def test_a_file_that_is_no_xlsx_is_refused(as_, office, upload):
    r = as_(office).post(IMPORT, {"file": upload})
    assert r.status_code == 400 and r.context["error"] and not Talk.objects.exists()


def test_a_sheet_without_the_columns_is_refused(as_, office):
    r = as_(office).post(IMPORT, {"file": sheet(("x", "y"), header=("名称", "说明"))})
    assert r.status_code == 400 and not Talk.objects.exists()


def test_only_officers_import_and_download_the_template(as_, office, head_a):
    assert as_(head_a).get(IMPORT).status_code == 403
    assert as_(head_a).post(IMPORT, {"file": sheet(("市工信委", "2026-02-03", "函询", 2, ""))}).status_code == 403
    r = as_(office).get(reverse("oversight:talks_import_template"))
    assert r.status_code == 200 and r.content.startswith(b"PK")
