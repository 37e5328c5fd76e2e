"""GET requests' arguments as the specification gives them: each optional (empty is the same as absent),
lists comma-delimited or declared several times; start_date and end_date W3C datetimes, a range of at most
90 days, the most recent 90 days when neither is given. A bad value is a 400 naming the argument."""

import re
from datetime import datetime, timedelta

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.errors import InvalidInput
from luoshi.public.categories import CODE
from luoshi.public.models import Category
from luoshi.public.open311.queries import MAX_RESULTS

SPAN = timedelta(days=90)
STATUSES = ("open", "closed")
MAX_ID = 2**31 - 1
# The W3C note's forms: YYYY, YYYY-MM, YYYY-MM-DD, and a time to minutes, seconds or fractions of one with
# its zone (Z or ±hh:mm). A time without a zone is read as local time (the city's jurisdiction).
W3C = re.compile(
    r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(?P<zone>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


def values(query: QueryDict, name: str) -> list[str]:
    """An argument's values: every declaration, each split at its commas, blanks dropped."""
    return [v.strip() for raw in query.getlist(name) for v in raw.split(",") if v.strip()]


def ids(query: QueryDict) -> list[int]:
    found: list[int] = []
    for v in values(query, "service_request_id"):
        if not (v.isascii() and v.isdigit() and len(v) <= 10) or not 0 < int(v) <= MAX_ID:
            raise InvalidInput(_("Give request ids (whole numbers), comma delimited."), "service_request_id")
        found.append(int(v))
    if len(found) > MAX_RESULTS:
        raise InvalidInput(_("At most {n} ids at once.").format(n=MAX_RESULTS), "service_request_id")
    return list(dict.fromkeys(found))


def service_codes(query: QueryDict) -> list[str]:
    """The service codes asked for, each one of a category (in use or not: old requests keep theirs)."""
    asked = list(dict.fromkeys(values(query, "service_code")))
    if asked:
        well_formed = [c for c in asked if CODE.match(c)]  # only those reach the database
        known = set(Category.objects.filter(code__in=well_formed).values_list("code", flat=True))
        if unknown := [c for c in asked if c not in known]:
            raise InvalidInput(_("No such service: {codes}.").format(codes=", ".join(unknown[:5])), "service_code")
    return asked


def statuses(query: QueryDict) -> set[str]:
    asked = {v.lower() for v in values(query, "status")}
    if asked - set(STATUSES):
        raise InvalidInput(_("Give open, closed or both, comma delimited."), "status")
    return asked


def instant(raw: str, field: str) -> tuple[datetime, datetime]:
    """A W3C datetime as the span it names: (its first instant, the first instant after it). A date names
    its whole day (a month, a year: the whole of it); a time, that instant."""
    # An unencoded "+" in a query string arrives as a space.
    m = W3C.match(raw.strip().replace(" ", "+"))
    if m is None:
        raise InvalidInput(_("Give a W3C datetime, e.g. 2026-03-01T09:30:00+08:00."), field)
    year, month, day = int(m["year"]), int(m["month"] or 1), int(m["day"] or 1)
    try:
        if m["time"] is None:
            first = datetime(year, month, day, tzinfo=timezone.get_current_timezone())
            if m["day"]:
                after = first + timedelta(days=1)
            elif m["month"]:
                after = first.replace(year=year + month // 12, month=month % 12 + 1)
            else:
                after = first.replace(year=year + 1)
            return first, after
        zone = (m["zone"] or "").replace("Z", "+00:00")
        moment = datetime.fromisoformat(f"{m['year']}-{m['month']}-{m['day']}T{m['time']}{zone}")
    except ValueError:
        raise InvalidInput(_("Give a W3C datetime, e.g. 2026-03-01T09:30:00+08:00."), field) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment, moment + timedelta(microseconds=1)


def window(query: QueryDict, now: datetime) -> tuple[datetime, datetime]:
    """The requested_datetime range [from, to): the arguments', or the most recent 90 days."""
    start_raw, end_raw = query.get("start_date", "").strip(), query.get("end_date", "").strip()
    start = instant(start_raw, "start_date")[0] if start_raw else None
    end = instant(end_raw, "end_date")[1] if end_raw else None
    if start is None and end is None:
        return now - SPAN, now + timedelta(microseconds=1)
    if start is None:
        assert end is not None
        return end - SPAN, end
    if end is None:
        return start, start + SPAN
    if end <= start:
        raise InvalidInput(_("The end_date comes after the start_date."), "end_date")
    # A day's grace: a date-only end_date names its whole day, so 2026-01-01 to 2026-04-01 is 90 days.
    if end - start > SPAN + timedelta(days=1):
        raise InvalidInput(_("A range spans at most 90 days."), "end_date")
    return start, end
