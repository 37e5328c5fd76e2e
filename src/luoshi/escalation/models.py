"""The escalation ladder's facts: lateness episodes and the steps taken in them."""

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


class Episode(models.Model):
    """One lateness episode of one obligation: a report due on `due_date`, or its deadline `due_date`.

    A report, an accepted completion or an approved extension moves the obligation's dates,
    which ends the episode; the next lateness is a new episode with a new key.
    """

    obligation = models.ForeignKey("lists.Obligation", models.CASCADE, related_name="episodes")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+")
    list = models.ForeignKey("lists.ResponsibilityList", models.CASCADE, related_name="+")
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
                fields=["obligation", "kind", "due_date"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_episode_per_due_date",
            ),
        ]
        indexes = [models.Index(fields=["closed_at", "obligation"])]


class Escalation(models.Model):
    """A step taken (提醒 / 催办通知 / 督办单 / 约谈建议): numbered, addressed, never deleted."""

    episode = models.ForeignKey(Episode, models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="escalations", verbose_name=_("unit"))
    list = models.ForeignKey(
        "lists.ResponsibilityList", models.CASCADE, related_name="escalations", verbose_name=_("list")
    )
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
                fields=["episode", "step"], condition=models.Q(manual=False), name="one_step_per_episode"
            ),
        ]
        indexes = [models.Index(fields=["unit", "step", "created_at"])]
