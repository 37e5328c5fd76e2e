from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.errors import NotAllowed
from luoshi.events.services import record
from luoshi.org import access
from luoshi.org.models import Person
from luoshi.workdays import calendar
from luoshi.workdays.models import CalendarDay


def do_set_day(actor: Person, day: date, is_workday: bool, note: str = "") -> CalendarDay:
    """Mark a day as a holiday or a make-up workday; a day that matches the weekday rule is removed."""
    if not access.can_manage_org(actor):
        raise NotAllowed(_("Only an administrator edits the calendar."))
    with transaction.atomic():
        before: dict = dict(CalendarDay.objects.filter(date=day).values("is_workday", "note").first() or {})
        if is_workday == (day.weekday() < 5):
            CalendarDay.objects.filter(date=day).delete()
            entry = CalendarDay(date=day, is_workday=is_workday, note="")
        else:
            entry, _created = CalendarDay.objects.update_or_create(
                date=day, defaults={"is_workday": is_workday, "note": note.strip()}
            )
        transaction.on_commit(calendar.forget)
        record(actor, "calendar.changed", "calendar", day.year, before=before,
               after={"date": day.isoformat(), "is_workday": is_workday, "note": note.strip()})
    return entry
