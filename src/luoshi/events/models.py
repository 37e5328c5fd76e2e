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


# The "no day" of a tally row: rows that count things rather than things falling due on a day.
NO_DAY = "0001-01-01"


class Tally(models.Model):
    """One summary figure: how many things of `kind` share these dimensions. Kept exact by the writes
    that change the facts (events.tallies), in their own transaction; `luoshi manage recount` checks
    them against the facts. Dimensions that do not apply hold 0, "" or NO_DAY (never NULL, so that an
    upsert finds the row on every database)."""

    kind = models.CharField(max_length=30)
    year = models.IntegerField(default=0)
    leader_id = models.BigIntegerField(default=0)
    unit_id = models.BigIntegerField(default=0)
    source = models.CharField(max_length=30, default="")
    status = models.CharField(max_length=30, default="")
    # The first day the counted things are overdue (so "overdue today" is a sum over day <= today).
    day = models.DateField(default=NO_DAY)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "leader_id", "unit_id", "source", "status", "day"], name="events_tally_key"
            )
        ]


class TallyShare(models.Model):
    """What one subject (e.g. ("list", 42)) adds to the tallies now, so that a write can move the
    figures by the difference between the subject's old and new share, and lock the subject while
    it does (two writers on one list never both apply the same difference)."""

    subject_type = models.CharField(max_length=20)
    subject_id = models.BigIntegerField()
    rows = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subject_type", "subject_id"], name="events_tally_share_key")]
