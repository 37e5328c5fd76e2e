"""登台剖析: the office picks a period, Luoshi ranks units by a transparent score of stored facts, the
worst N are put on a meeting's agenda with a dossier each; after the meeting each head's commitments
become duties (owner kind "commitment")."""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _


class Analysis(models.Model):
    title = models.CharField(_("title"), max_length=200)
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    meeting_on = models.DateField(_("meeting on"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    count = models.PositiveSmallIntegerField(_("units proposed"), default=4)
    # The weights the ranking used, as shown: {"late_days": 1, "urges": 2, ...}
    weights: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))
    # Set when the office confirmed the agenda (the chosen units are fixed from then on).
    confirmed_at = models.DateTimeField(_("agenda confirmed"), null=True, blank=True)
    held_at = models.DateTimeField(_("meeting held"), null=True, blank=True)
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-meeting_on", "-id"]
        verbose_name = _("public self-analysis meeting")
        verbose_name_plural = _("public self-analysis meetings")


class AnalysisUnit(models.Model):
    """One unit's place in the ranking: its facts and score as computed, and whether it is on the agenda."""

    analysis = models.ForeignKey(Analysis, models.CASCADE, related_name="ranked")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=2)
    facts: models.JSONField[dict[str, Any]] = models.JSONField(default=dict)  # {"late_days": 31, "urges": 4, ...}
    chosen = models.BooleanField(_("on the agenda"), default=False)
    head = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    speaking_order = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["analysis_id", "rank"]
        constraints = [models.UniqueConstraint(fields=["analysis", "unit"], name="analysis_unit_once")]


class Commitment(models.Model):
    """What a head committed to at the meeting, by when: the unit's duty (owner kind "commitment")."""

    analysis_unit = models.ForeignKey(AnalysisUnit, models.PROTECT, related_name="commitments")
    text = models.TextField(_("commitment"))
    deadline = models.DateField(_("deadline"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    duties = GenericRelation("duties.Duty", content_type_field="owner_type", object_id_field="owner_id")

    class Meta:
        ordering = ["analysis_unit_id", "id"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
