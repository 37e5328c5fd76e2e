"""Signing in, with "keep me signed in on this device (this working week)".

Unticked, a session lasts as it always has (SESSION_COOKIE_AGE, 8 hours by default). Ticked, it lasts
until the working week ends: the close of working hours (LUOSHI_DELIVERY_HOURS, 18:00 by default;
the day's end when hours are "always") on the last working day of this Monday-to-Sunday week, per the
working-day calendar, so that a make-up Saturday (调休) counts and a holiday Friday does not. Never
longer than LUOSHI_REMEMBER_MAX_HOURS, and never shorter than an ordinary session (a login on Friday
afternoon, or on a weekend when the week's work is over, gets the ordinary length). A remembered session
is exempt from the idle timeout (luoshi.org.sessions); the roles that need two factors are not remembered.
"""

from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.events.services import record
from luoshi.org import sessions
from luoshi.org.models import Person
from luoshi.workdays import calendar
from luoshi.workdays.hours import delivery_hours


def week_end(now: datetime) -> datetime | None:
    """The close of the last working day of `now`'s week, if that day is today or later; else None."""
    hours, cal = delivery_hours(), calendar.load()
    local = timezone.localtime(now)
    today = local.date()
    day = today + timedelta(days=6 - today.weekday())  # this week's Sunday
    while day >= today and not cal.is_workday(day):
        day -= timedelta(days=1)
    if day < today:
        return None
    if hours.closes is None:  # no working hours: the whole day
        return datetime.combine(day + timedelta(days=1), time(0), local.tzinfo)
    return datetime.combine(day, hours.closes, local.tzinfo)


def remember_until(now: datetime) -> datetime:
    """When a remembered session, begun at `now`, expires (see the module's docstring)."""
    ordinary = now + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    cap = now + timedelta(hours=getattr(settings, "LUOSHI_REMEMBER_MAX_HOURS", 7 * 24))
    end = week_end(now) or ordinary
    return max(min(end, cap), ordinary)


class RememberMeForm(AuthenticationForm):
    remember = forms.BooleanField(
        required=False,
        label=_("Keep me signed in on this device (this working week)"),
        help_text=_("Not on a shared computer."),
    )


class RememberLoginView(LoginView):
    form_class = RememberMeForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)  # signs in: a new session key, the same data for the same person
        session, user = self.request.session, form.get_user()
        wanted = bool(form.cleaned_data.get("remember"))
        if wanted and not may_be_remembered(user):
            messages.info(
                self.request, _("Your role is not kept signed in: the session ends when you are away a while.")
            )
        if wanted and may_be_remembered(user):
            until = remember_until(timezone.now())
            session.set_expiry(until)
            sessions.remember(session, True)  # exempt from the idle timeout, within its fixed expiry
            record(user, "session.remembered", "person", user.pk, after={"until": until.isoformat()})
        else:
            # Signing in again unticked on a remembered device ends the long session: back to the default.
            session.set_expiry(None)
            sessions.remember(session, False)
        return response


def may_be_remembered(person: Person) -> bool:
    """Not the roles that need two factors (LUOSHI_TWO_FACTOR_ROLES): their sessions time out when idle."""
    return not person.has_role(*getattr(settings, "LUOSHI_TWO_FACTOR_ROLES", []))
