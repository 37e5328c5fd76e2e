"""The Excel template that imports.parse() reads: headers, dropdowns of real names, and a guide sheet.

Its text is Chinese whatever the UI language: it is filled in and passed around as an office document.
Names from the database are written through luoshi.sheets, so a unit named like a formula stays text.
"""

from datetime import date

from django.utils import timezone, translation

from luoshi import sheets
from luoshi.lists.import_file import HEADERS_ZH, MAX_ROWS
from luoshi.lists.models import Source
from luoshi.org.models import Unit

WIDTHS = (16, 40, 48, 14, 20, 32, 14, 14)
GUIDE = (
    "每行填写一个责任事项，空行会被跳过；每次最多 1000 行，文件不超过 5 MB。导入后均为草稿，核对后再发布。",
    "标题不超过 200 字，内容及要求不超过 2000 字；以“=”等开头的文字按文字导入，不会作为公式。",
    "来源：从下拉列表选择；也可填下表中的代码。",
    "责任领导：填领导姓名，可不填；同名时写成“姓名（职务）”。",
    "牵头单位：填单位全称，须与系统中的名称一致（可从下拉列表选择）。",
    "配合单位：可填多个，用顿号“、”、逗号、分号或换行分隔；可不填。",
    "完成时限：日期，如 2026-12-31、2026/12/31 或 2026年12月31日，不能早于导入当天。",
    "报送周期（天）：1 至 366 的整数，不填则为 30 天。",
)

EXAMPLE = ("领导批示", "推进新区产业园区建设", "年底前完成园区一期建设。", "李副市长", "市工信委", "城关区、榆中县")


def _options_column(ws, col: int, title: str, values: list[str]) -> str:
    """Write the values in a column of the options sheet; return the range a dropdown points at."""
    from openpyxl.utils import get_column_letter

    sheets.set_cell(ws, 1, col, title)
    for i, v in enumerate(values, start=2):
        sheets.set_cell(ws, i, col, v)
    letter = get_column_letter(col)
    return f"'{ws.title}'!${letter}$2:${letter}${max(len(values), 1) + 1}"


def template_workbook() -> bytes:
    """The .xlsx to fill in: the header row, dropdowns of sources, leaders and units, and a 说明 sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from luoshi.lists.forms import leaders

    with translation.override("zh-hans"):
        sources = [(code, str(label)) for code, label in Source.choices]
    people = list(leaders())
    names = [str(p) for p in people]
    leader_labels = [f"{p}（{p.title}）" if names.count(str(p)) > 1 and p.title else str(p) for p in people]

    wb = Workbook()
    ws = wb.active
    ws.title = "责任清单"
    sheets.append_row(ws, list(HEADERS_ZH))
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
        ws.cell(row=1, column=i).font = Font(bold=True)
    ws.column_dimensions["G"].number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"

    opts = wb.create_sheet("选项")
    opts.sheet_state = "hidden"
    lists = {
        "A": _options_column(opts, 1, "来源", [label for _code, label in sources]),
        "D": _options_column(opts, 2, "责任领导", leader_labels),
        "E": _options_column(opts, 3, "牵头单位", list(Unit.objects.order_by("id").values_list("name", flat=True))),
    }
    for col, ref in lists.items():
        dv = DataValidation(type="list", formula1=ref, allow_blank=True, errorStyle="warning")
        dv.error = "请从下拉列表中选择：不在列表中的名称导入时会报错。"
        ws.add_data_validation(dv)
        dv.add(f"{col}2:{col}{MAX_ROWS + 1}")
    days = DataValidation(type="whole", operator="between", formula1="1", formula2="366", allow_blank=True)
    days.error = "报送周期为 1 至 366 天。"
    ws.add_data_validation(days)
    days.add(f"H2:H{MAX_ROWS + 1}")

    guide = wb.create_sheet("说明", 1)
    sheets.append_row(guide, ["责任清单导入说明"])
    guide["A1"].font = Font(bold=True, size=14)
    for line in GUIDE:
        sheets.append_row(guide, [line])
    guide.append([])
    sheets.append_row(guide, ["来源", "代码"])
    for code, label in sources:
        sheets.append_row(guide, [label, code])
    guide.append([])
    sheets.append_row(guide, ["示例"])
    sheets.append_row(guide, list(HEADERS_ZH))
    sheets.append_row(guide, [*EXAMPLE, date(timezone.localdate().year, 12, 31), 30])
    guide.cell(row=guide.max_row, column=7).number_format = "yyyy-mm-dd"
    for i, width in enumerate(WIDTHS, start=1):
        guide.column_dimensions[get_column_letter(i)].width = width
    return sheets.xlsx_bytes(wb)
