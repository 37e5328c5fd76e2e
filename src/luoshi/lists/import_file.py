"""Reading an uploaded Excel sheet of lists, before any row is checked: the template's columns, the
package checks, the header row and the data rows keyed by field.

An uploaded file is hostile until shown otherwise: it must be a zip (an .xlsx is one) whose members
unpack to a bounded size before openpyxl opens it (a 400 KB file can hold a 400 MB cell); its XML is
parsed by defusedxml (no DTD entities); anything openpyxl cannot read becomes a message on the file.
"""

import io
import re
import zipfile
from datetime import date, datetime
from typing import IO, Any

from django.utils.translation import gettext as _

from luoshi.errors import InvalidInput

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED = 20 * 1024 * 1024  # a filled 1,000-row template with long contents unpacks to about 7 MB
MAX_MEMBERS = 200  # Excel writes about a dozen parts
MAX_ROWS = 1000
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls (and encrypted .xlsx)
ZIP_MAGIC = b"PK\x03\x04"
HEADER_SCAN = 10  # a 台账 often has a title row or two above its header row
EMPTY_RUN = 1000  # stop reading after this many empty rows in a row (formatted but unused rows)

FIELDS = ("source", "title", "content", "leader", "lead_unit", "co_units", "deadline", "report_every_days")
HEADERS_ZH = ("来源", "标题", "内容及要求", "责任领导", "牵头单位", "配合单位", "完成时限", "报送周期（天）")
HEADERS_EN = ("source", "title", "content", "leader", "lead unit", "co-units", "deadline", "report every days")
# Other names for the same columns, including those of our own export (lists/exports.py).
ALIASES = {
    "content": ("内容", "content and requirements"),
    "leader": ("落实主体", "responsible leader"),
    "co_units": ("co-handling units",),
    "report_every_days": ("报送周期",),
}
REQUIRED = ("source", "title", "lead_unit", "deadline")


class ImportFileError(InvalidInput):
    """The file as a whole cannot be read: no row is looked at."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "file")


def name_key(text: str) -> str:
    """A heading or a name as people type it: lower case, without spaces, underscores, dashes, stars, brackets."""
    return re.sub(r"[\s_\-*（）()]", "", text.lower())


COLUMNS = {
    name_key(name): f
    for f, zh, en in zip(FIELDS, HEADERS_ZH, HEADERS_EN, strict=True)
    for name in (zh, en, *ALIASES.get(f, ()))
}


def cell_text(value: Any) -> str:
    """A cell's value as text: dates in ISO form, 12.0 as 12, an ideographic space as a space."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\u3000", " ").strip()


def check_package(data: bytes) -> None:
    """Refuse what is not an .xlsx, or would unpack to too much, before openpyxl reads a byte of it."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 5 MB."))
    if data.startswith(OLE_MAGIC):
        raise ImportFileError(_("This is an old Excel .xls file (or a protected one): save it as .xlsx."))
    not_xlsx = ImportFileError(_("This is not an Excel .xlsx file. Use the template."))
    if not data.startswith(ZIP_MAGIC):
        raise not_xlsx
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise not_xlsx from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise not_xlsx  # another kind of zip (a .docx, an archive)
    if len(members) > MAX_MEMBERS:
        raise ImportFileError(_("The file has too many parts (%(n)d) for a sheet of lists.") % {"n": len(members)})
    # zipfile never inflates a member past the size its directory declares (the CRC check fails
    # instead), so the declared sizes bound what openpyxl can unpack.
    if sum(m.file_size for m in members) > MAX_UNPACKED:
        raise ImportFileError(
            _("The file unpacks to more than %(mb)d MB: a sheet of lists is far smaller.")
            % {"mb": MAX_UNPACKED // (1024 * 1024)}
        )
    if any(m.flag_bits & 0x1 for m in members):
        raise ImportFileError(_("The file is encrypted: save it without a password."))


def _unreadable(err: Exception) -> ImportFileError:
    from defusedxml import DefusedXmlException

    causes: list[BaseException] = []  # openpyxl wraps what the parser raised in a ValueError
    cause: BaseException | None = err
    while cause is not None and len(causes) < 10:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    if any(isinstance(c, DefusedXmlException) for c in causes):
        return ImportFileError(
            _("The file contains XML entity or DTD declarations, which Excel never writes: it was refused.")
        )
    return ImportFileError(_("The file is damaged or not an Excel .xlsx file: open it in Excel and save it again."))


def read_rows(file: IO[bytes]) -> list[tuple[int, dict[str, Any]]]:
    """The data rows of the first sheet, keyed by field, with their Excel row numbers."""
    from openpyxl import load_workbook

    data = file.read(MAX_BYTES + 1)
    check_package(data)
    try:
        return _rows_of(load_workbook(io.BytesIO(data), read_only=True, data_only=True))
    except ImportFileError:
        raise
    except Exception as err:  # openpyxl raises zip, XML, key and value errors alike, reading lazily
        raise _unreadable(err) from None


def _rows_of(wb: Any) -> list[tuple[int, dict[str, Any]]]:
    try:
        lines = wb.worksheets[0].iter_rows(values_only=True)
        columns: dict[int, str] = {}
        for header_at, line in enumerate(lines, start=1):
            found = {
                i: COLUMNS[name_key(v)] for i, v in enumerate(line) if isinstance(v, str) and name_key(v) in COLUMNS
            }
            if len(found) >= 2:
                columns = found
            if columns or header_at >= HEADER_SCAN:
                break
        if not columns:
            raise ImportFileError(_("No header row found: the first sheet needs columns named as in the template."))
        missing = [HEADERS_ZH[FIELDS.index(f)] for f in REQUIRED if f not in columns.values()]
        if missing:
            raise ImportFileError(_("Columns missing: %(names)s.") % {"names": "、".join(missing)})
        rows, empty = [], 0
        for number, line in enumerate(lines, start=header_at + 1):
            values = {f: line[i] for i, f in columns.items() if i < len(line)}
            if not any(cell_text(v) for v in values.values()):
                empty += 1
                if empty >= EMPTY_RUN:
                    break
                continue
            empty = 0
            rows.append((number, values))
            if len(rows) > MAX_ROWS:
                raise ImportFileError(_("More than %(max)d rows: split the sheet.") % {"max": MAX_ROWS})
    finally:
        wb.close()
    if not rows:
        raise ImportFileError(_("The sheet has a header row but no rows to import."))
    return rows
