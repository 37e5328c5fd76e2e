"""Report once (最多报一次): a finding made a list keeps its rectification duty (the team verifies it), and
the unit's report on the list is filed on the rectification too; the unit types it once."""

from django.urls import reverse

from luoshi.duties import services as duty_services
from luoshi.duties.models import DutyStatus, Report
from luoshi.oversight import findings
from luoshi.oversight.findings import finding_duty


def test_a_report_on_the_list_is_the_report_on_the_rectification(office, liaison_a, finding):
    rlist, _created = findings.do_finding_to_list(office, finding)
    list_duty = rlist.duties.get()
    report, _ = duty_services.do_report(liaison_a, list_duty, progress=40, done="已制定整改方案")
    rectification = finding_duty(finding.pk)
    mirrored = Report.objects.get(duty=rectification)
    assert (mirrored.author, mirrored.progress, mirrored.done) == (liaison_a, 40, "已制定整改方案")
    assert mirrored.submission_key == f"list-report-{report.pk}"
    assert findings.status(finding, rectification) == "rectifying"


def test_asking_for_acceptance_of_the_list_asks_the_team_to_verify(office, liaison_a, member, finding):
    rlist, _created = findings.do_finding_to_list(office, finding)
    duty_services.do_report(liaison_a, rlist.duties.get(), progress=100, done="整改完成", request_completion=True)
    rectification = finding_duty(finding.pk)
    assert rectification.status == DutyStatus.COMPLETION_REQUESTED
    findings.do_verify(member, finding, passed=True, note="复查通过")
    finding.refresh_from_db()
    assert finding.closed_at is not None


def test_a_report_on_another_list_files_nothing_on_the_finding(office, liaison_a, finding, published_list, unit_a):
    findings.do_finding_to_list(office, finding)
    duty_services.do_report(liaison_a, published_list.duties.get(unit=unit_a), progress=10, done="推进")
    assert not Report.objects.filter(duty=finding_duty(finding.pk)).exists()


def test_a_report_filed_on_the_rectification_itself_is_not_copied_to_the_list(office, liaison_a, finding):
    rlist, _created = findings.do_finding_to_list(office, finding)
    findings.do_report_finding(liaison_a, finding, progress=30, done="整改中")
    assert not Report.objects.filter(duty=rlist.duties.get()).exists()


def test_the_lists_page_links_back_to_its_finding(as_, office, finding):
    rlist, _created = findings.do_finding_to_list(office, finding)
    page = as_(office).get(reverse("lists:loop", args=[rlist.pk]))
    assert reverse("oversight:finding", args=[finding.pk]) in page.content.decode()
