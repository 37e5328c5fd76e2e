"""The duty engine's facts: a unit owes something by a deadline (Duty), reports on it, may ask for more
time (Extension), and is urged when late (models_ladder). Status and lights are derived elsewhere.

A duty belongs to an owner (a responsibility list, later a ledger task, a finding, a public problem),
named by its content type and id: the engine never imports an owner (see owners.py)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.duties.models_ladder import STEP_RANK, Episode, EpisodeKind, Escalation, Policy, Step

__all__ = [
    "STEP_RANK",
    "Duty",
    "DutyStatus",
    "Episode",
    "EpisodeKind",
    "Escalation",
    "Extension",
    "ExtensionStatus",
    "HandlingRole",
    "Policy",
    "Report",
    "Step",
]


class HandlingRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")
    CO = "co", _("Co-handling unit")


class DutyStatus(models.TextChoices):
    PENDING = "pending", _("Pending publication")
    OPEN = "open", _("In progress")
    COMPLETION_REQUESTED = "completion_requested", _("Completion requested")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Work still owed: reported on, lit, urged.
LIVE_STATUSES = (DutyStatus.OPEN, DutyStatus.COMPLETION_REQUESTED)


class Duty(models.Model):
    """One unit's duty to one owner: its own status, progress, deadline and next report due."""

    owner_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+")
    owner_id = models.PositiveBigIntegerField()  # the type of the owners' ids: a join without a cast uses the index
    owner = GenericForeignKey("owner_type", "owner_id")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="duties", verbose_name=_("unit"))
    role = models.CharField(_("role"), max_length=10, choices=HandlingRole.choices, default=HandlingRole.LEAD)
    # Copied from the owner (and kept in step by it) so that notices, the board and the league need no owner.
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="led_duties",
        verbose_name=_("responsible leader"),
    )
    title = models.CharField(_("title"), max_length=200)
    code = models.CharField(_("code"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=30, choices=DutyStatus.choices, default=DutyStatus.PENDING, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    deadline = models.DateField(_("deadline"), db_index=True)  # effective: after approved extensions
    report_every_days = models.PositiveSmallIntegerField(_("report every (days)"), null=True, blank=True)
    # Null when no report is owed: before the owner is live, while completion is decided, once done.
    next_report_due = models.DateField(_("next report due"), null=True, blank=True, db_index=True)
    last_report = models.ForeignKey(
        "Report", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("last report")
    )
    created_at = models.DateTimeField(_("created"), null=True, blank=True)
    # When the unit last asked for acceptance (read while status is completion_requested): the office's
    # queue is oldest first, by index, without joining every request's report.
    completion_asked_at = models.DateTimeField(null=True, blank=True, editable=False)
    signed_at = models.DateTimeField(_("signed for"), null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    # An hour-counted sign-for limit (a hotline's 2 or 24 hours): past it unsigned, the sweep urges the unit
    # at once, any day (duties.respond). Null: the working-day rule of duties.signing applies.
    respond_by = models.DateTimeField(_("sign for by"), null=True, blank=True)
    # Set when the clock starts at the sign-for: the deadline becomes this many working days from it.
    resolve_workdays = models.PositiveSmallIntegerField(_("resolve within (working days)"), null=True, blank=True)
    # When the unit was reminded to sign for it (duties.signing): once per duty.
    sign_reminded_at = models.DateTimeField(_("reminded to sign for"), null=True, blank=True)
    # Set while the owner is suspended: the clocks, the lights and the ladder stand still.
    paused_at = models.DateTimeField(_("suspended"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # Frozen at acceptance, so that rankings never change afterwards.
    days_late = models.PositiveIntegerField(_("days late"), null=True, blank=True)

    class Meta:
        ordering = ["owner_type_id", "owner_id", "-role", "id"]  # lead before co
        verbose_name = _("duty")
        verbose_name_plural = _("duties")
        constraints = [
            models.UniqueConstraint(
                fields=["owner_type", "owner_id", "unit"],
                condition=~models.Q(status="withdrawn"),
                name="one_live_duty_per_unit_and_owner",
            )
        ]
        indexes = [
            models.Index(fields=["owner_type", "owner_id"]),
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["status", "completion_asked_at"]),
            models.Index(
                fields=["respond_by"], name="duties_unsigned_by_respond_by", condition=models.Q(signed_at__isnull=True)
            ),
            # The league's "overdue now": the open, running duties past their report date, per unit.
            models.Index(
                fields=["next_report_due", "unit", "owner_type"],
                name="duties_running_by_report_due",
                condition=models.Q(status="open", paused_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.owner_type_id}:{self.owner_id}/{self.unit_id}"

    @property
    def is_open(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def owner_kind(self) -> str:
        from luoshi.duties import owners

        return owners.kind_of(self.owner_type_id)


class Report(models.Model):
    """A direct report (直报). Never edited or deleted: a correction is a new report."""

    duty = models.ForeignKey(Duty, models.PROTECT, related_name="reports")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("filed"))
    progress = models.PositiveSmallIntegerField(_("progress"))
    done = models.TextField(_("work done"))
    difficulties = models.TextField(_("difficulties"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    request_completion = models.BooleanField(_("asks for completion"), default=False)
    # When the report was due as it was filed: the on-time rate is measured against it.
    due_date = models.DateField(_("was due"), null=True, blank=True)
    # Set by the form (or the API's Idempotency-Key): a double submit stores one report.
    submission_key = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        ordering = ["filed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["duty", "submission_key"], name="duty_one_report_per_submission")
        ]
        indexes = [models.Index(fields=["filed_at"])]


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Extension(models.Model):
    """A deadline extension request (延期申请) by one unit."""

    duty = models.ForeignKey(Duty, models.PROTECT, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"))
    old_deadline = models.DateField(_("current deadline"))
    new_deadline = models.DateField(_("new deadline"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
