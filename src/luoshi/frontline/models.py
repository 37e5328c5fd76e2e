"""Frontline work (一线工作): leaders' days at the grassroots, at the units they supervise and at project
sites; cadres stationed at major projects (蹲守干部); people's posting history and the promotion rule
(赛场选马): a candidate for a selection round must have held a frontline post, or be sent to one first."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldKind(models.TextChoices):
    GRASSROOTS = "grassroots", _("Grassroots (基层)")
    SUPERVISED_UNIT = "supervised_unit", _("Supervised unit (分管部门)")
    PROJECT_SITE = "project_site", _("Major project site (重大项目)")


class Fieldwork(models.Model):
    """One entry of a leader's frontline log: a trip of `days` days from `date` (logged after the fact).
    Compliance counts distinct days, so two entries on one day count that day once."""

    leader = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="fieldwork")
    date = models.DateField(_("date"), db_index=True)
    days = models.PositiveSmallIntegerField(_("days"), default=1)
    last_date = models.DateField(_("last day"), db_index=True)  # date + days - 1, kept for month queries
    kind = models.CharField(_("kind"), max_length=16, choices=FieldKind.choices)
    place = models.CharField(_("place"), max_length=200)
    unit = models.ForeignKey(
        "org.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("unit visited")
    )
    purpose = models.TextField(_("purpose"), blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(_("logged"))
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["leader", "date"]), models.Index(fields=["leader", "last_date"])]
        verbose_name = _("frontline day")
        verbose_name_plural = _("frontline days")


class FieldProblem(models.Model):
    """A problem met (and perhaps solved on the spot) on a frontline day; one step makes it a list."""

    fieldwork = models.ForeignKey(Fieldwork, models.CASCADE, related_name="problems")
    text = models.TextField(_("problem"))
    solved = models.BooleanField(_("solved on the spot"), default=False)
    list = models.OneToOneField(
        "lists.ResponsibilityList", models.PROTECT, null=True, blank=True, related_name="field_problem"
    )

    class Meta:
        ordering = ["id"]


class Stationing(models.Model):
    """A cadre stationed at a major project site (蹲守干部), from–to; the ledger task where one exists."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="stationings")
    project = models.CharField(_("project"), max_length=200)
    task = models.ForeignKey(
        "ledger.Task", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("ledger task")
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["-start", "-id"]
        verbose_name = _("stationed cadre")
        verbose_name_plural = _("stationed cadres")


class PostCategory(models.TextChoices):
    INSPECTION = "inspection", _("Inspection (督查)")
    STABILITY = "stability", _("Stability (维稳)")
    PETITIONS = "petitions", _("Petitions (信访)")
    ASSISTANCE = "assistance", _("Joint assistance (联扶)")
    INVESTMENT = "investment", _("Investment attraction (招商引资)")
    MAJOR_PROJECT = "major_project", _("Major project construction (重大项目建设)")
    GENERAL = "general", _("General post")


class Posting(models.Model):
    """One post a person held (or holds: no end): the history the promotion rule reads. A frontline
    placement given to a candidate is a posting too, tracked until its planned end."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="postings")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    post = models.CharField(_("post"), max_length=100)
    category = models.CharField(_("category"), max_length=16, choices=PostCategory.choices)
    level = models.CharField(_("level"), max_length=30, blank=True)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"), null=True, blank=True)
    # A placement: the candidate it was given to, and when it should end (tracked to completion).
    placement_for = models.ForeignKey("Candidate", models.PROTECT, null=True, blank=True, related_name="placements")
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["person_id", "start", "id"]
        indexes = [models.Index(fields=["person", "start"])]
        verbose_name = _("posting")
        verbose_name_plural = _("postings")


class SelectionKind(models.TextChoices):
    COUNTY_LEADING = "county_leading", _("County-level leading post (正/副县级领导职务)")
    COUNTY_NON_LEADING = "county_non_leading", _("County-level non-leading post (非领导职务)")
    KEY_CULTIVATION = "key_cultivation", _("Key cultivation target (重点培养对象)")
    SECTION_LEVEL = "section_level", _("Section level in a city department (市直部门科级)")


class Selection(models.Model):
    """A selection round's candidate list, each candidate checked against the rule when added."""

    kind = models.CharField(_("kind"), max_length=20, choices=SelectionKind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("selection round")
        verbose_name_plural = _("selection rounds")


class Candidate(models.Model):
    selection = models.ForeignKey(Selection, models.CASCADE, related_name="candidates")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    eligible = models.BooleanField(_("eligible"))
    missing: models.JSONField[list[Any]] = models.JSONField(default=list)  # what the rule found lacking
    checked_at = models.DateTimeField(_("checked"))

    class Meta:
        ordering = ["selection_id", "id"]
        constraints = [models.UniqueConstraint(fields=["selection", "person"], name="candidate_once")]
