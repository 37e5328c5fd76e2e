"""The weekly supervision bulletin (督查通报): numbered per year, its figures frozen as printed, its files kept."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Bulletin(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number"))  # 2026年第N期
    period_from = models.DateField(_("from"))
    period_to = models.DateField(_("to"))
    figures = models.JSONField(default=dict)  # the sections as printed (cockpit.figures for the period)
    pdf = models.BinaryField()
    docx = models.BinaryField()
    # None when the worker made it on a Monday.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"))
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-year", "-number"]
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="bulletin_number_unique")]
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")

    def __str__(self) -> str:
        return f"{self.year}-{self.number}"
