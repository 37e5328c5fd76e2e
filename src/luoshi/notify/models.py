"""The in-app inbox, outside channels, and every delivery attempt with its outcome."""

from collections.abc import Mapping
from datetime import datetime
from typing import TypeVar

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from luoshi.workdays.calendar import Calendar
from luoshi.workdays.hours import Hours

T = TypeVar("T")


def pick_language(texts: Mapping[str, T], language: str | None = None) -> T | None:
    """The entry for `language` (default: the active one) or its base language ("en-us" -> "en")."""
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).lower()
    return texts.get(language) or texts.get(language.split("-")[0])


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # title and body are in the office's language (settings.LANGUAGE_CODE); the other languages'
    # renderings, made when the notice was created, are here: {"en": {"title": …, "body": …}}.
    # Rows from before have none and read the same in every language.
    texts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def text_in(self, language: str | None = None) -> tuple[str, str]:
        """(title, body) in `language` (default: the active one), falling back to the office's."""
        own = pick_language(self.texts, language)
        if own:
            return own.get("title") or self.title, own.get("body", self.body)
        return self.title, self.body

    @property
    def shown_title(self) -> str:
        return self.text_in()[0]

    @property
    def shown_body(self) -> str:
        return self.text_in()[1]


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS gateway (webhook)")
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")


class Channel(models.Model):
    """Where notices go besides the inbox. E-mail and SMS reach each person; robots post to a group."""

    kind = models.CharField(_("kind"), max_length=10, choices=ChannelKind.choices)
    name = models.CharField(_("name"), max_length=80)
    url = models.URLField(_("webhook URL"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.name}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Delivery(models.Model):
    channel = models.ForeignKey(Channel, models.CASCADE, related_name="deliveries")
    notification = models.ForeignKey(Notification, models.CASCADE, null=True, blank=True, related_name="deliveries")
    to = models.CharField(_("to"), max_length=200, blank=True)  # address or phone; blank for group robots
    subject = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("message"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    created_at = models.DateTimeField(_("queued"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def held_until(self, now: datetime, hours: Hours, cal: Calendar) -> datetime | None:
        """When a pending delivery waits for working hours, the moment it will go; otherwise None."""
        if self.status != DeliveryStatus.PENDING or hours.always:
            return None
        closing = hours.closing(now)
        if hours.is_open(now, cal) and closing and self.next_attempt_at < closing:
            return None  # due within the window that is open now
        return hours.next_open(max(now, self.next_attempt_at), cal)


class DeliveryAttempt(models.Model):
    delivery = models.ForeignKey(Delivery, models.CASCADE, related_name="log")
    at = models.DateTimeField()
    ok = models.BooleanField()
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class Preference(models.Model):
    """One person's choice for one registered kind of notice (see notify.kinds). No row: the default,
    the inbox and every active channel. The inbox always receives unless the kind is muted."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="notice_preferences")
    kind = models.CharField(_("kind"), max_length=30)
    muted = models.BooleanField(_("muted"), default=False)
    # The outside channel kinds (ChannelKind values) wanted for this kind; the others are skipped.
    channels = models.JSONField(_("channels"), default=list, blank=True)
    updated_at = models.DateTimeField(_("changed"))

    class Meta:
        ordering = ["person", "kind"]
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="notify_preference_once")]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.person_id} · {self.kind}"
