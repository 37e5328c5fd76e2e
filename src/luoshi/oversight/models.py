"""Inspections (督查): a campaign by a joint team, the units it inspects (some drawn at random from a
scope, reproducibly), and its findings (问题). A finding's rectification (整改) is a duty of the duty
engine (owner kind "finding"): the unit reports with evidence, asks for completion, and the team verifies.
Status is derived (oversight.findings.status), never stored."""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.oversight.models_analysis import Analysis, AnalysisUnit, Commitment
from luoshi.oversight.models_cases import (
    Accountability,
    CaseReason,
    Incident,
    MeasureKind,
    ReasonKind,
    SubjectKind,
    Talk,
    TalkKind,
    Violation,
)

if TYPE_CHECKING:
    from luoshi.org.models import Unit

__all__ = [
    "Accountability",
    "Analysis",
    "AnalysisUnit",
    "CaseReason",
    "Commitment",
    "Finding",
    "FindingCategory",
    "FindingStatus",
    "Incident",
    "Inspection",
    "MeasureKind",
    "Method",
    "ReasonKind",
    "Severity",
    "SubjectKind",
    "Talk",
    "TalkKind",
    "Violation",
]


class Method(models.TextChoices):
    DISCUSSION = "discussion", _("Discussion (座谈交流)")
    DOCUMENTS = "documents", _("Document review (查阅资料)")
    SPOT_CHECK = "spot_check", _("Random spot check (随机抽查)")
    UNANNOUNCED = "unannounced", _("Unannounced visit (暗访)")
    SITE_VISIT = "site_visit", _("Site visit (实地察看)")


class Inspection(models.Model):
    """A campaign (督查): a joint team led by `leader`, over a period, by some methods, of some units."""

    code = models.CharField(_("code"), max_length=20, unique=True)  # 2026-DC-001
    title = models.CharField(_("title"), max_length=200)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="led_inspections", verbose_name=_("team leader")
    )
    team_units = models.ManyToManyField("org.Unit", related_name="inspection_teams", verbose_name=_("team units"))
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="inspection_teams", verbose_name=_("team members")
    )
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    scope = models.TextField(_("scope"), blank=True)
    methods: models.JSONField[list[str]] = models.JSONField(_("methods"), default=list)
    units: "models.ManyToManyField[Unit, InspectedUnit]" = models.ManyToManyField(
        "org.Unit", through="InspectedUnit", related_name="inspections", verbose_name=_("units inspected")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-period_from", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self) -> str:
        return self.title


class InspectedUnit(models.Model):
    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="inspected")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+")
    draw = models.ForeignKey("Draw", models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["inspection", "unit"], name="inspection_unit_once")]


class Draw(models.Model):
    """A random draw of units: the candidates (as they were), the seed and the result are kept, so
    that anyone re-drawing `random.Random(seed).sample(candidates, count)` gets the same units."""

    inspection = models.ForeignKey(Inspection, models.CASCADE, related_name="draws")
    scope: models.JSONField[Any] = models.JSONField(default=dict)  # as asked: {"units": [...]} or {"kind": ...}
    candidates: models.JSONField[list[int]] = models.JSONField(default=list)  # sorted unit ids
    count = models.PositiveSmallIntegerField()
    seed = models.CharField(max_length=64)
    drawn: models.JSONField[list[int]] = models.JSONField(default=list)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]


class FindingCategory(models.Model):
    """The list the office edits; shipped with 清单落实不到位, 作风纪律, 项目推进, 服务群众, 其他."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("finding category")
        verbose_name_plural = _("finding categories")

    def __str__(self) -> str:
        return self.name


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")
    SERIOUS = "serious", _("Serious")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Not yet rectifying")
    RECTIFYING = "rectifying", _("Rectifying")
    VERIFYING = "verifying", _("Awaiting verification")
    CLOSED = "closed", _("Closed (verified)")


class Finding(models.Model):
    """A problem found (问题) at one unit; its rectification is the unit's duty (`duties`, one)."""

    inspection = models.ForeignKey(Inspection, models.PROTECT, related_name="findings")
    code = models.CharField(_("code"), max_length=24, unique=True)  # 2026-DC-001-017
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="findings", verbose_name=_("unit"))
    category = models.ForeignKey(FindingCategory, models.PROTECT, related_name="+", verbose_name=_("category"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    description = models.TextField(_("problem"))
    requirement = models.TextField(_("rectification requirement"))
    deadline = models.DateField(_("deadline"))
    found_on = models.DateField(_("found on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))
    # Set when the team verified the rectification (passed): the finding is closed.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The responsibility list it became (source "inspection"), if any; the list links back by this.
    list = models.OneToOneField(
        "lists.ResponsibilityList", models.PROTECT, null=True, blank=True, related_name="finding"
    )
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    duties = GenericRelation("duties.Duty", content_type_field="owner_type", object_id_field="owner_id")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "closed_at"]), models.Index(fields=["found_on"])]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return f"{self.code} {self.description[:30]}"


class Verification(models.Model):
    """The team's verdict on a completion request: passed closes the finding, failed reopens the duty."""

    finding = models.ForeignKey(Finding, models.PROTECT, related_name="verifications")
    passed = models.BooleanField(_("passed"))
    note = models.TextField(_("note"), blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(_("verified"))

    class Meta:
        ordering = ["verified_at", "id"]
