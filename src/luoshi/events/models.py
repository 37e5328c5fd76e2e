"""The event log: every state change, with who, when, what, before and after.

Timelines and the audit trail are read from here. Rows are only ever inserted.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=40)
    # The object whose timeline this event belongs to, e.g. ("list", 42).
    subject_type = models.CharField(max_length=20)
    subject_id = models.BigIntegerField()
    unit = models.ForeignKey("org.Unit", models.PROTECT, null=True, blank=True, related_name="+")
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.subject_type}:{self.subject_id}"


class Counter(models.Model):
    """Gap-free numbering (list codes, notice numbers) that is safe under concurrent writers."""

    key = models.CharField(max_length=40, primary_key=True)
    value = models.PositiveIntegerField(default=0)


class ScheduledJob(models.Model):
    """When a periodic job is next due. Workers claim a run with a conditional update: one wins."""

    name = models.CharField(max_length=40, primary_key=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
