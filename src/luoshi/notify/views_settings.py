"""The settings page: each registered kind of notice with a mute switch and its channel checkboxes."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from luoshi.errors import ServiceError
from luoshi.notify.models import ChannelKind
from luoshi.notify.preferences import (
    CHANNEL_LABELS,
    Choice,
    Setting,
    active_channel_kinds,
    do_set_preferences,
    settings_of,
)
from luoshi.org.models import Person
from luoshi.pages import Request


@dataclass(frozen=True)
class ChannelBox:
    kind: str
    label: str
    checked: bool
    hint: str  # why it may not reach the person (no address on file), or ""


@dataclass(frozen=True)
class Row:
    setting: Setting
    channels: list[ChannelBox]


def _missing_address(person: Person, kind: str) -> str:
    if kind == ChannelKind.EMAIL and not person.email:
        return _("no e-mail address on file")
    if kind == ChannelKind.SMS and not person.phone:
        return _("no mobile number on file")
    return ""


def _rows(person: Person, settings: list[Setting], available: list[str]) -> list[Row]:
    return [
        Row(
            s,
            [ChannelBox(c, str(CHANNEL_LABELS[c]), c in s.channels, _missing_address(person, c)) for c in available],
        )
        for s in settings
    ]


def _posted(request: Request, settings: list[Setting], available: list[str]) -> list[Choice]:
    """Each kind as the form sent it. A channel kind that is not set up is not on the page: it keeps
    the person's earlier choice, so that switching it on later brings their notices back there."""
    choices = []
    for s in settings:
        shown = request.POST.getlist(f"{s.kind}:channels")
        kept = [c for c in s.channels if c not in available]
        muted = s.mutable and f"{s.kind}:muted" in request.POST
        choices.append(Choice(s.kind, muted, [*shown, *kept]))
    return choices


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: Request) -> HttpResponse:
    """Everyone's own settings. Saving twice stores the same state once (and records one event)."""
    person = request.user
    available = active_channel_kinds()
    settings = settings_of(person)
    status = 200
    if request.method == "POST":
        try:
            do_set_preferences(person, person, _posted(request, settings, available))
        except ServiceError as e:
            messages.error(request, e.message)
            status = e.status
        else:
            messages.success(request, _("Notification settings saved."))
            return redirect("notify:settings")
    context = {"rows": _rows(person, settings, available), "has_channels": bool(available)}
    return render(request, "notify/settings.html", context, status=status)
