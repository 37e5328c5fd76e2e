"""The findings' pages: who sees what (a unit never another unit's: 404), the unit's report with a photo,
the team's verification, the office's list in one step, bad input named, double posts stored once, and
lists in a constant number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse

from luoshi.duties.models import DutyStatus
from luoshi.files.models import Attachment
from luoshi.oversight import findings
from luoshi.oversight.models import Finding, FindingCategory, Verification
from tests.oversight.inspections.conftest import ask_verification, record, today, upload


def url(name: str, *args) -> str:
    return reverse(f"oversight:{name}", args=args)


@pytest.mark.parametrize("who", ["office", "discipline", "leader", "inspector", "member", "liaison_a", "head_a"])
def test_the_finding_page_opens_for_each_who_may_see_it(request, as_, finding, who):
    page = as_(request.getfixturevalue(who)).get(url("finding", finding.pk))
    assert page.status_code == 200
    assert finding.code in page.content.decode()


@pytest.mark.parametrize("who", ["liaison_b", "head_b", "colleague", "outsider"])
def test_a_unit_never_sees_another_units_finding(request, as_, finding, finding_b, who):
    c = as_(request.getfixturevalue(who))
    assert c.get(url("finding", finding.pk)).status_code == 404
    listed = c.get(url("findings")).content.decode()
    assert finding.code not in listed
    for name in ("finding_report", "finding_verify", "finding_to_list", "finding_extension"):
        assert c.post(url(name, finding.pk), {"done": "x", "progress": 10}).status_code == 404


def test_the_unit_sees_its_own_findings_only_in_the_index(as_, liaison_b, finding, finding_b):
    page = as_(liaison_b).get(url("findings")).content.decode()
    assert finding_b.code in page and finding.code not in page


def test_the_unit_sees_only_its_own_findings_on_the_inspection_page(as_, liaison_b, inspection, finding, finding_b):
    page = as_(liaison_b).get(url("inspection", inspection.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert finding_b.code in html and finding.code not in html and 'id="inspected-units"' not in html


def test_an_inspection_a_unit_was_not_part_of_is_a_404(as_, outsider, inspection):
    assert as_(outsider).get(url("inspection", inspection.pk)).status_code == 404


def test_the_liaison_reports_with_a_photo_and_asks_for_verification(as_, liaison_a, finding):
    c = as_(liaison_a)
    r = c.post(
        url("finding_report", finding.pk),
        {"done": "已更新台账并建立周报制度", "progress": "30", "action": "complete", "photos": [upload()]},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    duty = findings.finding_duty(finding.pk)
    assert duty.status == DutyStatus.COMPLETION_REQUESTED and duty.progress == 100
    att = Attachment.objects.get(subject_type="report")
    assert att.subject_id == duty.last_report_id and att.content_type == "image/png"
    page = c.get(url("finding", finding.pk)).content.decode()
    assert url("attachment", att.pk) in page
    shown = c.get(url("attachment", att.pk))
    assert shown.status_code == 200 and shown["Content-Type"] == "image/png"


def test_a_report_posted_twice_is_stored_once(as_, liaison_a, finding):
    c = as_(liaison_a)
    data = {"done": "整改中", "progress": "40", "action": "report", "submission_key": "same-key"}
    assert c.post(url("finding_report", finding.pk), data).status_code == 302
    assert c.post(url("finding_report", finding.pk), data).status_code == 302
    assert findings.finding_duty(finding.pk).reports.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"done": "", "progress": "10"}, "done"),
        ({"done": "整改\x07", "progress": "10"}, "done"),
        ({"done": "整改", "progress": "101"}, "progress"),
    ],
)
def test_a_bad_report_is_refused_naming_the_field(as_, liaison_a, finding, data, field):
    r = as_(liaison_a).post(url("finding_report", finding.pk), {**data, "action": "report"})
    assert r.status_code == 400
    assert f'id="id_{field}"' in r.content.decode() and "is-invalid" in r.content.decode()
    assert not findings.finding_duty(finding.pk).reports.exists()


def test_a_file_that_is_not_an_image_or_pdf_is_refused(as_, liaison_a, finding):
    bad = upload("photo.png", b"MZ\x90\x00 not an image", "image/png")
    r = as_(liaison_a).post(
        url("finding_report", finding.pk), {"done": "整改", "progress": "10", "action": "report", "photos": [bad]}
    )
    assert r.status_code == 400 and not Attachment.objects.exists()
    assert not findings.finding_duty(finding.pk).reports.exists()


def test_the_team_cannot_report_and_the_unit_cannot_verify(as_, member, liaison_a, finding):
    assert as_(member).post(url("finding_report", finding.pk), {"done": "x", "progress": "10"}).status_code == 403
    ask_verification(liaison_a, finding)
    assert as_(liaison_a).post(url("finding_verify", finding.pk), {"verdict": "passed"}).status_code == 403


def test_the_team_verifies_not_passed_with_a_note_then_passed(as_, member, liaison_a, finding):
    ask_verification(liaison_a, finding)
    c = as_(member)
    page = c.get(url("finding", finding.pk)).content.decode()
    assert 'id="verify-form"' in page
    r = c.post(url("finding_verify", finding.pk), {"verdict": "failed", "note": ""})
    assert r.status_code == 400 and "is-invalid" in r.content.decode()
    assert c.post(url("finding_verify", finding.pk), {"verdict": "failed", "note": "照片不清晰"}).status_code == 302
    assert findings.finding_duty(finding.pk).status == DutyStatus.OPEN
    ask_verification(liaison_a, finding)
    assert c.post(url("finding_verify", finding.pk), {"verdict": "passed"}).status_code == 302
    assert Finding.objects.get(pk=finding.pk).closed_at is not None
    assert Verification.objects.count() == 2


def test_a_verification_posted_twice_is_stored_once(as_, member, liaison_a, finding):
    ask_verification(liaison_a, finding)
    c = as_(member)
    data = {"verdict": "passed", "submission_key": "verify-1"}
    assert c.post(url("finding_verify", finding.pk), data).status_code == 302
    assert c.post(url("finding_verify", finding.pk), data).status_code == 302
    assert Verification.objects.count() == 1


def test_the_office_makes_a_list_in_one_step_and_only_the_office(as_, office, member, finding):
    assert as_(member).post(url("finding_to_list", finding.pk)).status_code == 403
    c = as_(office)
    assert c.post(url("finding_to_list", finding.pk)).status_code == 302
    assert c.post(url("finding_to_list", finding.pk)).status_code == 302
    finding.refresh_from_db()
    assert finding.list is not None and finding.list.finding == finding
    page = c.get(url("finding", finding.pk)).content.decode()
    assert reverse("lists:loop", args=[finding.list.pk]) in page and 'id="to-list"' not in page


def test_the_team_records_a_finding_with_evidence(as_, inspector, inspection, unit_a, category):
    c = as_(inspector)
    assert c.get(url("finding_new", inspection.pk)).status_code == 200
    data = {
        "unit": unit_a.pk,
        "category": category.pk,
        "severity": "serious",
        "description": "项目推进缓慢，未按节点完成征地",
        "requirement": "十日内报送整改方案",
        "deadline": (today() + timedelta(days=10)).isoformat(),
        "evidence": [upload("现场.png")],
        "submission_key": "new-1",
    }
    r = c.post(url("finding_new", inspection.pk), data)
    assert r.status_code == 302
    f = Finding.objects.get()
    assert r["Location"] == url("finding", f.pk)
    assert Attachment.objects.get(subject_type="finding").subject_id == f.pk
    data["evidence"] = [upload("现场.png")]
    assert c.post(url("finding_new", inspection.pk), data).status_code == 302
    assert Finding.objects.count() == 1


def test_recording_a_finding_names_the_bad_field(as_, inspector, inspection, unit_c, category):
    data = {
        "unit": unit_c.pk,  # not inspected
        "category": category.pk,
        "severity": "minor",
        "description": "问题",
        "requirement": "整改",
        "deadline": today().isoformat(),
    }
    r = as_(inspector).post(url("finding_new", inspection.pk), data)
    assert r.status_code == 400 and 'id="id_unit"' in r.content.decode()


def test_a_unit_cannot_record_findings(as_, liaison_a, inspection):
    assert as_(liaison_a).get(url("finding_new", inspection.pk)).status_code == 403


def test_evidence_is_served_only_to_who_sees_the_finding(as_, inspector, liaison_a, liaison_b, finding):
    from luoshi.files import services as files

    checked = files.check_uploads([upload()], "evidence")
    _report, _ = findings.do_report_finding(liaison_a, finding, progress=10, done="x", uploads=checked)
    att = Attachment.objects.get(subject_type="report")
    assert as_(inspector).get(url("attachment", att.pk)).status_code == 200
    assert as_(liaison_b).get(url("attachment", att.pk)).status_code == 404


def test_an_upload_waiting_for_its_report_is_its_uploaders_only(as_, liaison_a, head_a, finding):
    from luoshi.files import services as files

    stored, _ = findings.do_upload_evidence(liaison_a, finding, files.check_uploads([upload()], "file"))
    assert as_(head_a).get(url("attachment", stored[0].pk)).status_code == 404
    assert as_(liaison_a).get(url("attachment", stored[0].pk)).status_code == 200


def test_the_unit_asks_for_an_extension_and_the_office_decides(as_, office, liaison_a, finding):
    later = (finding.deadline + timedelta(days=15)).isoformat()
    assert (
        as_(liaison_a)
        .post(url("finding_extension", finding.pk), {"new_deadline": later, "reason": "资金未到位"})
        .status_code
        == 302
    )
    ext = findings.finding_duty(finding.pk).extensions.get()
    c = as_(office)
    assert 'id="extension-decide"' in c.get(url("finding", finding.pk)).content.decode()
    assert c.post(url("finding_extension_decide", finding.pk, ext.pk), {"approve": "1"}).status_code == 302
    assert Finding.objects.get(pk=finding.pk).deadline.isoformat() == later


def test_the_findings_index_filters_by_status(as_, office, liaison_a, finding, finding_b):
    ask_verification(liaison_a, finding)
    page = as_(office).get(url("findings"), {"status": "verifying"}).content.decode()
    assert finding.code in page and finding_b.code not in page


def test_a_bad_filter_is_a_400(as_, office):
    assert as_(office).get(url("findings"), {"status": "nonsense"}).status_code == 400
    assert as_(office).get(url("findings"), {"inspection": 2**40}).status_code == 400


def test_the_findings_index_costs_the_same_queries_for_one_or_many(
    as_, office, inspector, inspection, unit_a, category, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = as_(office)
    record(inspector, inspection, unit_a, category)
    with CaptureQueriesContext(connection) as one:
        assert c.get(url("findings")).status_code == 200
    for _ in range(6):
        record(inspector, inspection, unit_a, category)
    with CaptureQueriesContext(connection) as many:
        assert c.get(url("findings")).status_code == 200
    assert len(many) == len(one)


def test_the_inspection_pages_cost_the_same_queries_for_one_or_many(
    as_, office, inspector, inspection, unit_a, category
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = as_(office)
    record(inspector, inspection, unit_a, category)
    counts = []
    for n in (1, 6):
        while inspection.findings.count() < n:
            record(inspector, inspection, unit_a, category)
        for page in (url("inspections"), url("inspection", inspection.pk)):
            with CaptureQueriesContext(connection) as q:
                assert c.get(page).status_code == 200
            counts.append(len(q))
    assert counts[:2] == counts[2:]


def test_the_office_edits_the_categories(as_, office, inspector):
    c = as_(office)
    assert c.get(url("categories")).status_code == 200
    assert c.post(url("categories"), {"name": "安全生产", "submission_key": "cat-1"}).status_code == 302
    assert c.post(url("categories"), {"name": "安全生产", "submission_key": "cat-1"}).status_code == 302
    assert FindingCategory.objects.filter(name="安全生产").count() == 1
    assert c.post(url("categories"), {"name": "安全生产"}).status_code == 409
    cat = FindingCategory.objects.get(name="安全生产")
    assert c.post(url("category_edit", cat.pk), {"name": "安全生产监管", "position": 9}).status_code == 302
    cat.refresh_from_db()
    assert cat.name == "安全生产监管" and not cat.active
    assert c.post(url("categories"), {"name": "\x00"}).status_code == 400
    assert as_(inspector).get(url("categories")).status_code == 403
