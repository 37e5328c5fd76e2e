"""Talks (约谈), incidents (事故/事件), violations of work-style discipline (违反作风纪律) and
accountability decisions (问责): restricted records. Who may read them is oversight.access; every read
is an audited event. What caused a talk or a case is kept as reasons, each naming one stored record."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectKind(models.TextChoices):
    UNIT = "unit", _("Unit")
    PERSON = "person", _("Person")


class TalkKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder talk (提醒约谈)")
    ADMONITION = "admonition", _("Admonishing talk (诫勉谈话)")
    INQUIRY = "inquiry", _("Written inquiry (函询)")
    CRITICISM = "criticism", _("Criticism and education (批评教育)")


class Talk(models.Model):
    """Who talked to whom (a unit's head: `unit` alone; a person: `person`, and his unit), when, the record,
    and optionally a follow-up the unit owes (a duty of owner kind "talk")."""

    kind = models.CharField(_("kind"), max_length=12, choices=TalkKind.choices)
    subject_kind = models.CharField(_("talked to"), max_length=6, choices=SubjectKind.choices)
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="talks", verbose_name=_("unit"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="talks_received"
    )
    talked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="talks_held"
    )
    held_on = models.DateField(_("held on"), db_index=True)
    record = models.TextField(_("record"), blank=True)
    # The ladder's talk proposal (约谈建议) it answers: the proposal leaves the office's queue.
    proposal = models.OneToOneField("duties.Escalation", models.PROTECT, null=True, blank=True, related_name="talk")
    followup = models.TextField(_("follow-up required"), blank=True)
    followup_deadline = models.DateField(_("follow-up by"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    duties = GenericRelation("duties.Duty", content_type_field="owner_type", object_id_field="owner_id")

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["unit", "held_on"])]
        verbose_name = _("talk")
        verbose_name_plural = _("talks")


class Incident(models.Model):
    """An incident (e.g. 西固"5·17"围墙倒塌) and the units and people involved; cases link to it as reasons."""

    title = models.CharField(_("title"), max_length=200)
    happened_on = models.DateField(_("happened on"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    units = models.ManyToManyField("org.Unit", blank=True, related_name="incidents", verbose_name=_("units"))
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="incidents", verbose_name=_("people")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-happened_on", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")


class Violation(models.Model):
    """A violation of work-style discipline found (违反作风纪律), with the person involved and his unit."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="violations")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="violations", verbose_name=_("unit"))
    description = models.TextField(_("description"))
    found_on = models.DateField(_("found on"), db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = _("violation")
        verbose_name_plural = _("violations")


class MeasureKind(models.TextChoices):
    """The measures of the accountability rules (中国共产党问责条例): the first three for an organisation,
    notice to government_sanction for a person."""

    INSPECTION = "inspection", _("Ordered self-examination (检查)")
    NOTICE = "notice", _("Circulated notice (通报)")
    REORGANISATION = "reorganisation", _("Reorganisation (改组)")
    ADMONITION = "admonition", _("Admonition (诫勉)")
    ORGANISATIONAL = "organisational", _("Organisational adjustment or handling (组织调整或组织处理)")
    PARTY_DISCIPLINE = "party_discipline", _("Party disciplinary sanction (党纪处分)")
    GOVERNMENT_SANCTION = "government_sanction", _("Government sanction (政务处分)")


UNIT_MEASURES = ("inspection", "notice", "reorganisation")
PERSON_MEASURES = ("notice", "admonition", "organisational", "party_discipline", "government_sanction")
SANCTIONS = ("party_discipline", "government_sanction")


class Accountability(models.Model):
    """An accountability decision (问责) on a unit or a person; its dossier is attachments
    (files.Attachment, subject "accountability")."""

    subject_kind = models.CharField(_("subject"), max_length=6, choices=SubjectKind.choices)
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="accountability", verbose_name=_("unit"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="accountability"
    )
    measures: models.JSONField[list[str]] = models.JSONField(_("measures"), default=list)
    # Derived from the measures at the write: a sanction (党纪/政务处分) was among them. Kept for counting.
    disciplined = models.BooleanField(_("disciplined"), default=False)
    decided_on = models.DateField(_("decided on"), db_index=True)
    body = models.CharField(_("deciding body"), max_length=100)
    summary = models.TextField(_("summary"), blank=True)
    public = models.BooleanField(_("made public"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"))
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("accountability decision")
        verbose_name_plural = _("accountability decisions")


class ReasonKind(models.TextChoices):
    LIST = "list", _("Responsibility list")
    FINDING = "finding", _("Inspection finding")
    TALK_PROPOSAL = "talk_proposal", _("Talk proposal")
    INCIDENT = "incident", _("Incident")
    VIOLATION = "violation", _("Violation")
    TALK = "talk", _("Talk")


class CaseReason(models.Model):
    """One cause of a talk or an accountability decision: a list, a finding, a talk proposal, an incident…"""

    case_type = models.CharField(max_length=16)  # "talk" or "accountability"
    case_id = models.PositiveBigIntegerField()
    kind = models.CharField(_("kind"), max_length=16, choices=ReasonKind.choices)
    ref_id = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case_type", "case_id", "kind", "ref_id"], name="case_reason_once")
        ]
        indexes = [models.Index(fields=["kind", "ref_id"]), models.Index(fields=["case_type", "case_id"])]
