"""Stored uploads (evidence photos, PDFs, dossiers): kept in the database, so that every web process
sees them and a backup holds them. Each belongs to one record of an app above (named, never imported)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Attachment(models.Model):
    # The record it belongs to, e.g. ("finding", 12), ("report", 340), ("accountability", 5). Zero while
    # uploaded and not yet attached (the API's two-step upload): its uploader attaches it, once.
    subject_type = models.CharField(max_length=30)
    subject_id = models.PositiveBigIntegerField(default=0)
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name
