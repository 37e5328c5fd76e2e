"""Importing the units' tallies of talks from an Excel sheet (.xlsx): each row a unit, a day, a kind of talk
and how many were held (约谈台账). The file is checked as any uploaded sheet (lists.import_file: a real
.xlsx, bounded when unpacked, its XML defused), every row before any is stored; then the talks are one
batch (oversight.cases.do_import_talks: rows by bulk insert, one event naming the file)."""

import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.utils.translation import gettext as _

from luoshi.errors import InvalidInput
from luoshi.lists.import_file import MAX_BYTES, ImportFileError, cell_text, check_package, name_key
from luoshi.org.models import Unit
from luoshi.oversight.cases import TalkRow
from luoshi.oversight.models import TalkKind

MAX_ROWS = 2000
MAX_COUNT = 5000  # talks in one row
MAX_TALKS = 50_000  # talks in one file
HEADER_SCAN = 10
FIELDS = ("unit", "held_on", "kind", "count", "record")
HEADERS_ZH = ("单位", "约谈日期", "约谈类型", "次数", "备注")
HEADERS_EN = ("unit", "held on", "kind", "count", "note")
ALIASES = {
    "held_on": ("日期", "date"),
    "kind": ("类型",),
    "count": ("约谈次数", "number"),
    "record": ("记录", "record"),
}
COLUMNS = {
    name_key(name): f
    for f, zh, en in zip(FIELDS, HEADERS_ZH, HEADERS_EN, strict=True)
    for name in (zh, en, *ALIASES.get(f, ()))
}
# A kind by its code, its Chinese name or the label of the model.
KIND_WORDS = {"提醒约谈": "reminder", "诫勉谈话": "admonition", "函询": "inquiry", "批评教育": "criticism"}


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str


@dataclass
class Tally:
    rows: list[TalkRow]
    errors: list[RowError]
    lines: int

    @property
    def talks(self) -> int:
        return len(self.rows)


def _kind(raw: str) -> str | None:
    text = raw.strip()
    if text in TalkKind.values:
        return text
    if text in KIND_WORDS:
        return KIND_WORDS[text]
    for value, label in TalkKind.choices:
        if text in (str(label), value) or text.lower() == value:
            return value
    return None


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(cell_text(value).replace("/", "-").replace(".", "-"))
    except ValueError:
        return None


def _lines(data: bytes) -> tuple[int, list[tuple[int, dict[str, Any]]]]:
    from openpyxl import load_workbook

    from luoshi.lists.import_file import _unreadable

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            lines = wb.worksheets[0].iter_rows(values_only=True)
            columns: dict[int, str] = {}
            header_at = 0
            for header_at, line in enumerate(lines, start=1):
                found = {
                    i: COLUMNS[name_key(v)] for i, v in enumerate(line) if isinstance(v, str) and name_key(v) in COLUMNS
                }
                if len(found) >= 2:
                    columns = found
                if columns or header_at >= HEADER_SCAN:
                    break
            if not columns:
                raise ImportFileError(_("No header row found: the first sheet needs the template's columns."))
            if missing := [
                HEADERS_ZH[FIELDS.index(f)] for f in ("unit", "held_on", "kind") if f not in columns.values()
            ]:
                raise ImportFileError(_("Columns missing: %(names)s.") % {"names": "、".join(missing)})
            rows = []
            for number, line in enumerate(lines, start=header_at + 1):
                values = {f: line[i] for i, f in columns.items() if i < len(line)}
                if any(cell_text(v) for v in values.values()):
                    rows.append((number, values))
                    if len(rows) > MAX_ROWS:
                        raise ImportFileError(_("More than %(max)d rows: split the sheet.") % {"max": MAX_ROWS})
            return header_at, rows
        finally:
            wb.close()
    except ImportFileError:
        raise
    except Exception as err:  # openpyxl raises zip, XML, key and value errors alike, reading lazily
        raise _unreadable(err) from None


def read_tally(file: IO[bytes]) -> Tally:
    """The talks a sheet of tallies holds, or the errors of its rows (each naming its row and column)."""
    data = file.read(MAX_BYTES + 1)
    check_package(data)
    _header, lines = _lines(data)
    if not lines:
        raise ImportFileError(_("The sheet has a header row but no rows to import."))
    units = {u.name: u.pk for u in Unit.objects.only("pk", "name")}
    rows: list[TalkRow] = []
    errors: list[RowError] = []
    for number, values in lines:
        unit_id = units.get(cell_text(values.get("unit")))
        day = _day(values.get("held_on"))
        kind = _kind(cell_text(values.get("kind")))
        raw_count = cell_text(values.get("count")) or "1"
        count = int(raw_count) if raw_count.isdigit() and len(raw_count) < 7 else 0
        record = cell_text(values.get("record"))
        found = [
            ("unit", unit_id is None, _("No unit of this name.")),
            ("held_on", day is None, _("Give the day as 2026-03-02.")),
            ("kind", kind is None, _("The kind is one of 提醒约谈, 诫勉谈话, 函询, 批评教育.")),
            (
                "count",
                not 1 <= count <= MAX_COUNT,
                _("The count is a whole number from 1 to %(max)d.") % {"max": MAX_COUNT},
            ),
            ("record", len(record) > 500, _("At most 500 characters.")),
        ]
        bad = [RowError(number, field, message) for field, wrong, message in found if wrong]
        if bad:
            errors += bad
            continue
        assert unit_id is not None and day is not None and kind is not None
        rows += [TalkRow(kind=kind, unit_id=unit_id, held_on=day, record=record)] * count
        if len(rows) > MAX_TALKS:
            raise ImportFileError(_("More than %(max)d talks in one file: split the sheet.") % {"max": MAX_TALKS})
    return Tally(rows, errors, len(lines))


def first_error(tally: Tally) -> InvalidInput:
    e = tally.errors[0]
    return InvalidInput(_("Row {row}: {message}").format(row=e.row, message=e.message), "file")


def template() -> bytes:
    """The sheet to fill in: the header row and two example rows."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "约谈台账"
    ws.append(list(HEADERS_ZH))
    ws.append(["城关区", "2026-03-02", "提醒约谈", 12, "街道、社区干部"])
    ws.append(["市工信委", "2026-03-05", "批评教育", 3, ""])
    for column, width in zip("ABCDE", (24, 14, 12, 8, 30), strict=True):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
