"""A finding's life through the services: recorded with its duty, reported with evidence, verified (failed
reopens, passed closes), made a list in one step; status derived at each step."""

from datetime import timedelta

import pytest

from luoshi.duties import completion
from luoshi.duties.models import DutyStatus
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.files import services as files
from luoshi.files.models import Attachment
from luoshi.lists.models import ListStatus, Source
from luoshi.oversight import findings
from luoshi.oversight.models import Finding, FindingStatus, Verification
from luoshi.oversight.queries_findings import duty_of, one_finding
from tests.oversight.inspections.conftest import ask_verification, png, record, today, upload


def state(person, finding) -> str:
    f = one_finding(person, finding.pk)
    return findings.status(f, duty_of(f))


def test_a_finding_is_coded_after_its_inspection_and_its_duty_opens_at_once(inspection, finding, finding_b, unit_a):
    assert finding.code == f"{inspection.code}-001" and finding_b.code == f"{inspection.code}-002"
    assert inspection.code == f"{inspection.period_from.year}-DC-001"
    duty = findings.finding_duty(finding.pk)
    assert duty.unit == unit_a and duty.status == DutyStatus.OPEN and duty.deadline == finding.deadline
    assert duty.leader_id == inspection.leader_id and duty.code == finding.code
    assert duty.next_report_due is None  # deadline only
    assert Event.objects.filter(kind="finding.created", subject_id=finding.pk, unit_id=unit_a.pk).exists()


def test_the_unit_hears_of_its_finding(
    liaison_a, inspector, inspection, unit_a, category, django_capture_on_commit_callbacks
):
    from luoshi.notify.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        record(inspector, inspection, unit_a, category)
    assert Notification.objects.filter(recipient=liaison_a).exists()


def test_status_goes_open_rectifying_verifying_rectifying_closed(office, inspector, member, liaison_a, finding):
    assert state(office, finding) == FindingStatus.OPEN
    findings.do_report_finding(liaison_a, finding, progress=40, done="已制定整改方案")
    assert state(office, finding) == FindingStatus.RECTIFYING
    ask_verification(liaison_a, finding)
    assert state(office, finding) == FindingStatus.VERIFYING
    v, _ = findings.do_verify(member, finding, passed=False, note="台账仍缺少三月份数据")
    assert not v.passed and state(office, finding) == FindingStatus.RECTIFYING
    duty = findings.finding_duty(finding.pk)
    assert duty.status == DutyStatus.OPEN
    assert Finding.objects.get(pk=finding.pk).closed_at is None
    ask_verification(liaison_a, finding)
    v, _ = findings.do_verify(inspector, finding, passed=True)
    assert v.passed and state(office, finding) == FindingStatus.CLOSED
    finding.refresh_from_db()
    assert finding.closed_at == findings.finding_duty(finding.pk).completed_at
    assert list(Verification.objects.filter(finding=finding).values_list("passed", flat=True)) == [False, True]
    assert Event.objects.filter(kind="finding.verified", subject_id=finding.pk).count() == 2


def test_a_failed_verification_needs_a_note(member, liaison_a, finding):
    ask_verification(liaison_a, finding)
    with pytest.raises(InvalidInput) as err:
        findings.do_verify(member, finding, passed=False, note="  ")
    assert err.value.field == "note"


def test_only_the_team_or_the_office_verifies(liaison_a, head_a, colleague, leader, finding, office):
    ask_verification(liaison_a, finding)
    for person in (liaison_a, head_a, colleague, leader):
        with pytest.raises(NotAllowed):
            findings.do_verify(person, finding, passed=True)
    findings.do_verify(office, finding, passed=True)


def test_verifying_before_the_unit_asks_is_a_conflict(member, finding):
    with pytest.raises(Conflict):
        findings.do_verify(member, finding, passed=True)


def test_a_verification_with_the_same_key_is_stored_once(member, liaison_a, finding):
    ask_verification(liaison_a, finding)
    first, created = findings.do_verify(member, finding, passed=True, submission_key="v-1")
    again, created_again = findings.do_verify(member, finding, passed=True, submission_key="v-1")
    assert created and not created_again and first == again and Verification.objects.count() == 1


def test_only_the_units_own_people_report(liaison_b, member, inspector, finding):
    for person in (liaison_b, member, inspector):
        with pytest.raises(NotAllowed):
            findings.do_report_finding(person, finding, progress=10, done="x")


def test_a_report_keeps_its_evidence_with_the_report(liaison_a, finding):
    checked = files.check_uploads([upload("现场.png")], "evidence")
    report, _ = findings.do_report_finding(liaison_a, finding, progress=50, done="已整改一半", uploads=checked)
    stored = files.listed("report", [report.pk])[report.pk]
    assert [a.name for a in stored] == ["现场.png"] and stored[0].uploaded_by == liaison_a
    event = Event.objects.get(kind="report.filed", subject_type="finding", subject_id=finding.pk)
    assert event.after["attachments"] == [stored[0].pk]


def test_two_step_evidence_is_attached_once_by_its_uploader(liaison_a, head_a, finding):
    checked = files.check_uploads([upload()], "file")
    stored, _ = findings.do_upload_evidence(liaison_a, finding, checked)
    ids = [a.pk for a in stored]
    with pytest.raises(InvalidInput) as err:
        findings.do_report_finding(head_a, finding, progress=10, done="他人上传", attachments=ids)
    assert err.value.field == "attachments"
    assert not finding_reports(finding)  # the refused report left nothing
    report, _ = findings.do_report_finding(liaison_a, finding, progress=10, done="整改照片", attachments=ids)
    assert Attachment.objects.get(pk=ids[0]).subject_id == report.pk
    with pytest.raises(InvalidInput):
        findings.do_report_finding(liaison_a, finding, progress=20, done="再次附上", attachments=ids)


def finding_reports(finding):
    return list(findings.finding_duty(finding.pk).reports.all())


def test_another_units_people_cannot_upload_evidence(liaison_b, member, finding):
    checked = files.check_uploads([upload()], "file")
    for person in (liaison_b, member):
        with pytest.raises(NotAllowed):
            findings.do_upload_evidence(person, finding, checked)


def test_a_finding_is_recorded_by_the_team_or_the_office_only(
    office, colleague, liaison_a, leader, inspection, unit_a, category
):
    record(office, inspection, unit_a, category)
    for person in (colleague, liaison_a, leader):
        with pytest.raises(NotAllowed):
            record(person, inspection, unit_a, category)


def test_a_finding_is_at_an_inspected_unit(inspector, inspection, unit_c, category):
    with pytest.raises(InvalidInput) as err:
        record(inspector, inspection, unit_c, category)
    assert err.value.field == "unit"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"deadline": today() - timedelta(days=1)}, "deadline"),
        ({"found_on": today() + timedelta(days=1)}, "found_on"),
        ({"found_on": today() - timedelta(days=30)}, "found_on"),
        ({"severity": "grave"}, "severity"),
        ({"description": "问题\x00"}, "description"),
        ({"requirement": "\u200b"}, "requirement"),
        ({"report_every_days": 0}, "report_every_days"),
    ],
)
def test_bad_findings_are_refused_naming_the_field(inspector, inspection, unit_a, category, extra, field):
    with pytest.raises(InvalidInput) as err:
        record(inspector, inspection, unit_a, category, **extra)
    assert err.value.field == field
    assert not Finding.objects.exists()


def test_a_category_out_of_use_takes_no_new_findings(office, inspector, inspection, unit_a, category):
    findings.do_update_category(office, category, active=False)
    category.refresh_from_db()
    with pytest.raises(InvalidInput) as err:
        record(inspector, inspection, unit_a, category)
    assert err.value.field == "category"


def test_the_same_key_records_one_finding(inspector, inspection, unit_a, category):
    data = findings.FindingInput(
        unit=unit_a, category=category, severity="minor", description="问题", requirement="整改", deadline=today()
    )
    first, created = findings.do_create_finding(inspector, inspection, data, submission_key="k-1")
    again, created_again = findings.do_create_finding(inspector, inspection, data, submission_key="k-1")
    assert created and not created_again and first == again and Finding.objects.count() == 1


def test_an_approved_extension_moves_the_findings_deadline(office, liaison_a, finding):
    duty = findings.finding_duty(finding.pk)
    later = finding.deadline + timedelta(days=20)
    ext = completion.do_request_extension(liaison_a, duty, later, "需协调资金")
    completion.do_decide_extension(office, ext, True)
    finding.refresh_from_db()
    assert finding.deadline == later


def test_a_finding_becomes_one_published_list_linked_both_ways(office, leader, unit_a, finding):
    rlist, created = findings.do_finding_to_list(office, finding)
    assert created and rlist.status == ListStatus.IN_PROGRESS and rlist.source == Source.INSPECTION
    assert rlist.deadline == finding.deadline and rlist.leader == leader  # leader supervises unit_a
    assert [d.unit for d in rlist.duties.all()] == [unit_a]
    assert rlist.finding == finding and Finding.objects.get(pk=finding.pk).list == rlist
    assert finding.code in rlist.content
    again, created_again = findings.do_finding_to_list(office, finding)
    assert again == rlist and not created_again


def test_only_the_office_makes_a_list(inspector, member, finding):
    for person in (inspector, member):
        with pytest.raises(NotAllowed):
            findings.do_finding_to_list(person, finding)


def test_a_closed_finding_is_not_made_a_list(office, member, liaison_a, finding):
    ask_verification(liaison_a, finding)
    findings.do_verify(member, finding, passed=True)
    with pytest.raises(Conflict):
        findings.do_finding_to_list(office, finding)


def test_is_team_member_names_the_leader_and_the_members_only(inspector, member, colleague, office, finding):
    assert findings.is_team_member(inspector, finding.pk) and findings.is_team_member(member, finding.pk)
    assert not findings.is_team_member(colleague, finding.pk) and not findings.is_team_member(office, finding.pk)


def test_the_png_helper_makes_a_real_image():
    assert png().startswith(b"\x89PNG")
