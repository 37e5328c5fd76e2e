"""The ledger's yearly cycle: 季度对账 (quarters confirmed by each unit, then frozen as snapshots),
半年查账 (the office's verdicts on a snapshot's rows; a questioned row is a duty of its unit),
年底交账 (each unit's signed hand-in; unfinished tasks carried to next year) and workbook imports.

A quarter and a questioned row are owners of duties (kinds "ledger_quarter" and "ledger_query"): the
engine's ladder urges the units that have not confirmed, or not answered, in time.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.errors import Conflict


class Quarter(models.Model):
    """The reconciliation of one quarter (季度对账): every unit with rows confirms them by `due`."""

    ledger = models.ForeignKey("ledger.Ledger", models.PROTECT, related_name="quarters")
    number = models.PositiveSmallIntegerField(_("quarter"))  # 1–4
    due = models.DateField(_("confirm by"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started"))
    frozen_at = models.DateTimeField(_("frozen"), null=True, blank=True)
    snapshot = models.OneToOneField(
        "Snapshot", models.PROTECT, null=True, blank=True, related_name="quarter_of", verbose_name=_("snapshot")
    )

    class Meta:
        ordering = ["ledger_id", "number"]
        constraints = [models.UniqueConstraint(fields=["ledger", "number"], name="ledger_quarter_unique")]

    def __str__(self) -> str:
        return f"{self.ledger.year} Q{self.number}"


class Confirmation(models.Model):
    """A unit's confirmation of its rows for a quarter, sent once (a second send is refused)."""

    quarter = models.ForeignKey(Quarter, models.PROTECT, related_name="confirmations")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(_("confirmed"))
    submission_key = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        ordering = ["quarter_id", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["quarter", "unit"], name="ledger_one_confirmation_per_unit")]


class ConfirmationRow(models.Model):
    """One row as its unit confirmed it, or corrected it with a reason (the correction is filed as a
    report on the unit's duty, so the figures stay where reports keep them)."""

    confirmation = models.ForeignKey(Confirmation, models.CASCADE, related_name="rows")
    task = models.ForeignKey("ledger.Task", models.PROTECT, related_name="+")
    confirmed = models.BooleanField()
    correction: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    report = models.ForeignKey("duties.Report", models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["confirmation", "task"], name="ledger_confirmation_row_unique")]


class Frozen(models.QuerySet):
    """Snapshots and their rows are never changed or removed once written."""

    def update(self, **kwargs: Any) -> int:
        raise Conflict(str(_("A frozen snapshot cannot be changed.")))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise Conflict(str(_("A frozen snapshot cannot be removed.")))


class FrozenModel(models.Model):
    objects = Frozen.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise Conflict(str(_("A frozen snapshot cannot be changed.")))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise Conflict(str(_("A frozen snapshot cannot be removed.")))


class SnapshotKind(models.TextChoices):
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year end")


class Snapshot(FrozenModel):
    ledger = models.ForeignKey("ledger.Ledger", models.PROTECT, related_name="snapshots")
    kind = models.CharField(_("kind"), max_length=10, choices=SnapshotKind.choices)
    label = models.CharField(_("snapshot"), max_length=50)  # "2026年第二季度"
    quarter_number = models.PositiveSmallIntegerField(null=True, blank=True)
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    frozen_at = models.DateTimeField(_("frozen"))
    # How it was frozen: every unit confirmed, or the office's cut-off with some still missing.
    complete = models.BooleanField(_("all units confirmed"), default=True)
    rows_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["ledger_id", "frozen_at", "id"]

    def __str__(self) -> str:
        return self.label


class SnapshotRow(FrozenModel):
    """A task as it stood when the snapshot was frozen, with who last changed it and why."""

    snapshot = models.ForeignKey(Snapshot, models.PROTECT, related_name="rows")
    task = models.ForeignKey("ledger.Task", models.PROTECT, related_name="+")
    code = models.CharField(max_length=40)
    parent_code = models.CharField(max_length=40, blank=True)
    programme = models.CharField(max_length=100)
    title = models.CharField(max_length=200)
    leader = models.CharField(max_length=150, blank=True)
    lead_unit = models.ForeignKey("org.Unit", models.PROTECT, null=True, blank=True, related_name="+")
    units = models.CharField(max_length=500, blank=True)  # the lead and co units' names
    deadline = models.DateField()
    progress = models.DecimalField(max_digits=5, decimal_places=2)
    status = models.CharField(max_length=20)  # done / open / late
    forecast = models.CharField(max_length=10, blank=True)
    # [{name, measure, target, actual}] as strings of Decimals.
    indicators: models.JSONField[Any] = models.JSONField(default=list)
    changed_by = models.CharField(max_length=150, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["snapshot_id", "id"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "task"], name="ledger_snapshot_row_unique")]


class Verdict(models.TextChoices):
    VERIFIED = "verified", _("Verified")
    QUESTIONED = "questioned", _("Questioned")


class AuditVerdict(models.Model):
    """The office's verdict on one row of the half-year snapshot (半年查账). A questioned row is a duty of
    its lead unit (owner kind "ledger_query") until the unit answers."""

    snapshot = models.ForeignKey(Snapshot, models.PROTECT, related_name="verdicts")
    task = models.ForeignKey("ledger.Task", models.PROTECT, related_name="verdicts")
    verdict = models.CharField(_("verdict"), max_length=12, choices=Verdict.choices)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided"))
    unit = models.ForeignKey("org.Unit", models.PROTECT, null=True, blank=True, related_name="+")
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["snapshot_id", "task_id"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "task"], name="ledger_one_verdict_per_row")]


class Handin(models.Model):
    """A unit's signed year-end hand-in (年底交账) of its rows."""

    ledger = models.ForeignKey("ledger.Ledger", models.PROTECT, related_name="handins")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    summary = models.TextField(_("summary"))
    rows: models.JSONField[Any] = models.JSONField(default=list)  # the unit's rows as handed in
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("signed"))

    class Meta:
        ordering = ["ledger_id", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["ledger", "unit"], name="ledger_one_handin_per_unit")]


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    FAILED = "failed", _("Failed")
    DONE = "done", _("Done")


class LedgerImport(models.Model):
    """A workbook being imported in the background (all or nothing)."""

    ledger = models.ForeignKey("ledger.Ledger", models.PROTECT, related_name="imports")
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    errors: models.JSONField[Any] = models.JSONField(default=list, blank=True)  # [{row, column, message}]
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
