"""Responsibility lists: facts only. Status and lights are derived in services and lights.py."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    WORK_POINT = "work_point", _("Annual work point")
    AGREED_ITEM = "agreed_item", _("Agreed item")
    MEETING = "meeting", _("Meeting or activity arrangement")
    INSTRUCTION = "instruction", _("Leader's instruction")
    ASSIGNED = "assigned", _("Assigned matter")
    MEDIA = "media", _("Media exposure")
    INSPECTION = "inspection", _("Inspection finding")


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class ResponsibilityList(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True, null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content and requirements"), blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="led_lists",
        verbose_name=_("responsible leader"),
    )
    deadline = models.DateField(_("deadline"))
    report_every_days = models.PositiveSmallIntegerField(_("report every (days)"), default=30)
    status = models.CharField(
        _("status"), max_length=20, choices=ListStatus.choices, default=ListStatus.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Frozen when the list is struck off, so rankings never change afterwards.
    closed_late = models.BooleanField(_("closed late"), null=True, blank=True)
    days_late = models.PositiveIntegerField(_("days late"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("responsibility list")
        verbose_name_plural = _("responsibility lists")
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        return f"{self.code or '—'} {self.title}"


class Milestone(models.Model):
    list = models.ForeignKey(ResponsibilityList, models.CASCADE, related_name="milestones")
    due_date = models.DateField(_("date"))
    title = models.CharField(_("milestone"), max_length=200)

    class Meta:
        ordering = ["due_date", "id"]


class HandlingRole(models.TextChoices):
    LEAD = "lead", _("Lead unit")
    CO = "co", _("Co-handling unit")


class ObligationStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETION_REQUESTED = "completion_requested", _("Completion requested")
    COMPLETED = "completed", _("Completed")


class Obligation(models.Model):
    """One handling unit's duty on one list: its own status, progress and report due date."""

    list = models.ForeignKey(ResponsibilityList, models.CASCADE, related_name="obligations")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="obligations")
    role = models.CharField(_("role"), max_length=10, choices=HandlingRole.choices)
    status = models.CharField(
        _("status"), max_length=30, choices=ObligationStatus.choices, default=ObligationStatus.IN_PROGRESS
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    deadline = models.DateField(_("deadline"), db_index=True)
    # Null once reporting has ended (completed) or before the list is published.
    next_report_due = models.DateField(_("next report due"), null=True, blank=True, db_index=True)
    last_report = models.ForeignKey(
        "Report", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("last report")
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["list_id", "-role", "id"]  # lead before co
        constraints = [models.UniqueConstraint(fields=["list", "unit"], name="one_obligation_per_unit")]

    def __str__(self) -> str:
        return f"{self.list_id}/{self.unit_id}"

    @property
    def is_open(self) -> bool:
        return self.status != ObligationStatus.COMPLETED


class Report(models.Model):
    """A direct report (直报). Never edited or deleted: a correction is a new report."""

    obligation = models.ForeignKey(Obligation, models.PROTECT, related_name="reports")
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
            models.UniqueConstraint(fields=["obligation", "submission_key"], name="one_report_per_submission")
        ]


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Extension(models.Model):
    """A deadline extension request (延期申请) by one handling unit."""

    obligation = models.ForeignKey(Obligation, models.PROTECT, related_name="extensions")
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


class Policy(models.Model):
    """The office's tunable rules (one row): traffic-light thresholds and the escalation ladder.

    Admins edit it in the UI; `current()` reads it through the cache (it changes rarely).
    """

    light_due_soon_days = models.PositiveSmallIntegerField(_("yellow when a report is due within (days)"), default=3)
    light_red_after_days = models.PositiveSmallIntegerField(_("red when a report is overdue more than (days)"), default=7)
    reminder_workdays = models.PositiveSmallIntegerField(_("remind (working days before a report is due)"), default=2)
    order_after_workdays = models.PositiveSmallIntegerField(
        _("supervision order (working days after the urge)"), default=3
    )
    talk_orders = models.PositiveSmallIntegerField(_("talk proposal after this many orders"), default=2)
    talk_window_days = models.PositiveSmallIntegerField(_("… within this many days"), default=90)
    talk_overdue_workdays = models.PositiveSmallIntegerField(
        _("talk proposal when overdue more than (working days)"), default=10
    )

    CACHE_KEY = "luoshi:policy"

    class Meta:
        verbose_name = _("policy")

    def __str__(self) -> str:
        return str(_("policy"))

    @classmethod
    def current(cls) -> "Policy":
        """Read through a per-process memo (a page computes many lights) backed by the shared cache."""
        import time

        from django.core.cache import cache

        memo = _policy_memo.get("policy")
        if memo and memo[1] > time.monotonic():
            return memo[0]
        policy = cache.get(cls.CACHE_KEY)
        if policy is None:
            policy = cls.objects.filter(pk=1).first() or cls(pk=1)
            cache.set(cls.CACHE_KEY, policy, 30)
        _policy_memo["policy"] = (policy, time.monotonic() + 5)
        return policy

    @classmethod
    def forget(cls) -> None:
        """Drop the cached policy after a change (other processes see it within 30 s)."""
        from django.core.cache import cache

        cache.delete(cls.CACHE_KEY)
        _policy_memo.clear()


_policy_memo: dict[str, tuple["Policy", float]] = {}
