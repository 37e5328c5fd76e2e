"""An uploaded document read to text for drafting: a Word .docx, a PDF with a text layer, or a plain .txt
(UTF-8, GBK or GB18030, as offices save them).

An upload is hostile until shown otherwise, as in the lists' Excel import (lists.import_file) and
luoshi.files: bounded in size, its kind told by its content and agreeing with its name, a .docx checked to be
a Word package that unpacks to a bounded size before python-docx opens it, a PDF read page by page up to a
bound. A scanned PDF (no text layer) is refused with a message saying so, as is anything that cannot be read.
"""

import io
import zipfile

from django.utils.translation import gettext as _

from luoshi.errors import InvalidInput
from luoshi.files.services import clean_name
from luoshi.lists.drafting_services import MAX_TEXT

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED = 30 * 1024 * 1024
MAX_MEMBERS = 500
MAX_PAGES = 200
ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF-"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # an old Word .doc
FIELD = "file"
KINDS = ".docx, .pdf, .txt"
ACCEPT = (
    ".docx,.pdf,.txt,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/pdf,text/plain"
)


class UploadError(InvalidInput):
    def __init__(self, message: str) -> None:
        super().__init__(message, FIELD)


def read_upload(data: bytes, name: str) -> tuple[str, str]:
    """The document's text and its cleaned file name; UploadError (a 400 on the file) when it cannot be used."""
    name = clean_name(name or "")
    lower = name.lower()
    if len(data) > MAX_BYTES:
        raise UploadError(_("The file is larger than 5 MB."))
    if not data:
        raise UploadError(_("The file is empty."))
    if data.startswith(OLE_MAGIC):
        raise UploadError(_("This is an old Word .doc file: save it as .docx, or paste its text."))
    if data.startswith(ZIP_MAGIC):
        _expect(lower, ".docx", name)
        text = _docx_text(data)
    elif data.startswith(PDF_MAGIC):
        _expect(lower, ".pdf", name)
        text = _pdf_text(data)
    elif lower.endswith(".txt"):
        text = _plain_text(data)
    else:
        raise UploadError(_("%(name)s is not an allowed file (allowed: %(kinds)s).") % {"name": name, "kinds": KINDS})
    text = _tidy(text)
    if not text.strip():
        raise UploadError(_("The file holds no text."))
    if len(text) > MAX_TEXT:
        raise UploadError(_("The document is longer than %(max)d characters: split it.") % {"max": MAX_TEXT})
    return text, name


def _expect(lower: str, extension: str, name: str) -> None:
    if not lower.endswith(extension):
        raise UploadError(_("The file's name does not match its content (%(name)s).") % {"name": name})


def _tidy(text: str) -> str:
    """Line breaks as \\n; characters that may not be stored (NUL, other controls) dropped, as a copy and
    paste from the document would."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or not (ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0))


def _docx_text(data: bytes) -> str:
    not_docx = UploadError(_("This is not a Word .docx file."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = z.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise not_docx from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise not_docx  # another kind of zip (an .xlsx, an archive)
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED:
        raise UploadError(_("The file unpacks to far more than a document: it was refused."))
    if any(m.flag_bits & 0x1 for m in members):
        raise UploadError(_("The file is encrypted: save it without a password."))
    import docx

    try:
        document = docx.Document(io.BytesIO(data))  # python-docx's parser resolves no entities
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.append("\t".join(cell.text for cell in row.cells))
    except Exception:  # python-docx raises zip, XML, key and value errors alike
        raise UploadError(
            _("The file is damaged or not a Word .docx file: open it in Word and save it again.")
        ) from None
    return "\n".join(lines)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UploadError(_("The PDF is protected by a password: save it without one."))
        if len(reader.pages) > MAX_PAGES:
            raise UploadError(_("The PDF has more than %(max)d pages: split it.") % {"max": MAX_PAGES})
        pages = []
        total = 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            total += len(pages[-1])
            if total > MAX_TEXT:
                break
    except UploadError:
        raise
    except Exception:  # pypdf raises many kinds for a broken file
        raise UploadError(_("The PDF is damaged and cannot be read.")) from None
    text = "\n".join(pages)
    if not text.strip():
        raise UploadError(
            _(
                "This PDF has no text in it (a scan or a photo of the page?): upload the .docx or a PDF saved "
                "from it, or paste the text."
            )
        )
    return text


def _plain_text(data: bytes) -> str:
    """UTF-8 (with or without its mark) first, then GB18030 (which holds GBK and GB2312), then what
    charset-normalizer finds; a file with NUL bytes is not text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            return str(best)
    raise UploadError(_("The file is not text in a known encoding: save it as UTF-8, or paste its text."))
