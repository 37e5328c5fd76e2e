"""The auditor's pages under /audit/: the trail, one event, the verification, the export (CSV, XLSX)."""

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from luoshi import sheets
from luoshi.events.models import Anchor, Event
from luoshi.events.services import record
from tests.conftest import SHANGHAI, english, make_person


@pytest.fixture
def auditor_client(client, auditor):
    client.force_login(auditor)
    return english(client)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


def test_the_auditor_reads_the_trail_newest_first(auditor_client, office):
    old = record(office, "list.created", "list", 42, at=at(1, 9), address="10.0.0.7")
    new = record(None, "login.failed", "person", 0, at=at(2, 9), result="failed")
    response = auditor_client.get("/audit/")
    assert response.status_code == 200
    page = list(response.context["page"])
    assert page.index(new) < page.index(old)
    html = response.content.decode()
    assert f'id="event-{old.pk}"' in html and "10.0.0.7" in html and "督查室王" in html and "list:42" in html


@pytest.mark.parametrize("who", ["office", "admin", "security", "liaison_a", "leader"])
def test_everyone_but_the_auditor_is_refused(client, request, who):
    person = request.getfixturevalue(who)
    event = record(person, "list.created", "list", 1)
    client.force_login(person)
    for path in ("/audit/", f"/audit/events/{event.pk}/", "/audit/verify/", "/audit/export.csv", "/audit/export.xlsx"):
        assert client.get(path).status_code == 403, (who, path)
    assert client.post("/audit/verify/").status_code == 403
    assert not Event.objects.filter(kind__startswith="audit.").exists()


def test_signing_in_comes_first(client, db):
    response = client.get("/audit/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_filters_by_day_actor_and_kind(auditor_client, office, liaison_a):
    record(office, "login", "person", office.pk, at=at(1, 23, 59))
    mine = record(office, "login", "person", office.pk, at=at(2, 0, 0))
    record(office, "list.created", "list", 1, at=at(2, 10))
    record(liaison_a, "login.failed", "person", liaison_a.pk, at=at(2, 11), result="failed")
    params = {"from": "2026-03-02", "to": "2026-03-02", "kind": "login", "actor": "office"}
    response = auditor_client.get("/audit/", params)
    assert list(response.context["page"]) == [mine]
    assert response.context["actor"] == office
    assert list(auditor_client.get("/audit/", {**params, "actor": str(office.pk)}).context["page"]) == [mine]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-03-03", "to": "2026-03-02"}, "to"),
        ({"from": "2026-13-01"}, "from"),
        ({"actor": str(2**31)}, "actor"),
        ({"actor": "nobody-of-that-name"}, "actor"),
        ({"kind": "login\x00"}, "kind"),
    ],
)
def test_bad_filters_are_a_400_under_their_field(auditor_client, params, field):
    response = auditor_client.get("/audit/", params)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode()
    export = auditor_client.get("/audit/export.xlsx", params)
    assert export.status_code == 400
    assert not Event.objects.filter(kind="audit.exported").exists()


def test_pages_of_the_trail_cost_the_same_queries(
    auditor_client, office, liaison_a, settings, django_assert_num_queries
):
    settings.LUOSHI_PAGE_SIZE = 10
    record(office, "x.q", "list", 0)
    auditor_client.get("/audit/", {"kind": "x.q"})  # the session and the like, warmed
    with django_assert_num_queries(4) as few:  # the session, the person, the count, the page with its actors
        auditor_client.get("/audit/", {"kind": "x.q"})
    for n in range(25):
        record(office if n % 2 else liaison_a, "x.q", "list", n)
    with django_assert_num_queries(len(few.captured_queries)):
        response = auditor_client.get("/audit/", {"kind": "x.q", "page": "2"})
    assert len(response.context["page"]) == 10 and response.context["page"].paginator.count == 26


def test_an_event_shows_its_before_and_after_as_lines(auditor_client, office):
    event = record(
        office,
        "admin.changed",
        "channel",
        3,
        before={"url": "https://a.example"},
        after={"url": "https://b.example", "active": False},
    )
    html = auditor_client.get(f"/audit/events/{event.pk}/").content.decode()
    assert '<span class="text-secondary">url:</span> https://a.example' in html
    assert '<span class="text-secondary">active:</span> false' in html
    assert auditor_client.get("/audit/events/999999999/").status_code == 404
    assert auditor_client.get("/audit/events/99999999999999999999/").status_code == 404


def test_nothing_here_edits_or_deletes_an_event(auditor_client, office):
    event = record(office, "list.created", "list", 1)
    for method in ("post", "put", "delete"):
        assert getattr(auditor_client, method)(f"/audit/events/{event.pk}/").status_code == 405
    assert auditor_client.post("/audit/").status_code == 405


def test_the_admin_site_does_not_list_the_events(client, admin):
    client.force_login(admin)
    assert client.get("/admin/events/event/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_verification_page_shows_the_rows_checked_and_the_anchors(client):
    auditor = make_person("auditor", ["auditor"], name="审计员")
    office = make_person("office", ["office"])
    for n in range(3):
        record(office, "list.created", "list", n)
    from luoshi.events import chain

    kept = chain.anchor(logged=False)
    client.force_login(auditor)
    english(client)
    page = client.get("/audit/verify/").content.decode()
    assert kept.digest in page and "verify-result" not in page
    checked = Event.objects.count()
    html = client.post("/audit/verify/").content.decode()
    assert f"The chain holds: {checked} rows checked." in html
    assert Event.objects.filter(kind="audit.verified", actor=auditor).count() == 1
    assert Anchor.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_broken_chain_links_to_the_first_bad_row(client):
    auditor = make_person("auditor", ["auditor"], name="审计员")
    events = [record(None, "list.created", "list", n) for n in range(3)]
    Event.objects.filter(pk=events[1].pk).update(kind="list.deleted")  # behind the application's back
    client.force_login(auditor)
    html = english(client).post("/audit/verify/").content.decode()
    assert 'data-ok="0"' in html
    assert f'href="/audit/events/{events[1].pk}/" id="broken-row"' in html


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel on Chinese Windows reads UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_csv_export_is_utf8_with_a_bom_and_chinese_headers(auditor_client, auditor, office):
    event = record(office, "=cmd|' /C calc'!A0", "list", 7, at=at(2, 9, 30), address="10.0.0.7")
    record(office, "list.created", "list", 8, at=at(3, 9))  # another day
    response = auditor_client.get("/audit/export.csv", {"from": "2026-03-02", "to": "2026-03-02"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    header, *rows = _csv_rows(response)
    assert header == [
        "编号",
        "时间（北京时间）",
        "操作人账号",
        "操作人姓名",
        "地址",
        "类型",
        "对象",
        "结果",
        "序号",
        "摘要",
    ]
    assert rows == [
        [
            str(event.pk),
            "2026-03-02 09:30:00",
            "office",
            "督查室王",
            "10.0.0.7",
            "'=cmd|' /C calc'!A0",
            "list:7",
            "ok",
            "",
            "",
        ]
    ]
    exported = Event.objects.get(kind="audit.exported")
    assert exported.actor == auditor
    assert exported.after == {"format": "csv", "from": "2026-03-02T00:00:00+08:00", "to": "2026-03-03T00:00:00+08:00"}


def test_the_xlsx_export_holds_no_formulas(auditor_client, office):
    evil = record(office, '=HYPERLINK("http://evil.example","x")', "list", 7, at=at(2, 9, 30))
    plain = record(office, "list.created", "list", 8, at=at(2, 10))
    response = auditor_client.get("/audit/export.xlsx", {"actor": "office"})
    assert response.status_code == 200
    assert response["Content-Type"] == sheets.XLSX_TYPE
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheets.formula_cells(ws) == []
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "时间（北京时间）", "操作人账号")
    assert [r[0] for r in rows[1:]] == [plain.pk, evil.pk]
    assert rows[2][1] == datetime(2026, 3, 2, 9, 30)  # Beijing's wall clock
    assert rows[2][5] == '=HYPERLINK("http://evil.example","x")'
    assert ws.cell(row=3, column=6).data_type == "s"
    assert Event.objects.get(kind="audit.exported").after == {"format": "xlsx", "actor": office.pk}


def test_a_long_export_is_read_in_chunks(auditor_client, office, monkeypatch):
    from luoshi.events import trail

    for n in range(7):
        record(office, "x.chunk", "list", n, at=at(2, 9, n % 3))  # ties in time: the id decides
    real = trail.in_chunks
    monkeypatch.setattr(trail, "in_chunks", lambda f, size=3: real(f, size=3))
    _header, *rows = _csv_rows(auditor_client.get("/audit/export.csv", {"kind": "x.chunk"}))
    expected = Event.objects.filter(kind="x.chunk").order_by("-at", "-id").values_list("id", flat=True)
    assert [int(r[0]) for r in rows] == list(expected)


def test_an_unknown_export_format_is_404(auditor_client):
    assert auditor_client.get("/audit/export.pdf").status_code == 404
