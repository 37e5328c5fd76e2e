"""Import from Excel: the template, the checks row by row, the preview, and all-or-nothing creation."""

import io
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from luoshi.duties.models import HandlingRole
from luoshi.lists import import_file, imports
from luoshi.lists.models import ListStatus, ResponsibilityList
from tests.conftest import NOW, days, make_person

URL = reverse("lists:import")
TEMPLATE_URL = reverse("lists:import_template")
DEADLINE = days(90)


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW):
        yield


def xlsx(rows, headers=import_file.HEADERS_ZH, above=()) -> bytes:
    wb = Workbook()
    ws = wb.active
    for line in above:
        ws.append(line)
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(**overrides) -> list:
    values = {
        "source": "领导批示",
        "title": "治理黄河风情线环境",
        "content": "两岸绿化、亮化，年底前完工。",
        "leader": "李副市长",
        "lead_unit": "市工信委",
        "co_units": "城关区、榆中县",
        "deadline": DEADLINE,
        "every": 14,
    }
    values.update(overrides)
    return list(values.values())


def upload(client, data: bytes, name: str = "台账.xlsx"):
    return client.post(URL, {"file": SimpleUploadedFile(name, data)})


def confirm(client, preview):
    return client.post(URL, {"token": preview.context["confirm"].initial["token"]})


@pytest.fixture
def city(office, leader, other_leader, unit_a, unit_b, unit_c):
    return office


def test_the_office_sees_the_upload_form_with_the_template_link(as_, city):
    response = as_(city).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html
    assert TEMPLATE_URL in html
    assert "Import lists from Excel" in html


def test_the_template_downloads_with_chinese_headers_dropdowns_and_a_guide(as_, city):
    response = as_(city).get(TEMPLATE_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    assert "%E8%B4%A3%E4%BB%BB%E6%B8%85%E5%8D%95" in response["Content-Disposition"]  # 责任清单, UTF-8 encoded
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == list(import_file.HEADERS_ZH)
    assert ws.max_row == 1
    guide = [c.value for line in wb["说明"].iter_rows() for c in line if c.value]
    assert "年度工作要点" in guide and "work_point" in guide and "督查发现" in guide
    assert "A2:A1001" in {str(r) for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges}
    options = [c.value for c in wb["选项"]["C"]]
    assert {"市工信委", "城关区", "榆中县"} <= set(options)


def test_a_filled_template_round_trips_into_two_drafts(as_, city, leader, other_leader, unit_a, unit_b, unit_c):
    client = as_(city)
    wb = load_workbook(io.BytesIO(client.get(TEMPLATE_URL).content))
    ws = wb.worksheets[0]
    ws.append(row())
    ws.append(row(source="media", title="整治背街小巷", leader="赵副市长", lead_unit="榆中县", co_units="", every=None))
    out = io.BytesIO()
    wb.save(out)

    preview = upload(client, out.getvalue())
    assert preview.status_code == 200
    html = preview.content.decode()
    assert len(preview.context["rows"]) == 2 and "Create 2 drafts" in html
    assert "治理黄河风情线环境" in html and "整治背街小巷" in html
    assert ResponsibilityList.objects.count() == 0  # the preview creates nothing

    done = confirm(client, preview)
    assert done.status_code == 302 and done["Location"] == "/lists/?status=draft"
    first, second = ResponsibilityList.objects.order_by("id")
    assert (first.source, first.title, first.leader, first.deadline) == (
        "instruction",
        "治理黄河风情线环境",
        leader,
        DEADLINE,
    )
    assert first.status == ListStatus.DRAFT and first.report_every_days == 14 and first.created_by == city
    assert first.duties.get(role=HandlingRole.LEAD).unit == unit_a
    assert {ob.unit for ob in first.duties.filter(role=HandlingRole.CO)} == {unit_b, unit_c}
    assert (second.source, second.leader, second.report_every_days) == ("media", other_leader, 30)
    assert [ob.unit for ob in second.duties.all()] == [unit_c]
    page = client.get(done["Location"]).content.decode()
    assert "2 drafts created" in page


def test_the_preview_warns_of_titles_already_in_luoshi_or_repeated_in_the_sheet(as_, city, draft_list):
    preview = upload(as_(city), xlsx([row(), row(title=draft_list.title), row(title="新事项"), row()]))
    assert preview.status_code == 200
    assert preview.context["repeats"] == [2, 3, 5]
    assert "Rows 2, 3, 5 have the same title" in preview.content.decode()


def test_english_headers_work_too(as_, city):
    headers = ["Source", "Title", "Content", "Leader", "Lead unit", "Co-units", "Deadline", "Report every days"]
    preview = upload(as_(city), xlsx([row(source="assigned")], headers=headers))
    assert preview.status_code == 200
    confirm(as_(city), preview)
    assert ResponsibilityList.objects.get().source == "assigned"


def test_the_header_row_may_sit_below_a_title_and_extra_columns_are_ignored(as_, city):
    headers = ["序号", *import_file.HEADERS_ZH, "备注"]
    data = xlsx([[1, *row(), "x"], [2], [3, *row(title="第二项")]], headers=headers, above=[["2026年责任清单台账"]])
    preview = upload(as_(city), data)
    assert preview.status_code == 200
    assert [r.number for r in preview.context["rows"]] == [3, 5]  # the numbered but empty row 4 is skipped


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("年度工作要点", "work_point"),
        ("督查发现", "inspection"),
        ("agreed_item", "agreed_item"),
        ("Media exposure", "media"),
    ],
)
def test_the_source_is_read_by_its_chinese_label_or_its_code(as_, city, given, code):
    client = as_(city)
    confirm(client, upload(client, xlsx([row(source=given)])))
    assert ResponsibilityList.objects.get().source == code


@pytest.mark.parametrize(
    "given",
    [
        date(2026, 5, 31),
        datetime(2026, 5, 31, 0, 0),
        "2026-05-31",
        "2026/5/31",
        "2026年5月31日",
        " 2026-5-31 ",
        46173,  # the Excel serial of 2026-05-31, in a cell that lost its date format
    ],
)
def test_the_deadline_is_read_in_each_accepted_form(as_, city, given):
    client = as_(city)
    confirm(client, upload(client, xlsx([row(deadline=given)])))
    assert ResponsibilityList.objects.get().deadline == date(2026, 5, 31)


@pytest.mark.parametrize(
    "co", ["城关区，榆中县", "城关区, 榆中县", "城关区;榆中县", "城关区\n榆中县", "城关区、榆中县、城关区"]
)
def test_co_units_may_be_separated_in_each_usual_way(as_, city, unit_b, unit_c, co):
    client = as_(city)
    confirm(client, upload(client, xlsx([row(co_units=co)])))
    assert {ob.unit for ob in ResponsibilityList.objects.get().duties.filter(role=HandlingRole.CO)} == {
        unit_b,
        unit_c,
    }


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        ({"lead_unit": "市水务局"}, "lead_unit", "No unit named “市水务局”."),
        ({"co_units": "城关区、七里河区"}, "co_units", "No unit named “七里河区”."),
        ({"leader": "王市长"}, "leader", "No leader named “王市长”."),
        ({"leader": "工信委联络员"}, "leader", "“工信委联络员” is not a leader."),
        ({"deadline": "2026-03-01"}, "deadline", "The deadline has already passed."),
        ({"deadline": "明年"}, "deadline", "“明年” is not a date"),
        ({"title": ""}, "title", "A title is required."),
        ({"source": "网络舆情"}, "source", "Unknown source “网络舆情”"),
        ({"co_units": "市工信委"}, "co_units", "The lead unit cannot also be a co-handling unit."),
        ({"every": 0}, "report_every_days", "Report every 1 to 366 days."),
    ],
)
def test_a_bad_row_is_reported_by_number_and_field_and_nothing_is_created(as_, city, liaison_a, bad, field, message):
    response = upload(as_(city), xlsx([row(), row(**bad), row()]))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="import-row-3"' in html and 'id="import-row-2"' not in html  # only the bad row is listed
    assert message in html
    assert "1 of 3 rows has a problem" in html
    (bad_row,) = response.context["rows"]
    assert bad_row.number == 3 and field in bad_row.errors
    assert ResponsibilityList.objects.count() == 0


def test_leaders_of_the_same_name_are_told_apart_by_their_post(as_, city, leader):
    leader.title = "副市长"
    leader.save()
    make_person("leader3", ["leader"], name="李副市长", title="市委常委")
    client = as_(city)
    ambiguous = upload(client, xlsx([row()]))
    assert ambiguous.status_code == 400 and "Several leaders are named “李副市长”" in ambiguous.content.decode()
    confirm(client, upload(client, xlsx([row(leader="李副市长（副市长）")])))
    assert ResponsibilityList.objects.get().leader == leader


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"title,deadline\nx,2026-05-31\n", "This is not an Excel .xlsx file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Excel .xls file"),
        (xlsx([["a", "b"]], headers=["甲", "乙"]), "No header row found"),
        (xlsx([["领导批示", "x"]], headers=["来源", "标题"]), "Columns missing: 牵头单位、完成时限."),
        (xlsx([]), "no rows to import"),
    ],
)
def test_a_file_that_cannot_be_used_is_refused_with_a_message(as_, city, data, message):
    response = upload(as_(city), data, name="lists.csv")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ResponsibilityList.objects.count() == 0


def test_more_than_a_thousand_rows_are_refused(as_, city):
    response = upload(as_(city), xlsx([row()] * 1001))
    assert response.status_code == 400
    assert "More than 1000 rows" in response.content.decode()


def test_a_file_over_five_megabytes_is_refused(as_, city):
    response = upload(as_(city), b"PK" + b"\0" * import_file.MAX_BYTES)
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()


def test_posting_without_a_file_asks_for_one(as_, city):
    response = as_(city).post(URL, {})
    assert response.status_code == 400
    assert "Choose the Excel file to import." in response.content.decode()


def test_a_double_confirm_creates_the_drafts_once(as_, city):
    client = as_(city)
    preview = upload(client, xlsx([row(), row(title="第二项")]))
    assert confirm(client, preview).status_code == 302
    again = confirm(client, preview)
    assert again.status_code == 302 and again["Location"] == "/lists/?status=draft"
    assert ResponsibilityList.objects.count() == 2
    assert "already imported" in client.get(again["Location"]).content.decode()


def test_a_confirm_whose_rows_went_stale_creates_nothing(as_, city, settings):
    settings.SESSION_COOKIE_AGE = 7 * 24 * 3600  # the preview is left open over the weekend
    settings.LUOSHI_IDLE_MINUTES = 7 * 24 * 60  # (on a remembered device: no idle timeout)
    client = as_(city)
    preview = upload(client, xlsx([row(deadline=days(200)), row(title="快到期", deadline=days(1))]))
    with time_machine.travel(NOW + timedelta(days=3)):
        response = confirm(client, preview)
    assert response.status_code == 400
    assert "The deadline has already passed." in response.content.decode()
    assert ResponsibilityList.objects.count() == 0


def test_a_unit_removed_between_preview_and_confirm_stops_the_import(as_, city):
    from luoshi.org.models import Unit

    client = as_(city)
    doomed = Unit.objects.create(name="临时专班", kind="department")
    preview = upload(client, xlsx([row(), row(co_units="临时专班")]))
    doomed.delete()
    response = confirm(client, preview)
    assert response.status_code == 400
    assert "A person or unit of this row no longer exists." in response.content.decode()
    assert ResponsibilityList.objects.count() == 0


def test_the_preview_speaks_chinese_by_default(client, city):
    client.force_login(city)
    html = upload(client, xlsx([row(source="work_point")])).content.decode()
    assert "年度工作要点" in html and "牵头单位" in html


@pytest.mark.parametrize("who", ["liaison_a", "leader", "head_a"])
def test_only_the_office_may_import(as_, request, unit_a, who):
    client = as_(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403
    assert upload(client, xlsx([row()])).status_code == 403
    assert client.post(URL, {"token": "0" * 32}).status_code == 403
    assert client.get(TEMPLATE_URL).status_code == 403
    assert ResponsibilityList.objects.count() == 0


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(URL).status_code == 302
    assert client.get(TEMPLATE_URL).status_code == 302


def test_do_import_is_all_or_nothing_when_the_service_refuses_a_row(city, leader):
    parsed = imports.parse(io.BytesIO(xlsx([row(deadline=days(200)), row(deadline=days(1))])), now=NOW)
    assert parsed.valid
    with pytest.raises(imports.ImportRejected) as refused:
        imports.do_import(city, parsed, now=NOW + timedelta(days=3))
    assert refused.value.parsed.rows[1].errors == {"deadline": "The deadline has already passed."}
    assert ResponsibilityList.objects.count() == 0
