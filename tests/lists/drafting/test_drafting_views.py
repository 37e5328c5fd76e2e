"""The office's page: paste or upload → read → the editable preview → create drafts; documents read before;
the loop page's source sentence."""

import io
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from luoshi.lists.drafting_services import DraftItem, do_create_drafts_from_text
from luoshi.lists.models import ListStatus, ResponsibilityList, SourceText
from tests.conftest import NOW, TODAY
from tests.lists.drafting.fake_reader import use_fake_reader  # noqa: F401  (a fixture)

URL = reverse("lists:from_text")
TEXT = (
    "市政府常务会议纪要\n2026年3月2日\n"
    "一、李副市长要求，市工信委牵头，城关区配合，6月30日前完成园区规划。\n"
    "二、榆中县尽快修缮道路。\n"
    "三、各有关单位抓好落实。\n"
)


@pytest.fixture(autouse=True)
def at_now(use_fake_reader):  # noqa: F811
    with time_machine.travel(NOW):
        yield


def read(client, text=TEXT, **extra):
    return client.post(URL, {"text": text, "action": "read", "submission_key": "key-1", **extra})


def form_data(page) -> dict:
    """The posted form as the browser would send it again: the document's fields and every preview field."""
    form = page.context["form"]
    formset = page.context["formset"]
    data = {f"items-{k}": v for k, v in formset.management_form.initial.items()} | {"action": "create"}
    for name in ("text", "name", "submission_key", "as_of", "source"):
        value = form.initial.get(name, "")
        data[name] = value.isoformat() if isinstance(value, date) else value
    for f in formset.forms:
        for name in f.fields:
            value = f.initial.get(name)
            if value is None:
                continue
            if name == "include":
                if value:
                    data[f.add_prefix(name)] = "on"
            elif isinstance(value, list):
                data[f.add_prefix(name)] = [str(v) for v in value]
            else:
                data[f.add_prefix(name)] = value.isoformat() if isinstance(value, date) else value
    return data


def test_the_page_has_a_paste_box_and_an_upload(as_, office):
    r = as_(office).get(URL)
    assert r.status_code == 200
    for id_ in ("drafting-text", "drafting-upload", "drafting-read", "drafting-history"):
        assert f'id="{id_}"' in r.content.decode()
    assert 'id="drafting-preview"' not in r.content.decode()


def test_a_liaison_or_leader_may_not_use_it(as_, liaison_a, leader):
    for person in (liaison_a, leader):
        c = as_(person)
        assert c.get(URL).status_code == 403
        assert read(c).status_code == 403


def test_reading_shows_the_editable_preview(as_, office, leader, unit_a, unit_b, unit_c):
    r = read(as_(office))
    assert r.status_code == 200
    page = r.content.decode()
    assert 'id="drafting-preview"' in page and 'id="item-2"' in page and 'id="drafting-create"' in page
    assert 'id="id_items-0-lead_unit"' in page and 'id="id_items-1-co_units"' in page
    forms = r.context["formset"].forms
    assert forms[0].initial["lead_unit"] == unit_a.pk and forms[0].initial["co_units"] == [unit_b.pk]
    assert forms[0].initial["deadline"] == date(2026, 6, 30) and forms[0].initial["leader"] == leader.pk
    assert "“6月30日前”" in page  # the evidence beside the field
    # Item 3 names no unit and no date: marked for the office to choose, with an aria note.
    assert 'id="id_items-2-lead_unit_note"' in page and "not recognised — choose" in page
    assert 'aria-describedby="id_items-2-lead_unit_note"' in page
    assert "ls-unrecognised" in page
    assert "as soon as possible" in page  # item 2's 尽快
    assert r.context["form"].initial["as_of"] == TODAY
    assert not SourceText.objects.exists() and not ResponsibilityList.objects.exists()


def test_an_empty_text_or_a_bad_character_is_400(as_, office):
    c = as_(office)
    r = read(c, text="")
    assert r.status_code == 400 and "Paste the text" in r.content.decode()
    r = read(c, text="一、甲\x00")
    assert r.status_code == 400 and r.context["form"].errors["text"]


def test_an_upload_is_read_into_the_box(as_, office, unit_a):
    import docx

    document = docx.Document()
    for line in TEXT.split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    upload = SimpleUploadedFile("纪要.docx", out.getvalue())
    r = as_(office).post(URL, {"file": upload, "action": "read"})
    assert r.status_code == 200 and r.context["form"].initial["name"] == "纪要.docx"
    assert "市工信委牵头" in r.context["form"].initial["text"] and len(r.context["formset"].forms) == 3


def test_a_scanned_pdf_gets_a_clear_400(as_, office):
    from weasyprint import HTML

    scan = HTML(string='<div style="width:90px;height:90px;background:#000"></div>').write_pdf()
    r = as_(office).post(URL, {"file": SimpleUploadedFile("scan.pdf", scan), "action": "read"})
    assert r.status_code == 400 and "no text in it" in r.content.decode()


def test_the_corrected_items_are_created_as_drafts_once(as_, office, leader, unit_a, unit_b, unit_c):
    c = as_(office)
    data = form_data(read(c))
    data["items-2-lead_unit"] = str(unit_c.pk)  # the office chooses what was not recognised
    data["items-2-deadline"] = "2026-09-30"
    data["items-1-deadline"] = "2026-04-30"
    data["items-0-co_units"] = [str(unit_c.pk)]  # and corrects a unit
    r = c.post(URL, data)
    st = SourceText.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("lists:from_text_document", args=[st.pk])
    lists = list(ResponsibilityList.objects.order_by("pk"))
    assert len(lists) == 3 and all(x.status == ListStatus.DRAFT and x.source_text == st for x in lists)
    assert {d.unit_id for d in lists[0].duties.all()} == {unit_a.pk, unit_c.pk}
    assert lists[2].source_excerpt == "三、各有关单位抓好落实。"
    assert st.text == TEXT.strip() and st.as_of == TODAY and st.source == "meeting"
    assert c.post(URL, data).status_code == 302  # a double submit stores once
    assert ResponsibilityList.objects.count() == 3 and SourceText.objects.count() == 1
    done = c.get(r["Location"])
    assert done.status_code == 200 and 'id="made-2"' in done.content.decode()


def test_an_item_left_out_is_not_created_and_a_missing_unit_is_400(as_, office, leader, unit_a, unit_b, unit_c):
    c = as_(office)
    data = form_data(read(c))
    data["items-1-deadline"] = "2026-04-30"
    r = c.post(URL, data)  # item 3 still has no lead unit
    assert r.status_code == 400 and r.context["formset"].forms[2].errors["lead_unit"]
    assert not ResponsibilityList.objects.exists()
    del data["items-2-include"]
    assert c.post(URL, data).status_code == 302
    assert ResponsibilityList.objects.count() == 2


def test_a_service_refusal_is_shown_on_its_item(as_, office, leader, unit_a, unit_b, unit_c):
    c = as_(office)
    data = form_data(read(c))
    data["items-1-deadline"] = "2026-04-30"
    del data["items-2-include"]
    data["items-0-co_units"] = [str(unit_a.pk)]  # the lead unit again
    r = c.post(URL, data)
    assert r.status_code == 400 and r.context["formset"].forms[0].errors["co_units"]
    assert not SourceText.objects.exists()


def test_the_page_and_the_preview_read_a_constant_number_of_queries(
    as_, office, leader, unit_a, unit_b, unit_c, django_assert_max_num_queries
):
    c = as_(office)
    for n in range(3):
        make_document(office, unit_a, f"纪要{n}")
    with django_assert_max_num_queries(12):
        assert c.get(URL).status_code == 200
    with django_assert_max_num_queries(16):
        assert read(c).status_code == 200
    long = TEXT + "".join(f"{'四五六七八九'[n]}、城关区牵头，榆中县配合，5月{n + 1}日前办结。\n" for n in range(6))
    with django_assert_max_num_queries(16):
        assert len(read(c, text=long).context["formset"].forms) == 9


def make_document(office, unit, name, lists=True):
    items = [DraftItem("修缮道路", "", "meeting", None, unit, [], date(2026, 5, 1), 30, "二、修缮道路。")]
    return do_create_drafts_from_text(
        office, text=TEXT, name=name, source="meeting", as_of=TODAY, items=items, submission_key=None, now=NOW
    )


def test_documents_read_before_are_listed_and_read_again(as_, office, unit_a):
    st, lists, _ = make_document(office, unit_a, "常务会纪要.docx")
    c = as_(office)
    page = c.get(URL).content.decode()
    assert "常务会纪要.docx" in page and f'id="read-again-{st.pk}"' in page and "1 list" in page
    again = c.get(URL, {"again": st.pk})
    assert again.status_code == 200 and len(again.context["formset"].forms) == 3
    assert again.context["form"].initial["name"] == "常务会纪要.docx"
    assert c.get(URL, {"again": "999999"}).status_code == 404
    doc = c.get(reverse("lists:from_text_document", args=[st.pk]))
    assert doc.status_code == 200 and reverse("lists:loop", args=[lists[0].pk]) in doc.content.decode()


def test_the_document_page_is_the_offices(as_, office, liaison_a, unit_a):
    st, _lists, _ = make_document(office, unit_a, "x")
    assert as_(liaison_a).get(reverse("lists:from_text_document", args=[st.pk])).status_code == 403
    assert as_(office).get(reverse("lists:from_text_document", args=[999999])).status_code == 404


def test_the_loop_page_shows_the_source_sentence_to_whoever_sees_the_list(as_, office, liaison_a, unit_a):
    from luoshi.lists import services

    _st, lists, _ = make_document(office, unit_a, "常务会纪要.docx")
    services.do_publish(office, lists[0], now=NOW)
    for person in (office, liaison_a):
        page = as_(person).get(reverse("lists:loop", args=[lists[0].pk])).content.decode()
        assert 'id="list-source-text"' in page and "二、修缮道路。" in page
        assert "常务会纪要.docx" in page and "2026-03-02" in page


def test_a_text_of_more_items_than_a_preview_takes_is_400(as_, office, unit_a, monkeypatch):
    from luoshi.lists import views_drafting

    monkeypatch.setattr(views_drafting, "MAX_PAGE_ITEMS", 2)
    r = read(as_(office))
    assert r.status_code == 400 and "at most 2" in r.content.decode() and r.context["formset"] is None


def test_the_document_page_reads_a_constant_number_of_queries(as_, office, unit_a, django_assert_max_num_queries):
    c = as_(office)
    small, _lists, _ = make_document(office, unit_a, "a")
    items = [DraftItem(f"事项{n}", "", "meeting", None, unit_a, [], date(2026, 5, 1), 30, "") for n in range(8)]
    big, _lists, _ = do_create_drafts_from_text(
        office, text=TEXT, name="b", source="meeting", as_of=TODAY, items=items, submission_key=None, now=NOW
    )
    for st in (small, big):
        with django_assert_max_num_queries(8):
            assert c.get(reverse("lists:from_text_document", args=[st.pk])).status_code == 200


def test_the_pages_render_in_chinese(client, office, unit_a):
    st, _lists, _ = make_document(office, unit_a, "纪要")
    client.force_login(office)
    assert client.get(URL).status_code == 200
    assert read(client).status_code == 200
    assert client.get(reverse("lists:from_text_document", args=[st.pk])).status_code == 200
