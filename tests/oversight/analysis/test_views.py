"""登台剖析's pages: the office and discipline inspection read them (audited), others are refused; the
office ranks, changes and confirms the agenda and records commitments; the unit reports on its
commitment's page like on any duty."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from luoshi.duties.models import Duty, DutyStatus, Report
from luoshi.events.models import Event
from luoshi.oversight.analysis_services import CommitmentInput, do_record_commitment
from luoshi.oversight.models import Analysis, Commitment
from tests.oversight.analysis.conftest import END, MEETING, START, talk


def new_form(**kw) -> dict:
    data = {
        "submission_key": "form-1",
        "title": "",
        "period_from": START.isoformat(),
        "period_to": END.isoformat(),
        "meeting_on": MEETING.isoformat(),
        "place": "市委礼堂",
        "count": "2",
        "weight_late_days": "1",
        "weight_overdue_reports": "2",
        "weight_urges": "3",
        "weight_orders": "5",
        "weight_unrectified_findings": "4",
        "weight_talks": "3",
    }
    return {**data, **kw}


def test_the_office_ranks_from_the_form_once_however_often_it_is_sent(as_, office, city):
    c = as_(office)
    assert c.get(reverse("oversight:analysis_new")).status_code == 200
    first = c.post(reverse("oversight:analysis_new"), new_form())
    again = c.post(reverse("oversight:analysis_new"), new_form())
    a = Analysis.objects.get()
    assert first.status_code == again.status_code == 302 and first["Location"] == reverse(
        "oversight:analysis", args=[a.pk]
    )
    assert a.place == "市委礼堂" and a.title == f"Public self-analysis meeting of {MEETING.isoformat()}"


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"period_from": "2026-04-02"}, "period_from"),
        ({"title": "标题\x00"}, "title"),
        ({"weight_talks": "101"}, "weight_talks"),
        ({"count": "0"}, "count"),
        ({"meeting_on": "2026-03-15"}, "meeting_on"),
    ],
)
def test_a_bad_form_is_400_with_the_error_on_its_field(as_, office, city, kw, field):
    r = as_(office).post(reverse("oversight:analysis_new"), new_form(**kw))
    assert r.status_code == 400
    assert r.context["form"].errors.get(field), r.context["form"].errors
    assert not Analysis.objects.exists()


def test_the_page_shows_each_facts_count_times_weight_and_is_audited(as_, office, discipline, ranked, city):
    for person in (office, discipline):
        page = as_(person).get(reverse("oversight:analysis", args=[ranked.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        assert "19 × 1 = <strong>19</strong>" in html and "市工信委" in html
    reads = Event.objects.filter(kind="record.read", subject_type="analysis", subject_id=ranked.pk)
    assert sorted(reads.values_list("actor__username", flat=True)) == ["discipline", "office"]
    assert as_(discipline).get(reverse("oversight:analyses")).status_code == 200
    listed = Event.objects.get(kind="record.read", subject_type="analysis", subject_id=0, actor=discipline)
    assert listed.after == {"ids": [ranked.pk], "count": 1}


@pytest.mark.parametrize("who", ["head_a", "liaison_a", "leader", "head_c"])
def test_units_and_leaders_are_refused_the_pages_and_documents(request, as_, ranked, city, who):
    person = request.getfixturevalue(who)
    c = as_(person)
    for url in (
        reverse("oversight:analyses"),
        reverse("oversight:analysis_new"),
        reverse("oversight:analysis", args=[ranked.pk]),
        reverse("oversight:analysis_agenda_document", args=[ranked.pk, "pdf"]),
        reverse("oversight:analysis_dossier", args=[ranked.pk, city.unit_a.pk, "docx"]),
    ):
        assert c.get(url).status_code == 403, url
    assert c.post(reverse("oversight:analysis_confirm", args=[ranked.pk])).status_code == 403
    assert not Event.objects.filter(kind="record.read", actor=person).exists()


def test_discipline_reads_but_does_not_change_the_agenda(as_, discipline, ranked):
    c = as_(discipline)
    assert c.post(reverse("oversight:analysis_confirm", args=[ranked.pk])).status_code == 403
    assert c.get(reverse("oversight:analysis_new")).status_code == 403


def test_the_office_swaps_a_unit_in_only_saying_why_then_confirms_once(as_, office, ranked, city):
    c = as_(office)
    url = reverse("oversight:analysis_agenda", args=[ranked.pk])
    swap = {"slot_1": city.unit_c.pk, "slot_2": city.unit_a.pk}
    refused = c.post(url, swap)
    assert refused.status_code == 400 and refused.context["agenda_form"].errors.get("note")
    assert c.post(url, {**swap, "note": "市委要求榆中县登台"}).status_code == 302
    page = c.get(reverse("oversight:analysis", args=[ranked.pk])).content.decode()
    assert 'data-swapped="in"' in page and 'data-swapped="out"' in page
    confirm = reverse("oversight:analysis_confirm", args=[ranked.pk])
    assert c.post(confirm).status_code == c.post(confirm).status_code == 302
    assert Event.objects.filter(kind="analysis.confirmed").count() == 1
    assert c.post(url, {**swap, "note": "再改"}).status_code == 409


def test_a_unit_twice_on_the_agenda_is_refused(as_, office, ranked, city):
    r = as_(office).post(
        reverse("oversight:analysis_agenda", args=[ranked.pk]), {"slot_1": city.unit_a.pk, "slot_2": city.unit_a.pk}
    )
    assert r.status_code == 400


def commitment_form(unit, **kw) -> dict:
    deadline = (timezone.localdate() + timedelta(days=60)).isoformat()
    return {
        "submission_key": "ck-1",
        "unit": unit.pk,
        "text": "年底前整改到位",
        "deadline": deadline,
        "report_every_days": "30",
        **kw,
    }


def test_a_commitment_from_the_form_becomes_one_duty(as_, office, confirmed, city):
    c = as_(office)
    url = reverse("oversight:analysis_commitment_new", args=[confirmed.pk])
    assert c.post(url, commitment_form(city.unit_a)).status_code == 302
    assert c.post(url, commitment_form(city.unit_a)).status_code == 302
    assert Commitment.objects.count() == 1
    bad = c.post(url, commitment_form(city.unit_a, submission_key="ck-2", text="\x07"))
    assert bad.status_code == 400 and bad.context["commitment_form"].errors.get("text")
    other = c.post(url, commitment_form(city.unit_c, submission_key="ck-3"))
    assert other.status_code == 400  # not on the agenda


@pytest.fixture
def commitment(office, confirmed, city) -> Commitment:
    item = CommitmentInput(
        unit_id=city.unit_a.pk, text="三个月内完成园区项目台账整改", deadline=timezone.localdate() + timedelta(days=60)
    )
    c, _ = do_record_commitment(office, confirmed, item)
    return c


def test_the_unit_reports_on_its_commitment_once_and_the_office_accepts(as_, office, liaison_a, commitment):
    url = reverse("oversight:commitment", args=[commitment.pk])
    c = as_(liaison_a)
    page = c.get(url)
    assert page.status_code == 200 and "三个月内完成园区项目台账整改" in page.content.decode()
    report = {"submission_key": "r-1", "progress": "100", "done": "台账已补齐", "action": "complete"}
    post = reverse("oversight:commitment_report", args=[commitment.pk])
    assert c.post(post, report).status_code == c.post(post, report).status_code == 302
    duty = Duty.objects.get(owner_type__model="commitment", owner_id=commitment.pk)
    assert Report.objects.filter(duty=duty).count() == 1 and duty.status == DutyStatus.COMPLETION_REQUESTED
    bad = c.post(post, {**report, "submission_key": "r-2", "done": "\x00"})
    assert bad.status_code == 400
    decide = reverse("oversight:commitment_decide", args=[commitment.pk])
    assert c.post(decide, {"decision": "accept"}).status_code == 403
    assert as_(office).post(decide, {"decision": "accept"}).status_code == 302
    duty.refresh_from_db()
    assert duty.status == DutyStatus.COMPLETED


def test_another_unit_never_sees_a_commitment(as_, liaison_b, head_c, commitment):
    for person in (liaison_b, head_c):
        c = as_(person)
        assert c.get(reverse("oversight:commitment", args=[commitment.pk])).status_code == 404
        assert c.post(reverse("oversight:commitment_report", args=[commitment.pk]), {"done": "x"}).status_code == 404


def test_the_leader_and_discipline_see_the_commitment_but_do_not_report(as_, leader, discipline, commitment):
    for person in (leader, discipline):
        c = as_(person)
        page = c.get(reverse("oversight:commitment", args=[commitment.pk]))
        assert page.status_code == 200 and page.context["report_form"] is None
        assert c.post(reverse("oversight:commitment_report", args=[commitment.pk]), {"done": "x"}).status_code == 403


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_the_pages_cost_the_same_queries_for_many_ranked_units(as_, office, ranked, city):
    from luoshi.org.models import Unit
    from luoshi.oversight.analysis_services import do_create_analysis

    c = as_(office)
    few = queries_of(c, reverse("oversight:analysis", args=[ranked.pk]))
    few_index = queries_of(c, reverse("oversight:analyses"))
    for i in range(12):
        talk(office, Unit.objects.create(name=f"测试单位{i}", kind="department"), START + timedelta(days=3))
    bigger, _ = do_create_analysis(office, period_from=START, period_to=END, meeting_on=MEETING, count=4)
    assert bigger.ranked.count() == 15
    assert queries_of(c, reverse("oversight:analysis", args=[bigger.pk])) == few
    assert queries_of(c, reverse("oversight:analyses")) == few_index


def test_the_commitment_is_on_the_units_to_do_and_links_to_its_page(as_, liaison_a, commitment):
    home = as_(liaison_a).get(reverse("home")).content.decode()
    assert reverse("oversight:commitment", args=[commitment.pk]) in home
    assert "三个月内完成园区项目台账整改" in home
