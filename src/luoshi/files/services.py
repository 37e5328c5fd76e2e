"""Taking an upload in: bounded in size, of an allowed type by its content (not its name), and stored once
per record; serving it back is the owning app's view, which checks who may see the record first."""

import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import quote

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.utils.translation import gettext as _

from luoshi.errors import InvalidInput
from luoshi.files.models import Attachment
from luoshi.org.models import Person

# What each allowed kind looks like: its leading bytes, its content type, the names it may carry.
IMAGE_TYPES = {
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg")),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
}
PDF_TYPES = {"application/pdf": (b"%PDF-", (".pdf",))}
EVIDENCE = {**IMAGE_TYPES, **PDF_TYPES}
MAX_FILES = 9  # per record, as a phone's photo picker offers


def max_bytes() -> int:
    return int(getattr(settings, "LUOSHI_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))


def clean_name(raw: str) -> str:
    """A file name safe to show and to send back: no folders, no control characters, at most 120 chars."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name).strip(" .") or "file"
    stem, dot, ext = name.rpartition(".")
    if dot and len(ext) <= 8:
        return stem[: 119 - len(ext)] + "." + ext
    return name[:120]


def sniff(data: bytes, name: str, allowed: dict[str, tuple[bytes, tuple[str, ...]]], field: str) -> str:
    """The content type the bytes are, if allowed and the name agrees; else InvalidInput naming the field."""
    lower = name.lower()
    for content_type, (magic, extensions) in allowed.items():
        if data.startswith(magic):
            if not lower.endswith(extensions):
                raise InvalidInput(_("The file's name does not match its content ({name}).").format(name=name), field)
            if content_type.startswith("image/"):
                _check_image(data, name, field)
            return content_type
    kinds = ", ".join(sorted({ext for _magic, exts in allowed.values() for ext in exts}))
    raise InvalidInput(_("{name} is not an allowed file (allowed: {kinds}).").format(name=name, kinds=kinds), field)


def _check_image(data: bytes, name: str, field: str) -> None:
    """Pillow reads the whole header: a file that only starts like a photo is refused."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception as err:  # Pillow raises many kinds for a broken file
        raise InvalidInput(_("{name} is not a readable image.").format(name=name), field) from err


def check_uploads(
    files: Iterable[UploadedFile], field: str, allowed: dict[str, tuple[bytes, tuple[str, ...]]] = EVIDENCE
) -> list[tuple[str, str, bytes]]:
    """(name, content type, bytes) of each upload, all checked before any is stored."""
    files = list(files)
    if len(files) > MAX_FILES:
        raise InvalidInput(_("At most {n} files at once.").format(n=MAX_FILES), field)
    checked = []
    limit = max_bytes()
    for f in files:
        name = clean_name(f.name or "file")
        if f.size is None or f.size > limit:
            raise InvalidInput(_("{name} is larger than {mb} MB.").format(name=name, mb=limit // (1024 * 1024)), field)
        data = f.read(limit + 1)
        if len(data) > limit:
            raise InvalidInput(_("{name} is larger than {mb} MB.").format(name=name, mb=limit // (1024 * 1024)), field)
        if not data:
            raise InvalidInput(_("{name} is empty.").format(name=name), field)
        checked.append((name, sniff(data, name, allowed, field), data))
    return checked


def store(
    checked: list[tuple[str, str, bytes]], subject_type: str, subject_id: int, actor: Person, now: datetime
) -> list[Attachment]:
    """Inside the caller's transaction; call check_uploads first (outside it: reading is slow)."""
    return Attachment.objects.bulk_create(
        Attachment(
            subject_type=subject_type,
            subject_id=subject_id,
            name=name,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            uploaded_by=actor,
            uploaded_at=now,
        )
        for name, content_type, data in checked
    )


def listed(subject_type: str, subject_ids: Iterable[int]) -> dict[int, list[Attachment]]:
    """The attachments of many records, without their bytes: one query."""
    found: dict[int, list[Attachment]] = {}
    qs = Attachment.objects.filter(subject_type=subject_type, subject_id__in=list(subject_ids)).defer("data")
    for att in qs:
        found.setdefault(att.subject_id, []).append(att)
    return found


def download(att: Attachment) -> HttpResponse:
    """The stored bytes, never rendered by the browser as a page of ours (no sniffing, a sandbox)."""
    response = HttpResponse(bytes(att.data), content_type=att.content_type)
    disposition = "inline" if att.content_type in EVIDENCE else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(att.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
