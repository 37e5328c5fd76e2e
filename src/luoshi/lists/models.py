"""Responsibility lists: facts only. Each handling unit's share is a duty of the duty engine
(duties.Duty, reached as `rlist.duties`); status and lights are derived in queries and duties.lights."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
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
    FRONTLINE = "frontline", _("Problem met on a frontline day")


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_PROGRESS = "in_progress", _("In progress")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class SourceText(models.Model):
    """A document the office pasted or uploaded (a 批示, minutes, agreed items, work points) to draft lists
    from: kept as it was, so that each list made from it shows the sentence it came from."""

    text = models.TextField(_("text"))
    name = models.CharField(_("file name"), max_length=120, blank=True)  # of an upload; blank when pasted
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    as_of = models.DateField(_("document date"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("source text")
        verbose_name_plural = _("source texts")


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
    # The document it was drafted from (drafting from text) and the words of its item there.
    source_text = models.ForeignKey(
        SourceText, models.PROTECT, null=True, blank=True, related_name="lists", verbose_name=_("source text")
    )
    source_excerpt = models.TextField(_("source sentence"), blank=True)
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
    suspended_at = models.DateTimeField(_("suspended"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # Derived from the duties and kept in step by every write (lists.tallies), so that the index sorts
    # and filters by light without grouping the duties: the earliest report due and deadline of the
    # units still working, and the effective deadline (the latest of the units not yet accepted).
    working_due = models.DateField(null=True, blank=True, editable=False)
    working_deadline = models.DateField(null=True, blank=True, editable=False)
    final_deadline = models.DateField(null=True, blank=True, editable=False)
    # Units whose work is not yet accepted (working, or asking for acceptance): 0 on a list in progress
    # means it can be struck off.
    units_to_accept = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    duties = GenericRelation(
        "duties.Duty", content_type_field="owner_type", object_id_field="owner_id", related_query_name="list"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("responsibility list")
        verbose_name_plural = _("responsibility lists")
        indexes = [
            models.Index(fields=["year", "status"]),
            models.Index(fields=["status", "final_deadline"]),
            models.Index(fields=["status", "working_due"]),
            # The cockpit's and the bulletin's periods: lists published, and struck off, between two days.
            models.Index(fields=["published_at"]),
            models.Index(fields=["closed_at"]),
            # Ready to strike off, by deadline: partial, since "in progress" and "nothing to accept" are each
            # common and together rare (a planner that multiplies them would scan every list).
            models.Index(
                fields=["deadline"],
                name="lists_ready_to_close",
                condition=models.Q(status="in_progress", units_to_accept=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code or '—'} {self.title}"


class Milestone(models.Model):
    list = models.ForeignKey(ResponsibilityList, models.CASCADE, related_name="milestones")
    due_date = models.DateField(_("date"))
    title = models.CharField(_("milestone"), max_length=200)

    class Meta:
        ordering = ["due_date", "id"]


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class TransferRequest(models.Model):
    """A unit says the work is not theirs and asks for it to be transferred (申请转办); the office
    decides. Until then the unit's duty runs as before."""

    list = models.ForeignKey(ResponsibilityList, models.CASCADE, related_name="transfer_requests")
    duty = models.ForeignKey("duties.Duty", models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"))
    reason = models.TextField(_("reason"))
    suggested_unit = models.ForeignKey(
        "org.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("suggested unit")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    to_unit = models.ForeignKey(
        "org.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("transferred to")
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("transfer request")
        verbose_name_plural = _("transfer requests")
        constraints = [
            # A double submission stores one request: one waiting request per duty.
            models.UniqueConstraint(
                fields=["duty"], condition=models.Q(status="pending"), name="lists_one_pending_transfer_per_duty"
            )
        ]
