"""Stored uploads (luoshi.files.services): bounded in size and number, of an allowed type by their content
(not their name), with safe names; stored once per record, listed without their bytes, served so that a
browser never runs them as a page of ours."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from luoshi.errors import InvalidInput
from luoshi.files import services as files
from luoshi.files.models import Attachment
from tests.conftest import NOW


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (3, 2), (10, 20, 30)).save(out, format="PNG")
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (3, 2), (10, 20, 30)).save(out, format="JPEG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def up(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("a.png", png(), "image/png"),
        ("b.JPG", jpeg(), "image/jpeg"),
        ("c.jpeg", jpeg(), "image/jpeg"),
        ("d.pdf", PDF, "application/pdf"),
    ],
)
def test_images_and_pdfs_are_taken_by_their_content(name, data, kind):
    [(kept, content_type, body)] = files.check_uploads([up(name, data, "text/html")], "evidence")
    assert (kept, content_type, body) == (name, kind, data)  # the browser's own content type is ignored


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("photo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        ("tool.exe", b"MZ\x90\x00\x03\x00"),
        ("doc.pdf", png()),  # a PNG named as a PDF
        ("photo.png", PDF),  # a PDF named as a photo
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40),  # starts like a PNG, is none
        ("photo.jpg", b"\xff\xd8\xff\xe0garbage"),
    ],
)
def test_anything_else_is_refused_naming_the_field(name, data):
    with pytest.raises(InvalidInput) as err:
        files.check_uploads([up(name, data)], "evidence")
    assert err.value.field == "evidence"


def test_an_empty_file_is_refused():
    with pytest.raises(InvalidInput):
        files.check_uploads([up("a.png", b"")], "evidence")


def test_a_file_over_the_limit_is_refused(settings):
    settings.LUOSHI_UPLOAD_MAX_BYTES = 1024
    big = png() + b"\x00" * 2000
    with pytest.raises(InvalidInput) as err:
        files.check_uploads([up("a.png", big)], "evidence")
    assert "1024" not in err.value.message  # said in MB, as people read it
    assert files.max_bytes() == 1024


def test_a_file_whose_declared_size_lies_is_still_cut_at_the_limit(settings):
    settings.LUOSHI_UPLOAD_MAX_BYTES = 100
    f = up("a.png", png() + b"\x00" * 500)
    f.size = 10  # what a client claims
    with pytest.raises(InvalidInput):
        files.check_uploads([f], "evidence")


def test_at_most_nine_files_at_once():
    with pytest.raises(InvalidInput) as err:
        files.check_uploads([up(f"{i}.png", png()) for i in range(files.MAX_FILES + 1)], "evidence")
    assert err.value.field == "evidence"
    assert len(files.check_uploads([up(f"{i}.png", png()) for i in range(files.MAX_FILES)], "evidence")) == 9


def test_all_files_are_checked_before_any_is_taken():
    with pytest.raises(InvalidInput):
        files.check_uploads([up("ok.png", png()), up("bad.png", b"nope")], "evidence")


def test_only_the_kinds_asked_for_are_taken():
    with pytest.raises(InvalidInput):
        files.check_uploads([up("d.pdf", PDF)], "photos", files.IMAGE_TYPES)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd.png", "passwd.png"),
        ("C:\\Users\\王\\现场 照片.png", "现场 照片.png"),
        ("a\x00b\u202ec.png", "abc.png"),
        ("   ", "file"),
        ("..", "file"),
        ("x" * 300 + ".png", "x" * 116 + ".png"),
        ("e\u0301.png", "é.png"),
    ],
)
def test_names_are_made_safe(raw, clean):
    assert files.clean_name(raw) == clean
    assert len(files.clean_name(raw)) <= 120


def test_stored_once_per_record_and_listed_without_bytes(db, office, django_assert_num_queries):
    checked = files.check_uploads([up("a.png", png()), up("b.pdf", PDF)], "evidence")
    stored = files.store(checked, "finding", 7, office, NOW)
    assert [a.subject_id for a in stored] == [7, 7]
    att = Attachment.objects.get(name="a.png")
    assert att.sha256 == hashlib.sha256(png()).hexdigest() and att.size == len(png()) and att.uploaded_by == office
    files.store(files.check_uploads([up("c.png", png())], "evidence"), "finding", 8, office, NOW)
    with django_assert_num_queries(1):
        listed = files.listed("finding", [7, 8, 9])
        names = {k: [a.name for a in v] for k, v in listed.items()}
    assert names == {7: ["a.png", "b.pdf"], 8: ["c.png"]}


def test_a_download_is_never_run_as_a_page(db, office):
    [att] = files.store(files.check_uploads([up("现场.png", png())], "evidence"), "finding", 1, office, NOW)
    response = files.download(Attachment.objects.get(pk=att.pk))
    assert response.content == png() and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Content-Disposition"] == "inline; filename*=UTF-8''%E7%8E%B0%E5%9C%BA.png"


def test_a_stored_file_of_another_type_is_sent_as_a_download(db, office):
    att = Attachment.objects.create(
        subject_type="x",
        subject_id=1,
        name="a.txt",
        content_type="text/html",
        size=3,
        sha256="",
        data=b"<b>",
        uploaded_by=office,
        uploaded_at=NOW,
    )
    assert files.download(att)["Content-Disposition"].startswith("attachment;")
