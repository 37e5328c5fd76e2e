"""A finding becomes a responsibility list (source "inspection") in one step: the office's escalation of a
problem into the list system, with the finding's unit as the lead unit and its deadline. The finding
links to the list (Finding.list) and the list back (ResponsibilityList.finding). The finding's own
rectification duty stays: the team still verifies it; the list is followed up as any list."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luoshi.duties import owners
from luoshi.duties.models import Duty, DutyStatus
from luoshi.duties.services import do_report, require_office, resolve_now
from luoshi.errors import Conflict
from luoshi.events.services import record
from luoshi.lists import services as list_services
from luoshi.lists.models import ResponsibilityList, Source
from luoshi.org.models import Person
from luoshi.org.queries import responsible_leader
from luoshi.oversight.findings import finding_duty, live_duty, title_of
from luoshi.oversight.models import Finding

LIST_EVERY_DAYS = 30


def finding_to_list(actor: Person, finding: Finding, now: datetime | None = None) -> tuple[ResponsibilityList, bool]:
    """One step: a published responsibility list (source "inspection") with the finding's unit as its lead
    unit, the finding's deadline and the leader whose portfolio holds the unit; the finding links to it and
    the list back (ResponsibilityList.finding). A second call returns the same list (created False)."""
    require_office(actor)
    now = resolve_now(now)
    today = timezone.localdate(now)
    with transaction.atomic():
        owners.get("finding").lock(finding.pk)
        f = Finding.objects.select_related("inspection", "unit", "list").get(pk=finding.pk)
        if f.list is not None:
            return f.list, False
        if f.closed_at is not None:
            raise Conflict(_("This finding is closed: its rectification was verified."))
        deadline = live_duty(f).deadline
        if deadline < today:
            raise Conflict(_("The finding's deadline has passed: extend it before making it a list."), "deadline")
        with translation.override(settings.LANGUAGE_CODE):  # the list's words in the city's language
            content = _(
                "Inspection finding {code} ({inspection}).\nProblem: {problem}\nRequirement: {requirement}"
            ).format(code=f.code, inspection=f.inspection.title, problem=f.description, requirement=f.requirement)
        rlist = list_services.do_create_list(
            actor,
            source=Source.INSPECTION,
            title=title_of(f.description),
            content=content,
            leader=responsible_leader(f.unit),
            lead_unit=f.unit,
            co_units=[],
            deadline=deadline,
            report_every_days=LIST_EVERY_DAYS,
            now=now,
        )
        rlist = list_services.do_publish(actor, rlist, now=now)
        f.list = rlist
        f.save(update_fields=["list"])
        record(
            actor,
            "finding.listed",
            "finding",
            f.pk,
            unit_id=f.unit_id,
            after={"list": rlist.pk, "code": rlist.code},
            at=now,
        )
    finding.list = rlist
    return rlist, True


def mirror_list_report(sender: Any, duty: Duty, reason: str, now: datetime, **kwargs: Any) -> None:
    """Report once (最多报一次): the unit's report on the list made from a finding is its report on the
    finding's rectification too, filed by the same person in the same transaction (a request for acceptance
    asks the team to verify). Connected to duties.services.duty_changed."""
    if reason != "report" or duty.owner_kind != "list" or duty.last_report is None:
        return
    found = Finding.objects.filter(list_id=duty.owner_id, unit_id=duty.unit_id, closed_at=None).first()
    if found is None:
        return
    rectification = finding_duty(found.pk)
    if rectification is None or rectification.status != DutyStatus.OPEN:
        return
    report = duty.last_report
    do_report(
        report.author,
        rectification,
        progress=report.progress,
        done=report.done,
        difficulties=report.difficulties,
        next_steps=report.next_steps,
        request_completion=report.request_completion,
        submission_key=f"list-report-{report.pk}",
        now=now,
    )
