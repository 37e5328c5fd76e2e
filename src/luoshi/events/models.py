"""The event log: every state change, with who, when, what, before and after.

Timelines and the audit trail are read from here. Rows are only ever inserted.
"""

import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.db import connections, models, transaction
from django.utils.translation import gettext_lazy as _


class EventQuerySet(models.QuerySet["Event"]):
    """Every insert of events tags the rows with its transaction's token, so that its commit chains them."""

    def create(self, **kwargs: Any) -> "Event":
        with transaction.atomic(using=self.db, savepoint=False):
            return super().create(**kwargs, pending=pending_token(self.db))

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list["Event"]:
        with transaction.atomic(using=self.db, savepoint=False):
            token = pending_token(self.db)
            objs = list(objs)
            for obj in objs:
                obj.pending = token
            return super().bulk_create(objs, *args, **kwargs)


def pending_token(using: str = "default") -> int:
    """The current transaction's token for its new events (see events.backends): random, so that a row
    inserted behind the application's back is never taken into the chain by someone else's commit."""
    connection = connections[using]
    token = getattr(connection, "luoshi_pending", None)
    if token is None:
        token = connection.luoshi_pending = secrets.randbits(62) + 1  # type: ignore[attr-defined]
    return token


EventManager = models.Manager.from_queryset(EventQuerySet)


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
    # Where the act came from (the client's address; empty for the worker and the command line) and
    # how it ended: "ok", "failed" (e.g. a wrong password) or "refused" (e.g. a locked account).
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, default="ok")
    # The SM3 chain (events.chain): the row's place in the database's one sequence, the digest of the
    # row before it and its own digest over its content and that one. Set just before the commit.
    seq = models.BigIntegerField(null=True, blank=True, unique=True)
    prev = models.CharField(max_length=64, blank=True)
    digest = models.CharField(max_length=64, blank=True)
    # The token of the transaction that inserted the row, until its commit chains it (then null).
    pending = models.BigIntegerField(null=True, blank=True)

    objects: ClassVar[Any] = EventManager()
    sealed_at_commit = True  # luoshi.bulk.insert tags the rows as EventQuerySet does

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "at"]),
            # a transaction's new rows, found by its commit
            models.Index(fields=["pending"], condition=models.Q(pending__isnull=False), name="events_event_pending"),
            models.Index(fields=["kind", "at"], name="events_event_kind_at"),
            models.Index(fields=["actor", "at"], name="events_event_actor_at"),
        ]

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


class ChainHead(models.Model):
    """The chain's last row: its place and digest. One row (pk 1), locked by the commit that extends it."""

    seq = models.BigIntegerField(default=0)
    digest = models.CharField(max_length=64, default="")


class Anchor(models.Model):
    """The head of the chain as it was at a time, kept (and printed to the log) so that a rewrite of the
    whole chain from some row on, digests recomputed, no longer matches what was anchored before it."""

    at = models.DateTimeField()
    seq = models.BigIntegerField()
    digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
