"""季度对账: the office starts a quarter's reconciliation, each unit confirms its rows (or corrects them
with a reason, filed as its report on the task), the office sees who has confirmed and who is late, and
freezes the quarter as an immutable snapshot (ledger.snapshots reads the rows and the board).

A unit owes its confirmation as a duty of the engine (owner kind "ledger_quarter", the Quarter row):
the ladder reminds and urges the late as it does for lists. A unit's rows are the ledger's tasks it
reports on: its own duty on the task, or a linked list's (最多报一次).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.duties import changes, handoffs, owners
from luoshi.duties.completion import complete_by_owner
from luoshi.duties.models import LIVE_STATUSES, Duty, HandlingRole
from luoshi.duties.services import (
    check_horizon,
    require_office,
    resolve_now,
)
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.services import record
from luoshi.ledger import rollup, services, snapshots
from luoshi.ledger.models import (
    Confirmation,
    ConfirmationRow,
    Indicator,
    Ledger,
    LedgerStatus,
    Quarter,
    Snapshot,
    SnapshotRow,
    Task,
)
from luoshi.ledger.models_cycle import SnapshotKind

# The cycle's reads live in snapshots; named here too, as the services' callers know them.
from luoshi.ledger.snapshots import (
    BoardRow,
    RowDuty,
    board,
    missing_units,
    owes,
    quarter_type_id,
    row_duties,
    unit_rows,
)
from luoshi.org import access
from luoshi.org.models import Person, Unit
from luoshi.text import check_text

QUARTER_NAMES = {
    1: gettext_lazy("first quarter"),
    2: gettext_lazy("second quarter"),
    3: gettext_lazy("third quarter"),
    4: gettext_lazy("fourth quarter"),
}
FROZEN_CAUSE = "ledger_quarter.frozen"


def quarter_label(year: int, number: int) -> str:
    """ "2026年第二季度": stored (snapshot labels, duty titles, report texts) in the city's language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("{year}, {quarter}").format(year=year, quarter=QUARTER_NAMES[number])


def _quarter_duty(ledger: Ledger, quarter: Quarter, unit: Unit, label: str) -> Duty:
    return Duty(
        owner_type_id=quarter_type_id(),
        owner_id=quarter.pk,
        unit=unit,
        role=HandlingRole.LEAD,
        title=_("Quarter reconciliation: {label}").format(label=label)[:200],
        code=f"{ledger.year}-Q{quarter.number}",
        deadline=quarter.due,
        report_every_days=None,  # a deadline-only duty: the ladder urges it once the due date passes
    )


def do_start_quarter(actor: Person, ledger: Ledger, number: int, due: date, now: datetime | None = None) -> Quarter:
    """Start quarter `number`'s reconciliation: every unit with live work on the ledger owes its
    confirmation by `due`. One quarter at a time: the previous one is frozen first."""
    require_office(actor)
    now = resolve_now(now)
    today = timezone.localdate(now)
    if number not in QUARTER_NAMES:
        raise InvalidInput(_("A quarter is numbered 1 to 4."), "number")
    check_horizon(due, "due", today)
    if due < today:
        raise InvalidInput(_("Give a date to confirm by from today on."), "due")
    with transaction.atomic():
        ledger = Ledger.objects.select_for_update().get(pk=ledger.pk)
        if ledger.status != LedgerStatus.OPEN:
            raise Conflict(_("Only an open ledger is reconciled."))
        if Quarter.objects.filter(ledger=ledger, number=number).exists():
            raise Conflict(_("Quarter {number} has already been started.").format(number=number), "number")
        running = Quarter.objects.filter(ledger=ledger, frozen_at__isnull=True).first()
        if running is not None:
            raise Conflict(
                _("Freeze quarter {number} before starting another.").format(number=running.number), "number"
            )
        owing = sorted(
            u for u, rows in row_duties(ledger.pk).items() if any(r.status in LIVE_STATUSES for r in rows.values())
        )
        if not owing:
            raise Conflict(_("No unit has work in progress on this ledger: there is nothing to confirm."))
        try:
            with transaction.atomic():
                quarter = Quarter.objects.create(
                    ledger=ledger, number=number, due=due, started_by=actor, started_at=now
                )
        except IntegrityError:
            raise Conflict(_("Quarter {number} has already been started.").format(number=number), "number") from None
        label = quarter_label(ledger.year, number)
        duties = [
            changes.start(actor, _quarter_duty(ledger, quarter, unit, label), now, cause="ledger_quarter.started")
            for unit in Unit.objects.filter(pk__in=owing).order_by("pk")
        ]
        record(
            actor,
            "ledger_quarter.started",
            "ledger_quarter",
            quarter.pk,
            after={"ledger": ledger.pk, "number": number, "due": due.isoformat(), "units": len(duties)},
            at=now,
        )
        handoffs.assigned(duties, now)
    return quarter


@dataclass
class RowInput:
    """One row of a confirmation: confirmed as it stands, or corrected (progress and/or indicator
    actuals) with a reason."""

    task_id: int
    confirmed: bool = False
    progress: int | None = None
    indicators: Sequence[tuple[int, Decimal]] = field(default_factory=tuple)
    reason: str = ""

    @property
    def corrected(self) -> bool:
        return self.progress is not None or bool(self.indicators)


def _check_rows(rows: Sequence[RowInput], owed: dict[int, RowDuty]) -> dict[int, list[Indicator]]:
    """Every row of the unit once, each confirmed or corrected with a reason. Returns the indicators of
    the corrected tasks (task id → its indicators)."""
    seen: set[int] = set()
    for i, row in enumerate(rows):
        if row.task_id not in owed:
            raise InvalidInput(
                _("Task {task} is not one of this unit's rows.").format(task=row.task_id), f"rows.{i}.task"
            )
        if row.task_id in seen:
            raise InvalidInput(_("Each row is sent once."), f"rows.{i}.task")
        seen.add(row.task_id)
        if row.confirmed == row.corrected:
            raise InvalidInput(_("Confirm the row or correct it, one of the two."), f"rows.{i}.confirmed")
        row.reason = check_text(row.reason, f"rows.{i}.reason", multiline=True)
        if row.corrected and not row.reason:
            raise InvalidInput(_("Say why the row is corrected."), f"rows.{i}.reason")
        if row.progress is not None and not 0 <= row.progress <= 100:
            raise InvalidInput(_("Progress is a percentage from 0 to 100."), f"rows.{i}.correction.progress")
    if missing := sorted(set(owed) - seen):
        codes = list(Task.objects.filter(pk__in=missing).order_by("path").values_list("code", flat=True))
        raise InvalidInput(
            _("Confirm or correct every row of the unit; missing: {codes}.").format(codes="、".join(codes)), "rows"
        )
    corrected = [row.task_id for row in rows if row.corrected]
    indicators: dict[int, list[Indicator]] = defaultdict(list)
    for ind in Indicator.objects.filter(task_id__in=corrected):
        indicators[ind.task_id].append(ind)
    for i, row in enumerate(rows):
        mine = {ind.pk for ind in indicators.get(row.task_id, [])}
        ids = [ind_id for ind_id, _v in row.indicators]
        where = f"rows.{i}.correction.indicators"
        if len(set(ids)) != len(ids) or not set(ids) <= mine:
            raise InvalidInput(_("Correct each of this task's indicators at most once."), where)
        for _id, value in row.indicators:
            if not value.is_finite() or abs(value) >= services.MAX_AMOUNT:
                raise InvalidInput(_("Give an amount below 10 trillion."), where)
    return indicators


def do_confirm_quarter(
    actor: Person,
    quarter: Quarter,
    unit: Unit,
    rows: Sequence[RowInput],
    *,
    submission_key: str | None = None,
    now: datetime | None = None,
) -> tuple[Confirmation, bool]:
    """A unit's confirmation of all its rows, sent once: (confirmation, created); the same submission key
    again returns the first. A correction is the unit's report on the task (its figures stay where
    reports keep them and roll up), the reason in its text."""
    if not access.can_report_for(actor, unit.pk):
        raise NotAllowed(_("Only the unit's own liaison or head may confirm its rows."))
    now = resolve_now(now)
    if submission_key:
        earlier = Confirmation.objects.filter(quarter=quarter, unit=unit, submission_key=submission_key).first()
        if earlier is not None:
            return earlier, False
    try:
        with transaction.atomic(), rollup.one_refresh():
            owners.get("ledger_quarter").lock(quarter.pk)
            quarter = Quarter.objects.select_related("ledger").get(pk=quarter.pk)
            if quarter.frozen_at is not None:
                raise Conflict(_("This quarter is frozen: its confirmations are closed."))
            duty = changes.live_duty(quarter_type_id(), quarter.pk, unit.pk)
            if duty is None:
                raise InvalidInput(_("This unit owes no confirmation for this quarter."), "unit")
            if Confirmation.objects.filter(quarter=quarter, unit=unit).exists():
                raise Conflict(_("This unit has already confirmed its rows for this quarter."))
            owed = row_duties(quarter.ledger_id, [unit.pk]).get(unit.pk, {})
            indicators = _check_rows(rows, owed)
            confirmation = Confirmation.objects.create(
                quarter=quarter, unit=unit, confirmed_by=actor, confirmed_at=now, submission_key=submission_key or None
            )
            label = quarter_label(quarter.ledger.year, quarter.number)
            tasks = Task.objects.in_bulk([row.task_id for row in rows if row.corrected])
            stored = []
            for row in rows:
                report = None
                if row.corrected:
                    by_id = {ind.pk: ind for ind in indicators.get(row.task_id, [])}
                    with translation.override(settings.LANGUAGE_CODE):
                        text = _("Correction at the reconciliation of {quarter}: {reason}").format(
                            quarter=label, reason=row.reason
                        )
                    report, _created = services.do_report_task(
                        actor,
                        tasks[row.task_id],
                        unit,
                        progress=owed[row.task_id].progress if row.progress is None else row.progress,
                        done=text,
                        indicators=[(by_id[ind_id], value) for ind_id, value in row.indicators],
                        now=now,
                    )
                correction = {
                    **({"progress": row.progress} if row.progress is not None else {}),
                    **(
                        {"indicators": [{"indicator": i, "actual": str(v)} for i, v in row.indicators]}
                        if row.indicators
                        else {}
                    ),
                }
                stored.append(
                    ConfirmationRow(
                        confirmation=confirmation,
                        task_id=row.task_id,
                        confirmed=row.confirmed,
                        correction=correction,
                        reason=row.reason,
                        report=report,
                    )
                )
            ConfirmationRow.objects.bulk_create(stored, batch_size=1000)
            complete_by_owner(actor, duty, now, cause="ledger_quarter.confirmed")
            record(
                actor,
                "ledger_quarter.confirmed",
                "ledger_quarter",
                quarter.pk,
                unit_id=unit.pk,
                after={
                    "confirmation": confirmation.pk,
                    "rows": len(stored),
                    "corrected": [row.task_id for row in rows if row.corrected],
                },
                at=now,
            )
    except IntegrityError:
        # Two sends raced: the other one stored the unit's confirmation.
        earlier = Confirmation.objects.filter(quarter=quarter, unit=unit).first()
        if earlier is not None and submission_key and earlier.submission_key == submission_key:
            return earlier, False
        raise Conflict(_("This unit has already confirmed its rows for this quarter.")) from None
    return confirmation, True


def do_freeze_quarter(
    actor: Person, quarter: Quarter, *, cut_off: bool = False, now: datetime | None = None
) -> Snapshot:
    """Freeze the quarter as an immutable snapshot of every task of the ledger: when every unit has
    confirmed, or at the office's cut-off (`cut_off`), marked incomplete, the missing units' duties
    withdrawn."""
    require_office(actor)
    now = resolve_now(now)
    with transaction.atomic():
        owners.get("ledger_quarter").lock(quarter.pk)
        quarter = Quarter.objects.select_related("ledger").get(pk=quarter.pk)
        if quarter.frozen_at is not None:
            raise Conflict(_("This quarter is already frozen."))
        missing = missing_units(quarter)
        if missing and not cut_off:
            names = "、".join(u.name for u in missing)
            raise Conflict(
                _("Not every unit has confirmed ({units}): freeze at the cut-off to freeze without them.").format(
                    units=names
                ),
                "cut_off",
            )
        ledger = quarter.ledger
        since = (
            Snapshot.objects.filter(ledger=ledger, frozen_at__lt=now)
            .order_by("-frozen_at", "-id")
            .values_list("frozen_at", flat=True)
            .first()
        )
        rows = snapshots.build_rows(ledger.pk, quarter.pk, since, timezone.localdate(now))
        snapshot = Snapshot.objects.create(
            ledger=ledger,
            kind=SnapshotKind.QUARTER,
            label=quarter_label(ledger.year, quarter.number),
            quarter_number=quarter.number,
            frozen_by=actor,
            frozen_at=now,
            complete=not missing,
            rows_count=len(rows),
        )
        for row in rows:
            row.snapshot = snapshot
        SnapshotRow.objects.bulk_create(rows, batch_size=1000)
        quarter.frozen_at, quarter.snapshot = now, snapshot
        quarter.save(update_fields=["frozen_at", "snapshot"])
        note = _("The quarter was frozen before this unit confirmed.")
        for duty in Duty.objects.filter(
            owner_type_id=quarter_type_id(), owner_id=quarter.pk, status__in=LIVE_STATUSES
        ).select_related("unit"):
            changes.withdraw(actor, duty, now, note=note, cause=FROZEN_CAUSE)
        record(
            actor,
            "ledger_quarter.frozen",
            "ledger_quarter",
            quarter.pk,
            after={
                "snapshot": snapshot.pk,
                "complete": not missing,
                "missing": [u.pk for u in missing],
                "rows": len(rows),
            },
            at=now,
        )
    return snapshot


__all__ = [
    "BoardRow",
    "RowDuty",
    "RowInput",
    "board",
    "do_confirm_quarter",
    "do_freeze_quarter",
    "do_start_quarter",
    "missing_units",
    "owes",
    "quarter_label",
    "quarter_type_id",
    "row_duties",
    "unit_rows",
]
