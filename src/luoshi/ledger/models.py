"""The master ledger (总台账): one per year, programmes (专项), a tree of tasks with indicators (指标).

A task's units owe their share as duties of the duty engine (owner kind "ledger_task"); a task's
progress, lights and indicator actuals are figures derived from its leaves and their reports by
ledger.rollup, stored here for the summaries and filters, never typed by hand.
The yearly cycle's records (confirmations, snapshots, audits, hand-ins, imports) are in models_cycle.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from luoshi.ledger.models_cycle import (
    AuditVerdict,
    Confirmation,
    ConfirmationRow,
    Handin,
    LedgerImport,
    Quarter,
    Snapshot,
    SnapshotRow,
)

__all__ = [
    "Actual",
    "AuditVerdict",
    "Confirmation",
    "ConfirmationRow",
    "Handin",
    "Indicator",
    "IndicatorKind",
    "Ledger",
    "LedgerImport",
    "LedgerStatus",
    "Programme",
    "Quarter",
    "Snapshot",
    "SnapshotRow",
    "Task",
    "TaskLink",
    "TrajectoryPoint",
]


class LedgerStatus(models.TextChoices):
    DRAFT = "draft", _("Being built")
    OPEN = "open", pgettext_lazy("ledger status", "Open")
    CLOSED = "closed", _("Closed")


class Ledger(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=LedgerStatus.choices, default=LedgerStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The next code number (2026-TZ-0001 …), claimed by a conditional update.
    next_number = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("master ledger")

    def __str__(self) -> str:
        return self.title


class Programme(models.Model):
    """A programme (专项) of the ledger: "3341"项目工程, 双联行动, 重大项目 …"""

    ledger = models.ForeignKey(Ledger, models.CASCADE, related_name="programmes")
    name = models.CharField(_("programme"), max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    # Summary figures, kept by rollup in the write's transaction.
    tasks = models.PositiveIntegerField(default=0, editable=False)
    progress = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal(0), editable=False)

    class Meta:
        ordering = ["ledger_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["ledger", "name"], name="ledger_programme_name_unique")]

    def __str__(self) -> str:
        return self.name


class Forecast(models.TextChoices):
    GREEN = "green", _("On track")
    YELLOW = "yellow", _("At risk")
    RED = "red", _("Will miss the target")


class Task(models.Model):
    ledger = models.ForeignKey(Ledger, models.PROTECT, related_name="tasks")
    programme = models.ForeignKey(Programme, models.PROTECT, related_name="task_set", verbose_name=_("programme"))
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    code = models.CharField(_("code"), max_length=40, unique=True)
    # "0001.0002.0001": the tree in order by one index, subtrees by prefix.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    next_child = models.PositiveSmallIntegerField(default=1, editable=False)
    title = models.CharField(_("task"), max_length=200)
    requirements = models.TextField(_("requirements"), blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_tasks",
        verbose_name=_("responsible leader"),
    )
    lead_unit = models.ForeignKey(
        "org.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("lead unit")
    )
    co_units = models.ManyToManyField("org.Unit", blank=True, related_name="+", verbose_name=_("co units"))
    deadline = models.DateField(_("deadline"))
    weight = models.DecimalField(_("weight"), max_digits=7, decimal_places=2, default=Decimal(1))
    report_every_days = models.PositiveSmallIntegerField(_("report every (days)"), null=True, blank=True)
    # A major project (重大项目): its start and completion dates.
    starts_on = models.DateField(_("start date"), null=True, blank=True)
    completes_on = models.DateField(_("completion date"), null=True, blank=True)
    # Carried over (挂账) from last year's unfinished task.
    origin = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="carried_to", verbose_name=_("carried from")
    )
    created_at = models.DateTimeField(_("created"))
    # Derived (rollup): progress 0–100 by weight from the leaves; the earliest open dates of the subtree
    # (lights in SQL, as for lists); the forecast light and the words that explain it.
    progress = models.DecimalField(_("progress"), max_digits=5, decimal_places=2, default=Decimal(0), editable=False)
    done = models.BooleanField(_("completed"), default=False, editable=False)
    working_due = models.DateField(null=True, blank=True, editable=False)
    working_deadline = models.DateField(null=True, blank=True, editable=False)
    forecast = models.CharField(_("forecast"), max_length=10, choices=Forecast.choices, blank=True, editable=False)
    forecast_basis = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        ordering = ["ledger_id", "path"]
        verbose_name = _("ledger task")
        indexes = [
            models.Index(fields=["ledger", "path"]),
            models.Index(fields=["ledger", "programme", "path"]),
            models.Index(fields=["ledger", "forecast"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class TaskLink(models.Model):
    """A task reported through a responsibility list (最多报一次): the list's reports are the task's."""

    task = models.ForeignKey(Task, models.CASCADE, related_name="links")
    list = models.ForeignKey("lists.ResponsibilityList", models.PROTECT, related_name="+")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    linked_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "list"], name="ledger_task_list_link_unique")]


class IndicatorKind(models.TextChoices):
    CUMULATIVE = "cumulative", _("Cumulative")  # investment, households: adds up over the year
    LEVEL = "level", _("Level")  # a rate, good-air days' share: the latest value stands


class Indicator(models.Model):
    task = models.ForeignKey(Task, models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=100)
    measure = models.CharField(_("unit of measure"), max_length=20)
    target = models.DecimalField(_("annual target"), max_digits=18, decimal_places=4)
    kind = models.CharField(_("kind"), max_length=12, choices=IndicatorKind.choices, default=IndicatorKind.CUMULATIVE)
    # Derived: the latest reported value (a leaf) or the children's (a parent); never typed.
    actual = models.DecimalField(_("actual"), max_digits=18, decimal_places=4, null=True, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["task_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "name"], name="ledger_indicator_name_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.measure})"


class TrajectoryPoint(models.Model):
    """The plan: by the end of `period` ("2026-Q2" or "2026-05") the indicator stands at `planned`."""

    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="trajectory")
    period = models.CharField(_("period"), max_length=7)
    planned = models.DecimalField(_("planned"), max_digits=18, decimal_places=4)

    class Meta:
        ordering = ["indicator_id", "period"]
        constraints = [models.UniqueConstraint(fields=["indicator", "period"], name="ledger_trajectory_period_unique")]


class Actual(models.Model):
    """An indicator's value as a unit reported it, with the report that carried it. Never edited."""

    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="actuals")
    report = models.ForeignKey("duties.Report", models.PROTECT, related_name="+")
    value = models.DecimalField(_("actual"), max_digits=18, decimal_places=4)
    period = models.CharField(_("period"), max_length=7)  # the month it was reported in, "2026-05"
    filed_at = models.DateTimeField(_("filed"))

    class Meta:
        ordering = ["indicator_id", "filed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["indicator", "report"], name="ledger_actual_one_per_report")]
