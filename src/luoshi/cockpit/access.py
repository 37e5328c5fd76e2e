"""Who may open the cockpit, and the scope a request asks for (the page and the API read it alike).

- The supervision office: the whole city by default; `leader=<id>` shows that leader's cockpit.
- A leader: his or her own and supervised work. The whole city (`city=1`) is the office's: its every number
  leads to records, and a leader's indexes show only his or her own and supervised work, so a city figure
  would lead a leader to fewer records than it counts. A leader who also holds the office role has both.
  `leader=` may only name the leader himself or herself.
- Nobody else (unit liaisons, unit heads…): refused.

The period: `year` (default this year: Jan 1 – Dec 31), or `from` / `to` (inclusive dates, overriding the
year's bounds; the bulletin's comparison reads the cockpit over a week). A bad value is an InvalidInput
naming its parameter (400)."""

from collections.abc import Mapping
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.cockpit.scope import Scope, for_leader
from luoshi.errors import InvalidInput, NotAllowed
from luoshi.org.models import Person, Role
from luoshi.schemas import MAX_ID, MAX_YEAR, MIN_YEAR

TRUE = {"1", "true", "yes", "on"}
FALSE = {"", "0", "false", "no", "off"}
PARAMS = ("year", "leader", "city", "from", "to")


def is_leader(person: Person) -> bool:
    return person.has_role(Role.LEADER)


def may_open(person: Person) -> bool:
    return person.is_active and (person.is_office or is_leader(person))


def may_pick_leader(person: Person) -> bool:
    """The office picks any leader's cockpit, or the whole city; a leader sees his or her own."""
    return person.is_office


def _text(params: Mapping[str, str], name: str) -> str:
    value = params.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _year(raw: str, today: date) -> int | None:
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or not MIN_YEAR <= int(raw) <= MAX_YEAR:
        raise InvalidInput(
            _("Unknown year “%(value)s”: give a year between %(first)s and %(last)s, such as %(year)s.")
            % {"value": raw[:20], "first": MIN_YEAR, "last": MAX_YEAR, "year": today.year},
            field="year",
        )
    return int(raw)


def _day(raw: str, name: str) -> date | None:
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None or not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InvalidInput(
            _("“%(param)s”: give a date as YYYY-MM-DD between %(first)s and %(last)s.")
            % {"param": name, "first": MIN_YEAR, "last": MAX_YEAR},
            field=name,
        )
    return day


def _city(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise InvalidInput(_("“city”: give 1 (the whole city) or 0."), field="city")


def _leader(raw: str) -> Person | None:
    if not raw:
        return None
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_ID:
        raise InvalidInput(_("“leader”: give a leader's id."), field="leader")
    found = Person.objects.filter(pk=int(raw), is_active=True).first()
    if found is None or not is_leader(found):
        raise InvalidInput(_("“leader”: no leader has the id %(id)s.") % {"id": raw}, field="leader")
    return found


def _period(params: Mapping[str, str], today: date) -> tuple[date, date]:
    year = _year(_text(params, "year"), today)
    start = _day(_text(params, "from"), "from")
    end = _day(_text(params, "to"), "to")
    year = year or (start or end or today).year
    start = start or date(year, 1, 1)
    end = end or date(year, 12, 31)
    if end < start:
        raise InvalidInput(_("“to” is before “from”."), field="to")
    return start, end


def scope_from(person: Person, params: Mapping[str, str], today: date | None = None) -> Scope:
    """The scope the request's parameters ask for, as this person may see it (NotAllowed, InvalidInput)."""
    if not may_open(person):
        raise NotAllowed(_("The cockpit is for the city's leaders and the supervision office."))
    today = today or timezone.localdate()
    start, end = _period(params, today)
    city = _city(_text(params, "city"))
    picked = _leader(_text(params, "leader"))
    if picked is not None and city:
        raise InvalidInput(_("Give either “city” or “leader”, not both."), field="city")
    if may_pick_leader(person):
        leader = picked  # None: the whole city
    else:
        if city or (picked is not None and picked.pk != person.pk):
            raise NotAllowed(
                _("A leader's cockpit shows his or her own and supervised work; the whole city is the office's.")
            )
        leader = person
    return for_leader(person, leader, start, end, today)
