"""The escalation ladder's facts: lateness episodes, the steps taken in them, and each owner kind's policy."""

import threading
import time

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import models
from django.utils.translation import gettext_lazy as _


class Step(models.TextChoices):
    REMINDER = "reminder", _("Reminder")
    URGE = "urge", _("Urge notice")
    ORDER = "order", _("Supervision order")
    TALK_PROPOSAL = "talk_proposal", _("Talk proposal")


STEP_RANK: dict[str, int] = {"": 0, Step.REMINDER: 1, Step.URGE: 2, Step.ORDER: 3, Step.TALK_PROPOSAL: 4}


class EpisodeKind(models.TextChoices):
    REPORT = "report", _("Report due")
    DEADLINE = "deadline", _("Deadline passed")
    SIGN = "sign", _("Not signed for in time")


class Episode(models.Model):
    """One lateness episode of one duty: a report due on `due_date`, or its deadline `due_date`.

    A report, an accepted completion or an approved extension moves the duty's dates,
    which ends the episode; the next lateness is a new episode with a new key.
    """

    duty = models.ForeignKey("duties.Duty", models.CASCADE, related_name="episodes")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=EpisodeKind.choices)
    due_date = models.DateField()
    # The highest step taken so far; advanced only by a conditional update under a row lock.
    last_step = models.CharField(max_length=20, blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [
            # One open episode per due date; a report may end one and the same date fall due again.
            models.UniqueConstraint(
                fields=["duty", "kind", "due_date"],
                condition=models.Q(closed_at__isnull=True),
                name="duty_one_open_episode_per_due_date",
            ),
        ]
        indexes = [models.Index(fields=["closed_at", "duty"])]


class Escalation(models.Model):
    """A step taken (提醒 / 催办通知 / 督办单 / 约谈建议): numbered, addressed, never deleted."""

    episode = models.ForeignKey(Episode, models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="escalations", verbose_name=_("unit"))
    duty = models.ForeignKey("duties.Duty", models.CASCADE, related_name="escalations", verbose_name=_("duty"))
    # 催办通知 and 督办单 carry a yearly number, e.g. 2026-CB-0012 / 2026-DB-0003.
    number = models.CharField(_("number"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created"), db_index=True)
    manual = models.BooleanField(_("manual"), default=False)
    created_by = models.ForeignKey("org.Person", models.PROTECT, null=True, blank=True, related_name="+")
    # What was late, frozen when the step was taken (for the printed notice).
    due_date = models.DateField(_("was due"))
    days_overdue = models.IntegerField(_("working days overdue"), default=0)
    respond_by = models.DateField(_("respond by"), null=True, blank=True)
    # Talk proposals are handled in the office's queue.
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A step is taken once per episode, whatever the number of sweeps and workers.
            models.UniqueConstraint(
                fields=["episode", "step"], condition=models.Q(manual=False), name="duty_one_step_per_episode"
            ),
        ]
        indexes = [models.Index(fields=["unit", "step", "created_at"])]


class Policy(models.Model):
    """One owner kind's tunable rules: traffic-light thresholds and the escalation ladder (steps N/M/K/L).

    Admins edit them in the UI; `current(kind)` reads through the cache (they change rarely).
    """

    owner_kind = models.CharField(_("kind of work"), max_length=20, unique=True, default="list")
    light_due_soon_days = models.PositiveSmallIntegerField(_("yellow when a report is due within (days)"), default=3)
    light_red_after_days = models.PositiveSmallIntegerField(
        _("red when a report is overdue more than (days)"), default=7
    )
    reminder_workdays = models.PositiveSmallIntegerField(_("remind (working days before a report is due)"), default=2)
    order_after_workdays = models.PositiveSmallIntegerField(
        _("supervision order (working days after the urge)"), default=3
    )
    talk_orders = models.PositiveSmallIntegerField(_("talk proposal after this many orders"), default=2)
    talk_window_days = models.PositiveSmallIntegerField(_("… within this many days"), default=90)
    talk_overdue_workdays = models.PositiveSmallIntegerField(
        _("talk proposal when overdue more than (working days)"), default=10
    )

    CACHE_KEY = "luoshi:policy:"

    class Meta:
        verbose_name = _("policy")

    def __str__(self) -> str:
        return f"{_('policy')} · {self.owner_kind}"

    @classmethod
    def current(cls, kind: str = "list") -> "Policy":
        """Read once per request (a page computes many lights), else through a per-process memo of a few
        seconds backed by the shared cache."""
        in_request: dict[str, Policy] | None = getattr(_request_memo, "policies", None)
        if in_request is not None and (policy := in_request.get(kind)) is not None:
            return policy
        memo = _policy_memo.get(kind)
        if memo and memo[1] > time.monotonic():
            policy = memo[0]
        else:
            policy = cache.get(cls.CACHE_KEY + kind)
            if policy is None:
                policy = cls.objects.filter(owner_kind=kind).first() or cls(owner_kind=kind)
                cache.set(cls.CACHE_KEY + kind, policy, 30)
            _policy_memo[kind] = (policy, time.monotonic() + 5)
        if in_request is not None:
            in_request[kind] = policy
        return policy

    @classmethod
    def forget(cls, kind: str | None = None) -> None:
        """Drop the cached policies after a change (other processes see it within 30 s)."""
        from luoshi.duties import owners  # kept out of the models module's imports (rarely needed)

        cache.delete_many([cls.CACHE_KEY + k for k in ([kind] if kind else owners.kinds())])
        _policy_memo.clear()
        if getattr(_request_memo, "policies", None) is not None:
            _request_memo.policies = {}


_policy_memo: dict[str, tuple[Policy, float]] = {}
# The policies read by the request this thread serves: one request sees one policy. Only between
# request_started and request_finished, so a worker's long sweep still sees a change within seconds.
_request_memo = threading.local()


def _begin_request(**kwargs: object) -> None:
    _request_memo.policies = {}


def _end_request(**kwargs: object) -> None:
    _request_memo.policies = None


request_started.connect(_begin_request, dispatch_uid="luoshi_policy_begin_request")
request_finished.connect(_end_request, dispatch_uid="luoshi_policy_end_request")
