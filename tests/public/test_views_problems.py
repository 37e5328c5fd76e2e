"""The public problems' list pages: the index (who sees what, the filters, a unit's work queue, the clock
in red when late), the hotline's entry form (one submit, stored once, photos checked, accept and dispatch
in the same submit), the triage queue, and the Excel export (no formulas, no reporter a unit may not
read, the read audited); the index and triage in a constant number of queries."""

import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from luoshi.events.models import Event
from luoshi.files.models import Attachment
from luoshi.public import dispatch, handling, intake
from luoshi.public.models import Broadcast, Problem, Programme, Status
from tests.oversight.inspections.conftest import upload
from tests.public.conftest import submission


def url(name: str, *args) -> str:
    return reverse(f"public:{name}", args=args)


def wt(p: Problem) -> str:
    return f"WT{p.pk:06d}"


def taken(office, **changes) -> Problem:
    return intake.do_submit(office, submission(**changes))[0]


def dispatched(office, unit, **changes) -> Problem:
    p = taken(office, **changes)
    intake.do_accept(office, p)
    dispatch.do_dispatch(office, p, unit.pk)
    return p


# ---------------------------------------------------------------- the index


def test_the_office_and_a_leader_see_every_problem_a_unit_its_own(as_, office, leader, liaison_a, liaison_b, unit_a):
    mine = dispatched(office, unit_a, content="井盖缺失")
    pending = taken(office, content="路灯不亮")
    for who in (office, leader):
        page = as_(who).get(url("index")).content.decode()
        assert wt(mine) in page and wt(pending) in page
    page = as_(liaison_a).get(url("index"))
    assert page.status_code == 200
    assert wt(mine) in page.content.decode() and wt(pending) not in page.content.decode()
    assert wt(mine) not in as_(liaison_b).get(url("index")).content.decode()


def test_the_filters_narrow_the_index(as_, office, unit_a, unit_b):
    a = dispatched(office, unit_a, content="占道经营严重", category="市容环境")
    b = dispatched(office, unit_b, content="餐馆卫生差", category="食品安全", channel="tv")
    handling.do_expose(office, b)
    c = as_(office)

    def shown(**params) -> set[str]:
        html = c.get(url("index"), params).content.decode()
        return {code for code in (wt(a), wt(b)) if code in html}

    assert shown() == {wt(a), wt(b)}
    assert shown(channel="tv") == {wt(b)}
    assert shown(hot="on") == {wt(b)}
    assert shown(unit=unit_a.pk) == {wt(a)}
    assert shown(q="占道") == {wt(a)}
    assert shown(q=wt(b)) == {wt(b)}
    assert shown(q=b.code.lower().replace("-", "")) == {wt(b)}
    assert shown(category=b.category_id) == {wt(b)}
    assert shown(status="dispatched") == {wt(a), wt(b)}
    today = timezone.localdate()
    assert shown(date_from=today.isoformat(), date_to=today.isoformat()) == {wt(a), wt(b)}
    assert shown(date_to=(today - timedelta(days=1)).isoformat()) == set()


@pytest.mark.parametrize(
    ("params", "field"),
    [({"status": "nonsense"}, "status"), ({"date_from": "2026-13-40"}, "date_from"), ({"unit": 2**40}, "unit")],
)
def test_a_bad_filter_is_a_400_naming_the_field(as_, office, params, field):
    r = as_(office).get(url("index"), params)
    assert r.status_code == 400
    html = r.content.decode()
    assert 'id="filter-errors"' in html and f'id="id_{field}"' in html and "is-invalid" in html


def test_a_units_index_is_its_work_queue(as_, office, liaison_a, unit_a, unit_b):
    to_sign = dispatched(office, unit_a, content="待签收的问题")
    to_reply = dispatched(office, unit_a, content="待答复的问题")
    handling.do_sign(liaison_a, to_reply, unit_a.pk)
    sent = dispatched(office, unit_a, content="退回的问题")
    dispatch.do_send_back(liaison_a, sent, unit_a.pk, "territory", "属城关区管辖")
    c = as_(liaison_a)
    page = c.get(url("index")).content.decode()
    assert 'id="queue-tabs"' in page and 'id="id_unit"' not in page  # a unit does not filter by unit

    def queue(name: str) -> set[str]:
        html = c.get(url("index"), {"queue": name}).content.decode()
        return {code for code in (wt(to_sign), wt(to_reply), wt(sent)) if code in html}

    assert queue("sign") == {wt(to_sign)}
    assert queue("reply") == {wt(to_reply)}
    assert queue("sent_back") == {wt(sent)}
    assert queue("") == {wt(to_sign), wt(to_reply), wt(sent)}


def test_a_sign_for_not_made_in_time_shows_red(as_, office, liaison_a, unit_a):
    p = taken(office)
    intake.do_accept(office, p)
    dispatch.do_dispatch(office, p, unit_a.pk, now=timezone.now() - timedelta(hours=30))
    html = as_(liaison_a).get(url("index")).content.decode()
    row = html[html.index(f'data-problem="{p.pk}"') :]
    assert 'data-clock="sign" data-late' in row and "text-danger" in row and "sign-for late" in row


def test_the_index_costs_the_same_queries_for_one_or_many(as_, office, liaison_a, unit_a, unit_b):
    dispatched(office, unit_a)
    counts = []
    for n in (1, 6):
        while Problem.objects.count() < n:
            dispatched(office, unit_a if Problem.objects.count() % 2 else unit_b)
        for who in (office, liaison_a):
            c = as_(who)
            with CaptureQueriesContext(connection) as q:
                assert c.get(url("index")).status_code == 200
            counts.append(len(q))
    assert counts[:2] == counts[2:]


# ---------------------------------------------------------------- the hotline


def call(**changes) -> dict:
    from luoshi.public.models import Category

    return {
        "content": "小区门口垃圾堆放三天无人清运",
        "category": Category.objects.get(name="市容环境").pk,
        "place": "城关区张掖路 58 号",
        "reporter_name": "李女士",
        "reporter_contact": "13900001111",
        "channel": "hotline",
        "submission_key": "call-1",
        **changes,
    }


def test_the_operators_form_is_for_speed(as_, office):
    r = as_(office).get(url("hotline"))
    assert r.status_code == 200
    html = r.content.decode()
    content = html[html.index('name="content"') - 200 : html.index('name="content"') + 200]
    assert "autofocus" in content
    assert "食品安全" in html and "其他" in html and 'id="id_category"' in html
    assert 'name="submission_key"' in html and 'id="id_reporter_consents"' in html and 'id="id_urgent"' in html
    assert 'id="id_dispatch_now"' in html and 'id="id_unit"' in html


@pytest.mark.parametrize("who", ["leader", "liaison_a", "head_a"])
def test_only_the_office_takes_calls(request, db, as_, who):
    c = as_(request.getfixturevalue(who))
    assert c.get(url("hotline")).status_code == 403
    assert c.post(url("hotline"), call()).status_code == 403
    assert not Problem.objects.exists()


def test_a_call_is_saved_once_with_its_photo_and_the_form_comes_back_fresh(as_, office):
    c = as_(office)
    r = c.post(url("hotline"), {**call(), "photos": [upload("现场.png")], "urgent": "on"})
    assert r.status_code == 302, r.content.decode()[:2000]
    p = Problem.objects.get()
    assert r["Location"] == f"{url('hotline')}?saved={p.pk}"
    assert p.urgent and p.channel == "hotline" and p.created_by == office and not p.reporter_consents
    assert Attachment.objects.get(subject_type="problem").subject_id == p.pk
    again = c.post(url("hotline"), {**call(), "photos": [upload("现场.png")], "urgent": "on"})
    assert again.status_code == 302
    assert Problem.objects.count() == 1 and Attachment.objects.count() == 1
    fresh = c.get(r["Location"]).content.decode()
    assert 'id="hotline-saved"' in fresh and f"Saved: {wt(p)}" in fresh and p.code in fresh
    assert 'value="call-1"' not in fresh  # a fresh token for the next call


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"content": ""}, "content"),
        ({"content": "垃圾\x00"}, "content"),
        ({"category": 999999}, "category"),
        ({"channel": "web"}, "channel"),
        ({"lat": "91", "lon": "103.8"}, "lat"),
        ({"lat": "36.06"}, "lon"),
        ({"place": "x" * 201}, "place"),
        ({"dispatch_now": "on"}, "unit"),
    ],
)
def test_a_bad_call_is_refused_naming_the_field(as_, office, changes, field):
    r = as_(office).post(url("hotline"), call(**changes))
    assert r.status_code == 400
    html = r.content.decode()
    tag = html[html.index(f'id="id_{field}"') - 300 : html.index(f'id="id_{field}"') + 50]
    assert "is-invalid" in tag
    assert not Problem.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(as_, office):
    pdf = upload("材料.pdf", b"%PDF-1.4 whatever", "application/pdf")
    r = as_(office).post(url("hotline"), {**call(), "photos": [pdf]})
    assert r.status_code == 400 and 'id="id_photos"' in r.content.decode()
    assert not Problem.objects.exists() and not Attachment.objects.exists()


def test_a_tv_call_names_its_episode_of_the_same_channel(as_, office):
    tv = Programme.objects.create(kind="tv", name="落实进行时", created_at=timezone.now())
    paper = Programme.objects.create(kind="newspaper", name="兰州日报专栏", created_at=timezone.now())
    episode = Broadcast.objects.create(programme=tv, number=3, aired_on=date(2026, 3, 1), title="城市管理专场")
    issue = Broadcast.objects.create(programme=paper, number=1, aired_on=date(2026, 3, 2), title="第一期")
    c = as_(office)
    assert "落实进行时" in c.get(url("hotline")).content.decode()
    assert c.post(url("hotline"), call(channel="tv", broadcast=issue.pk)).status_code == 400
    assert c.post(url("hotline"), call(channel="hotline", broadcast=episode.pk)).status_code == 400
    r = c.post(url("hotline"), call(channel="tv", broadcast=episode.pk))
    assert r.status_code == 302 and Problem.objects.get().broadcast == episode
    fresh = c.get(r["Location"]).content.decode()  # the next call of the same live episode
    assert '<option value="tv" selected>' in fresh and f'<option value="{episode.pk}" selected>' in fresh


def test_a_call_accepted_and_dispatched_in_the_same_submit(as_, office, unit_a, unit_b):
    c = as_(office)
    data = call(dispatch_now="on", unit=unit_a.pk, co_units=[unit_b.pk])
    assert c.post(url("hotline"), data).status_code == 302
    p = Problem.objects.get()
    assert p.status == Status.DISPATCHED and p.lead_unit == unit_a
    assert {d.unit_id for d in dispatch.duties_of(p)} == {unit_a.pk, unit_b.pk}
    assert c.post(url("hotline"), data).status_code == 302
    assert Problem.objects.count() == 1 and len(dispatch.duties_of(p)) == 2


def test_a_dispatch_the_service_refuses_stores_nothing(as_, office, unit_a):
    past = (timezone.localdate() - timedelta(days=3)).isoformat()
    r = as_(office).post(url("hotline"), call(dispatch_now="on", unit=unit_a.pk, deadline=past))
    assert r.status_code == 400 and "The deadline has passed." in r.content.decode()
    assert not Problem.objects.exists()


# ---------------------------------------------------------------- triage


def test_triage_lists_the_pending_oldest_first(as_, office, accepted):
    first = taken(office, content="第一个来电")
    second = taken(office, content="第二个来电")
    r = as_(office).get(url("triage"))
    assert r.status_code == 200
    html = r.content.decode()
    assert html.index(wt(first)) < html.index(wt(second)) and wt(accepted) not in html
    assert f'id="accept-form-{first.pk}"' in html and f'id="reject-form-{first.pk}"' in html
    assert url("triage_duplicates", first.pk) in html


@pytest.mark.parametrize("who", ["leader", "liaison_a"])
def test_triage_is_the_offices(request, as_, problem, who):
    c = as_(request.getfixturevalue(who))
    assert c.get(url("triage")).status_code == 403
    assert c.get(url("triage_duplicates", problem.pk)).status_code == 403


def test_triage_offers_the_possible_duplicates_and_marks_one(as_, office, accepted):
    again = taken(office)  # the same text, the same place
    c = as_(office)
    fragment = c.get(url("triage_duplicates", again.pk)).content.decode()
    assert f'id="id_of_{accepted.pk}_{again.pk}"' in fragment and wt(accepted) in fragment
    r = c.post(url("duplicate", again.pk), {"of": accepted.pk, "next": "triage"})
    assert r.status_code == 302 and r["Location"] == url("triage")
    again.refresh_from_db()
    assert again.status == Status.DUPLICATE and again.duplicate_of == accepted


def test_triage_accepts_and_rejects_from_the_queue(as_, office, problem):
    other = taken(office)
    c = as_(office)
    r = c.post(url("accept", problem.pk), {"next": "triage"})
    assert r.status_code == 302 and r["Location"] == url("triage")
    r = c.post(url("reject", other.pk), {"reason": "", "next": "triage"})
    assert r.status_code == 400 and 'id="id_reject_reason"' in r.content.decode()
    assert c.post(url("reject", other.pk), {"reason": "不属于受理范围", "next": "triage"}).status_code == 302
    assert Problem.objects.get(pk=other.pk).status == Status.REJECTED


def test_triage_costs_the_same_queries_for_one_or_many(as_, office):
    c = as_(office)
    counts = []
    for n in (1, 6):
        while Problem.objects.count() < n:
            taken(office, content=f"来电 {Problem.objects.count()}")
        with CaptureQueriesContext(connection) as q:
            assert c.get(url("triage")).status_code == 200
        counts.append(len(q))
    assert counts[0] == counts[1]


# ---------------------------------------------------------------- the export


def sheet(response):
    from openpyxl import load_workbook

    from luoshi import sheets

    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = wb.active
    assert sheets.formula_cells(ws) == []
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_the_offices_export_carries_the_reporter_and_no_formula(as_, office, unit_a):
    p = dispatched(office, unit_a, content='=HYPERLINK("http://evil.example","点我")')
    rows = sheet(as_(office).get(url("export")))
    header, first = rows[0], rows[1]
    assert first[0] == wt(p) and first[4].startswith("=HYPERLINK") and first[10] == unit_a.name
    assert first[header.index("Reporter's name")] == "李女士"
    read = Event.objects.get(kind="record.read", subject_type="problem_reporter")
    assert read.after["ids"] == [p.pk] and read.actor == office
    assert Event.objects.filter(kind="export", after__what="problems").exists()


def test_a_units_export_carries_only_consenting_reporters_of_its_own_problems(as_, office, liaison_a, unit_a, unit_b):
    agreed = dispatched(office, unit_a, reporter_name="张先生", reporter_consents=True)
    refused = dispatched(office, unit_a, reporter_name="王女士")
    elsewhere = dispatched(office, unit_b, reporter_name="赵先生", reporter_consents=True)
    rows = sheet(as_(liaison_a).get(url("export")))
    header = rows[0]
    name = header.index("Reporter's name")
    by_code = {r[0]: r for r in rows[1:]}
    assert set(by_code) == {wt(agreed), wt(refused)} and wt(elsewhere) not in by_code
    assert by_code[wt(agreed)][name] == "张先生"
    assert by_code[wt(refused)][name] in (None, "") and by_code[wt(refused)][name + 1] in (None, "")
    read = Event.objects.get(kind="record.read", subject_type="problem_reporter", actor=liaison_a)
    assert read.after["ids"] == [agreed.pk]


def test_a_bad_export_filter_is_a_400(as_, office):
    r = as_(office).get(url("export"), {"status": "nonsense"})
    assert r.status_code == 400
