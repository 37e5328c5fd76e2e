"""The administrator's writes behind the settings pages: the office's policy (lights and the ladder)
and the working-day calendar (one day, or China's official calendar for a whole year)."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from luoshi.duties import owners
from luoshi.duties.models import Policy
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.services import record
from luoshi.org import access
from luoshi.org.models import Person
from luoshi.workdays import calendar, china
from luoshi.workdays.models import CalendarDay
from luoshi.workdays.services import do_set_day

# Each tunable field with its sane bounds (inclusive). The form shows the same bounds.
BOUNDS: dict[str, tuple[int, int]] = {
    "light_due_soon_days": (1, 30),
    "light_red_after_days": (1, 90),
    "reminder_workdays": (1, 20),
    "order_after_workdays": (1, 30),
    "talk_orders": (1, 20),
    "talk_window_days": (7, 366),
    "talk_overdue_workdays": (1, 120),
}
FIELDS = tuple(BOUNDS)


def policy_values(policy: Policy) -> dict[str, int]:
    return {name: getattr(policy, name) for name in FIELDS}


def stored_policy(kind: str = "list") -> Policy:
    """The row as stored (not the cached copy); unsaved defaults if there is none yet."""
    return Policy.objects.filter(owner_kind=kind).first() or Policy(owner_kind=kind)


def check_policy(values: dict[str, int]) -> None:
    """Every value an integer within its bounds; the talk proposal comes after the supervision order."""
    for name, value in values.items():
        if name not in BOUNDS:
            raise InvalidInput(_("Unknown setting “{name}”.").format(name=name), name)
        low, high = BOUNDS[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput(_("Give a whole number from {low} to {high}.").format(low=low, high=high), name)
    if values["talk_overdue_workdays"] <= values["order_after_workdays"]:
        raise InvalidInput(
            _("The talk proposal must come later than the supervision order: give more working days."),
            "talk_overdue_workdays",
        )


def do_update_policy(actor: Person, kind: str = "list", **values: int) -> Policy:
    """Write one owner kind's policy row (created if missing) and record what changed; clear the cached copy.

    Saving the same values again changes nothing and records nothing.
    """
    if not access.can_manage_org(actor):
        raise NotAllowed(_("Only an administrator changes the policy."))
    with transaction.atomic():
        if kind not in owners.kinds():
            raise InvalidInput(_("Unknown kind of work."), "kind")
        Policy.objects.get_or_create(owner_kind=kind)
        policy = Policy.objects.select_for_update().get(owner_kind=kind)
        before = policy_values(policy)
        after = {**before, **values}
        check_policy(after)
        if after != before:
            for name, value in after.items():
                setattr(policy, name, value)
            policy.save(update_fields=list(FIELDS))
            changed = [name for name in FIELDS if after[name] != before[name]]
            record(
                actor,
                "policy.changed",
                "policy",
                policy.pk,
                before={name: before[name] for name in changed},
                after={name: after[name] for name in changed},
            )
        transaction.on_commit(Policy.forget)
    Policy.forget()
    return policy


def do_set_calendar_day(actor: Person, day: date, is_workday: bool, note: str = "") -> tuple[CalendarDay, bool]:
    """workdays.services.do_set_day, unless the day already is what is asked: (entry, changed).

    A repeated submission then records no second event.
    """
    if not access.can_manage_org(actor):
        raise NotAllowed(_("Only an administrator edits the calendar."))
    note = note.strip()
    stored = CalendarDay.objects.filter(date=day).first()
    if is_workday == (day.weekday() < 5):  # the weekday rule: do_set_day removes any exception
        unchanged = stored is None
    else:
        unchanged = stored is not None and stored.is_workday == is_workday and stored.note == note
    if unchanged:
        return stored or CalendarDay(date=day, is_workday=is_workday), False
    return do_set_day(actor, day, is_workday, note), True


def official_years() -> list[int]:
    return sorted(china.HOLIDAYS)


def do_load_official_calendar(actor: Person, year: int) -> int:
    """Store China's official holidays and make-up workdays of `year` in one go, with one event.

    Refused when the calendar already holds days of that year: edit those one by one.
    """
    if not access.can_manage_org(actor):
        raise NotAllowed(_("Only an administrator edits the calendar."))
    days = china.official_days(year)
    if not days:
        raise InvalidInput(_("No official calendar is shipped for {year}.").format(year=year), "year")
    already = Conflict(_("The calendar already holds days of {year}; edit them one by one.").format(year=year))
    try:
        with transaction.atomic():
            if CalendarDay.objects.filter(date__year=year).exists():
                raise already
            CalendarDay.objects.bulk_create(CalendarDay(date=d, is_workday=w, note=n) for d, w, n in days)
            transaction.on_commit(calendar.forget)
            record(
                actor,
                "calendar.loaded",
                "calendar",
                year,
                after={
                    "year": year,
                    "holidays": sum(1 for _d, w, _n in days if not w),
                    "workdays": sum(1 for _d, w, _n in days if w),
                },
            )
    except IntegrityError:  # a concurrent load of the same year won
        raise already from None
    return len(days)
