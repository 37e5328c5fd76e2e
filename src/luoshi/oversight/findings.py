"""Findings (问题) and their rectification (整改): the team records a problem at a unit, the unit's
rectification is a duty of the engine (owner kind "finding", opened at once, deadline-only unless a
cadence is given), the unit reports with evidence and asks for completion, the team verifies (passed:
the duty accepted and the finding closed; failed, with a note: the duty returned and the unit goes on).
A finding becomes a published responsibility list (source "inspection") in one step (oversight.finding_lists).

The finding's status is derived (`status`), never stored; `closed_at` and the deadline are kept in step
with the duty by `sync_closed`, which the engine calls after every change of the duty (oversight.owner):
an approved extension moves the finding's deadline too, so that lateness is judged by the one in force.

The duty's responsible leader is the team's leader: the engine sends him the unit's completion request
and, when the rectification is late, the supervision order, and he decides as the team does.
Category management (the office's list) is in oversight.finding_categories, re-exported here."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.duties import completion, handoffs, owners
from luoshi.duties.models import Duty, DutyStatus, HandlingRole, Report
from luoshi.duties.services import check_horizon, do_open_duties, do_report, resolve_now
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.services import next_number, record
from luoshi.files import services as files
from luoshi.files.models import Attachment
from luoshi.org import access
from luoshi.org.models import Person, Unit
from luoshi.oversight.finding_categories import do_add_category, do_update_category
from luoshi.oversight.inspections import made_with
from luoshi.oversight.models import (
    Finding,
    FindingCategory,
    FindingStatus,
    Inspection,
    Severity,
    Verification,
)
from luoshi.text import check_text

if TYPE_CHECKING:
    from luoshi.lists.models import ResponsibilityList

__all__ = [
    "FindingInput",
    "do_add_category",
    "do_create_finding",
    "do_finding_to_list",
    "do_report_finding",
    "do_update_category",
    "do_upload_evidence",
    "do_verify",
    "is_team_member",
    "status",
    "sync_closed",
]

Checked = Sequence[tuple[str, str, bytes]]  # files.check_uploads: (name, content type, bytes)
# An upload for a report not yet filed (the API's two steps): ("report", 0) until its uploader attaches it.
PENDING = ("report", 0)
MAX_PENDING = 3 * files.MAX_FILES  # one person's uploads waiting to be attached
TEXT_MAX = 5000


def status(finding: Finding, duty: Duty | None) -> str:
    """open (nothing reported yet), rectifying (reported, or sent back), verifying (the unit asked for
    verification), closed (verified)."""
    if finding.closed_at is not None or (duty is not None and duty.status == DutyStatus.COMPLETED):
        return FindingStatus.CLOSED
    if duty is None:
        return FindingStatus.OPEN
    if duty.status == DutyStatus.COMPLETION_REQUESTED:
        return FindingStatus.VERIFYING
    if duty.last_report_id is not None:
        return FindingStatus.RECTIFYING
    return FindingStatus.OPEN


def finding_type_id() -> int:
    return owners.content_type_id("finding")


def _live(finding_id: int) -> "QuerySet[Duty]":
    return Duty.objects.filter(owner_type_id=finding_type_id(), owner_id=finding_id).exclude(
        status=DutyStatus.WITHDRAWN
    )


def finding_duty(finding_id: int) -> Duty | None:
    """The unit's rectification duty (there is one that is not withdrawn)."""
    found = list(_live(finding_id).select_related("unit").order_by()[:1])
    return found[0] if found else None


def sync_closed(finding_id: int, now: datetime) -> None:
    """After the duty changed: the finding is closed exactly while its duty is accepted (verified), and
    its deadline is the duty's (extensions included). Called by the engine inside the duty's write."""
    row = list(_live(finding_id).order_by().values_list("status", "completed_at", "deadline")[:1])
    if not row:
        return
    duty_status, completed_at, deadline = row[0]
    closed = completed_at if duty_status == DutyStatus.COMPLETED else None
    Finding.objects.filter(pk=finding_id).exclude(closed_at=closed, deadline=deadline).update(
        closed_at=closed, deadline=deadline
    )


def is_team_member(person: Person, finding_id: int) -> bool:
    """The leader or a member of the team of the finding's inspection."""
    if not getattr(person, "pk", None):
        return False
    return Inspection.objects.filter(findings__pk=finding_id).filter(Q(leader=person) | Q(members=person)).exists()


def on_team(person: Person, inspection: Inspection) -> bool:
    return inspection.leader_id == person.pk or inspection.members.filter(pk=person.pk).exists()


def may_record(person: Person, inspection: Inspection) -> bool:
    """Records findings: the office and the team."""
    return person.is_office or on_team(person, inspection)


# ---------------------------------------------------------------- recording a finding


@dataclass(frozen=True)
class FindingInput:
    unit: Unit
    category: FindingCategory
    severity: str
    description: str
    requirement: str
    deadline: date
    found_on: date | None = None
    report_every_days: int | None = None  # None: the unit reports by the deadline, on no cadence


def _text(value: str, field: str) -> str:
    value = check_text(value, field, required=True)
    if len(value) > TEXT_MAX:
        raise InvalidInput(_("At most {n} characters.").format(n=TEXT_MAX), field)
    return value


def _check(inspection: Inspection, data: FindingInput, today: date) -> tuple[str, str, date]:
    if not inspection.inspected.filter(unit=data.unit).exists():
        raise InvalidInput(_("{unit} is not among the units this inspection inspects.").format(unit=data.unit), "unit")
    if not data.category.active:
        raise InvalidInput(_("This category is no longer in use."), "category")
    if data.severity not in Severity.values:
        raise InvalidInput(_("Unknown severity."), "severity")
    description = _text(data.description, "description")
    requirement = _text(data.requirement, "requirement")
    found_on = data.found_on or today
    if found_on > today:
        raise InvalidInput(_("A problem is recorded once found: the date is in the future."), "found_on")
    if found_on < inspection.period_from:
        raise InvalidInput(_("The date is before the inspection began."), "found_on")
    if data.deadline < today:
        raise InvalidInput(_("The deadline has already passed."), "deadline")
    check_horizon(data.deadline, "deadline", today)
    if data.report_every_days is not None and not 1 <= data.report_every_days <= 366:
        raise InvalidInput(_("Report every 1 to 366 days."), "report_every_days")
    return description, requirement, found_on


def title_of(description: str) -> str:
    return description.splitlines()[0][:200]


def do_create_finding(
    actor: Person,
    inspection: Inspection,
    data: FindingInput,
    *,
    evidence: Checked = (),
    submission_key: str | None = None,
    now: datetime | None = None,
) -> tuple[Finding, bool]:
    """Record a problem found at one of the inspected units; its rectification duty opens at once and the
    unit hears of it. `evidence` (checked by files.check_uploads) is kept with the finding. Returns
    (finding, created); a repeated `submission_key` returns the first."""
    if not may_record(actor, inspection):
        raise NotAllowed(_("Only the inspection team or the supervision office records findings."))
    now = resolve_now(now)
    description, requirement, found_on = _check(inspection, data, timezone.localdate(now))
    if len(evidence) > files.MAX_FILES:
        raise InvalidInput(_("At most {n} files at once.").format(n=files.MAX_FILES), "evidence")
    if submission_key and (earlier := Finding.objects.filter(submission_key=submission_key).first()):
        if earlier.created_by_id != actor.pk:
            raise Conflict(_("This submission key (Idempotency-Key) was already used."), "submission_key")
        return earlier, False
    try:
        with transaction.atomic():
            number = next_number(f"finding-code-{inspection.pk}")
            finding = Finding.objects.create(
                inspection=inspection,
                code=f"{inspection.code}-{number:03d}",
                unit=data.unit,
                category=data.category,
                severity=data.severity,
                description=description,
                requirement=requirement,
                deadline=data.deadline,
                found_on=found_on,
                created_by=actor,
                created_at=now,
                submission_key=submission_key or None,
            )
            duty = Duty(
                owner_type_id=finding_type_id(),
                owner_id=finding.pk,
                unit=data.unit,
                role=HandlingRole.LEAD,
                leader_id=inspection.leader_id,
                title=title_of(description),
                code=finding.code,
                deadline=data.deadline,
                report_every_days=data.report_every_days,
            )
            duty.save()
            do_open_duties([duty], now)
            stored = files.store(list(evidence), "finding", finding.pk, actor, now) if evidence else []
            after = {
                "code": finding.code,
                "inspection": inspection.pk,
                "category": data.category.name,
                "severity": data.severity,
                "deadline": data.deadline.isoformat(),
                "found_on": found_on.isoformat(),
                "duty": duty.pk,
                **({"evidence": [a.pk for a in stored]} if stored else {}),
                **({"submission_key": submission_key} if submission_key else {}),
            }
            record(actor, "finding.created", "finding", finding.pk, unit_id=data.unit.pk, after=after, at=now)
            handoffs.assigned([duty], now)
    except IntegrityError:
        if not submission_key:
            raise
        return Finding.objects.get(submission_key=submission_key), False
    return finding, True


# ---------------------------------------------------------------- the unit's rectification


def live_duty(finding: Finding) -> Duty:
    duty = finding_duty(finding.pk)
    if duty is None:  # pragma: no cover - every finding is made with its duty
        raise Conflict(_("This finding owes no rectification."))
    return duty


def do_upload_evidence(
    actor: Person,
    finding: Finding,
    checked: Checked,
    *,
    submission_key: str | None = None,
    now: datetime | None = None,
) -> tuple[list[Attachment], bool]:
    """The first of the API's two steps: the unit's liaison or head uploads photos or PDFs, then names
    them in the report (`attachments`). Uploads left unattached for a day are dropped at the next upload."""
    if not access.can_report_for(actor, finding.unit_id):
        raise NotAllowed(_("Only the unit's own liaison or head may add evidence to its rectification."))
    if not checked:
        raise InvalidInput(_("Choose a file."), "file")
    now = resolve_now(now)
    with transaction.atomic():
        if submission_key and (event := made_with(actor, "finding.evidence_uploaded", submission_key)):
            ids = event.after.get("attachments", [])
            return list(Attachment.objects.filter(pk__in=ids).defer("data")), False
        if finding.closed_at is not None:
            raise Conflict(_("This finding is closed: its rectification was verified."))
        mine = Attachment.objects.filter(subject_type=PENDING[0], subject_id=PENDING[1], uploaded_by=actor)
        mine.filter(uploaded_at__lt=now - timedelta(days=1)).delete()
        if mine.count() + len(checked) > MAX_PENDING:
            raise Conflict(_("Too many files wait to be attached: file a report with them first."), "file")
        stored = files.store(list(checked), PENDING[0], PENDING[1], actor, now)
        after = {
            "attachments": [a.pk for a in stored],
            **({"submission_key": submission_key} if submission_key else {}),
        }
        record(actor, "finding.evidence_uploaded", "finding", finding.pk, unit_id=finding.unit_id, after=after, at=now)
    return stored, True


def do_report_finding(
    actor: Person,
    finding: Finding,
    *,
    progress: int,
    done: str,
    difficulties: str = "",
    next_steps: str = "",
    request_completion: bool = False,
    uploads: Checked = (),
    attachments: Sequence[int] = (),
    submission_key: str | None = None,
    now: datetime | None = None,
) -> tuple[Report, bool]:
    """The unit's report on its rectification, with evidence: files uploaded with it (`uploads`, checked
    by files.check_uploads) or uploaded before by the same person (`attachments`, ids). Asking for
    completion asks the team to verify. The evidence is kept with the report, in its transaction."""
    ids = list(dict.fromkeys(attachments))
    if len(uploads) + len(ids) > files.MAX_FILES:
        raise InvalidInput(_("At most {n} files at once.").format(n=files.MAX_FILES), "attachments")
    now = resolve_now(now)
    duty = live_duty(finding)

    def attach(report: Report) -> dict:
        stored = files.store(list(uploads), "report", report.pk, actor, now) if uploads else []
        if ids:
            pending = Attachment.objects.filter(
                pk__in=ids, subject_type=PENDING[0], subject_id=PENDING[1], uploaded_by=actor
            )
            if pending.update(subject_id=report.pk) != len(ids):
                raise InvalidInput(_("Attach only files you uploaded and have not attached yet."), "attachments")
        kept = [a.pk for a in stored] + ids
        return {"attachments": kept} if kept else {}

    return do_report(
        actor,
        duty,
        progress=progress,
        done=done,
        difficulties=difficulties,
        next_steps=next_steps,
        request_completion=request_completion,
        submission_key=submission_key,
        now=now,
        attach=attach,
    )


# ---------------------------------------------------------------- the team's verification


def do_verify(
    actor: Person,
    finding: Finding,
    *,
    passed: bool,
    note: str = "",
    submission_key: str | None = None,
    now: datetime | None = None,
) -> tuple[Verification, bool]:
    """The team's verdict on the unit's completion request: passed accepts the duty (the finding is
    closed), failed returns it with the note (the unit goes on rectifying). Returns (verification,
    created); a repeated `submission_key` returns the first."""
    note = check_text(note, "note")
    if len(note) > TEXT_MAX:
        raise InvalidInput(_("At most {n} characters.").format(n=TEXT_MAX), "note")
    if not passed and not note:
        raise InvalidInput(_("Say what is not yet rectified."), "note")
    now = resolve_now(now)
    with transaction.atomic():
        if submission_key and (event := made_with(actor, "finding.verified", submission_key)):
            return Verification.objects.get(pk=event.after["verification"]), False
        duty = live_duty(finding)
        if duty.status != DutyStatus.COMPLETION_REQUESTED:
            if not completion.may_decide(actor, duty):
                raise NotAllowed(_("Only the inspection team or the supervision office verifies a rectification."))
            raise Conflict(_("{unit} has not asked for its rectification to be verified.").format(unit=duty.unit.name))
        try:  # the engine checks who decides (the office, the duty's leader: the team's, and the team)
            if passed:
                completion.do_accept(actor, duty, now=now)
            else:
                completion.do_return(actor, duty, note, now=now)
        except NotAllowed:
            raise NotAllowed(
                _("Only the inspection team or the supervision office verifies a rectification.")
            ) from None
        verification = Verification.objects.create(
            finding=finding, passed=passed, note=note, verified_by=actor, verified_at=now
        )
        after = {
            "passed": passed,
            "verification": verification.pk,
            "duty": duty.pk,
            **({"submission_key": submission_key} if submission_key else {}),
        }
        record(
            actor, "finding.verified", "finding", finding.pk, unit_id=finding.unit_id, after=after, note=note, at=now
        )
    return verification, True


def do_finding_to_list(
    actor: Person, finding: Finding, now: datetime | None = None
) -> tuple["ResponsibilityList", bool]:
    """The finding made a published responsibility list in one step (see oversight.finding_lists)."""
    from luoshi.oversight.finding_lists import finding_to_list

    return finding_to_list(actor, finding, now)
