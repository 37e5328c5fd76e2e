"""The problems' clocks (the sign-for, then the deadline; a sign-for not made in time is itself late) and
the index as an Excel sheet. The sheet carries the reporter's name and contact only for the problems whose
reporter the person may read (access.reporters_shown, one audited read), so a unit's export never carries
a reporter who did not agree; every text cell goes through luoshi.sheets (never a live formula)."""

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from luoshi import sheets
from luoshi.duties import owners
from luoshi.duties.models import Duty, DutyStatus, HandlingRole
from luoshi.org.models import Person
from luoshi.public import access
from luoshi.public.dispatch import code_of
from luoshi.public.models import Problem

MAX_ROWS = 20_000  # an export beyond this is cut (the filters narrow it)
CHUNK = 2_000  # ids per IN (…): well inside every database's bound on query parameters


@dataclass
class Clock:
    """Where a unit's duty on a problem stands: "sign" (awaiting the sign-for, `due` its hour), "running"
    (signed, `due` its deadline), "done" (replied or completed); `late` when the due time has passed;
    `signed_late` when the sign-for came after its hour."""

    state: str = ""
    due: datetime | date | None = None
    late: bool = False
    signed_late: bool = False


def clock(duty: Duty | None, now: datetime) -> Clock:
    if duty is None or duty.status == DutyStatus.WITHDRAWN:
        return Clock()
    signed_late = bool(duty.signed_at and duty.respond_by and duty.signed_at > duty.respond_by)
    if duty.status in (DutyStatus.COMPLETED, DutyStatus.COMPLETION_REQUESTED):
        return Clock("done", duty.deadline, bool(duty.days_late), signed_late)
    if duty.signed_at is None:
        return Clock("sign", duty.respond_by, bool(duty.respond_by and now > duty.respond_by))
    return Clock("running", duty.deadline, timezone.localdate(now) > duty.deadline, signed_late)


def duties_by_problem(problem_ids: Iterable[int]) -> dict[int, list[Duty]]:
    """The duties not withdrawn of many problems (lead first), with their units: one query."""
    found: dict[int, list[Duty]] = {}
    ids = list(problem_ids)
    for start in range(0, len(ids), CHUNK):  # a page is one query; a long export a few
        qs = (
            Duty.objects.filter(
                owner_type_id=owners.content_type_id("problem"), owner_id__in=ids[start : start + CHUNK]
            )
            .exclude(status=DutyStatus.WITHDRAWN)
            .select_related("unit")
            .order_by("-role", "pk")
        )
        for d in qs:
            found.setdefault(d.owner_id, []).append(d)
    return found


def pick(duties: list[Duty], unit_id: int | None) -> Duty | None:
    return next((d for d in duties if d.unit_id == unit_id), None) if unit_id else None


def _local(value: datetime | None) -> datetime | None:
    """Excel has no time zones: the local wall time."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def headers() -> list[str]:
    return [
        _("Number"),
        _("Received"),
        _("Channel"),
        _("Problem category"),
        _("Content"),
        _("Place"),
        _("Latitude"),
        _("Longitude"),
        _("Urgent"),
        _("Status"),
        _("Lead unit"),
        _("Co units"),
        _("Sign for by"),
        _("Signed for"),
        _("Deadline"),
        _("Late"),
        _("Replied"),
        _("Outcome"),
        _("Hot issue"),
        _("Reporter's name"),
        _("Reporter's contact"),
    ]


def row(p: Problem, duties: list[Duty], reporter: bool, now: datetime) -> list[object]:
    lead = pick(duties, p.lead_unit_id)
    c = clock(lead, now)
    yes, no = _("yes"), _("no")
    co = "、".join(d.unit.name for d in duties if d.role == HandlingRole.CO)
    late = _("sign-for late") if c.late and c.state == "sign" else _("late") if c.late else ""
    if c.signed_late and not late:
        late = _("signed late")
    return [
        code_of(p),
        _local(p.created_at),
        str(p.get_channel_display()),
        p.category.name,
        p.content,
        p.place,
        float(p.lat) if p.lat is not None else None,
        float(p.lon) if p.lon is not None else None,
        yes if p.urgent else no,
        str(p.get_status_display()),
        p.lead_unit.name if p.lead_unit else "",
        co,
        _local(lead.respond_by) if lead else None,
        _local(lead.signed_at) if lead else None,
        lead.deadline if lead else None,
        late,
        _local(p.replied_at),
        str(p.get_outcome_display()) if p.outcome else "",
        yes if p.hot else no,
        p.reporter_name if reporter else "",
        p.reporter_contact if reporter else "",
    ]


def as_xlsx(person: Person, qs: QuerySet[Problem], now: datetime) -> FileResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    problems = list(qs.select_related("category", "lead_unit")[:MAX_ROWS])
    shown = access.reporters_shown(person, problems)  # one audited read of the reporters it carries
    duties = duties_by_problem(p.pk for p in problems)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Public problems")[:31])
    ws.freeze_panes = "A2"
    header = sheets.write_only_row(ws, headers())
    for cell in header:
        cell.font = Font(bold=True)
    ws.append(header)
    for p in problems:
        cells = sheets.write_only_row(ws, row(p, duties.get(p.pk, []), p.pk in shown, now))
        for i in (1, 12, 13, 16):
            cells[i].number_format = "yyyy-mm-dd hh:mm"
        cells[14].number_format = "yyyy-mm-dd"
        ws.append(cells)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115  (FileResponse closes it)
    wb.save(out)
    out.seek(0)
    response = FileResponse(out, content_type=sheets.XLSX_TYPE)
    name = f"problems-{timezone.localdate(now):%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name) or "attachment"
    return response
