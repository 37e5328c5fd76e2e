"""The index's filters, sorts and pages from GET parameters, and the choices the filter form offers.

What cannot be understood goes, with a message naming the parameter, to the filters' `errors`: the page
answers 400 with the form, never 500.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.duties.lights import GREEN, LIGHTS, RED, YELLOW
from luoshi.duties.models import Duty
from luoshi.errors import InvalidInput
from luoshi.lists import queries
from luoshi.lists.access import visible_lists_q
from luoshi.lists.figures import tallied_choices
from luoshi.lists.models import ListStatus, Source
from luoshi.lists.services import owner_type
from luoshi.org.models import Person, Role, Unit
from luoshi.text import bad_character

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_Q = 100
TRUE = {"1", "on", "true", "yes"}
FALSE = {"", "0", "off", "false", "no"}


Choices = list[tuple[str, str]]  # (value, label) of a select box


def lights() -> Choices:
    return [(GREEN, _("Green")), (YELLOW, _("Yellow")), (RED, _("Red"))]


@dataclass
class FilterOptions:
    """The choices of the filter form, from what the person may see: one query each."""

    leaders: list[Person]
    units: list[Unit]
    years: list[int]

    @classmethod
    def for_person(cls, person: Person) -> "FilterOptions":
        if visible_lists_q(person) is None:  # everything: the choices are read from the tallies
            leader_ids, unit_ids, years = tallied_choices()
            leaders = list(
                Person.objects.filter(pk__in=leader_ids).only("id", "username", "name").order_by("name", "id")
            )
            return cls(leaders, list(Unit.objects.filter(pk__in=unit_ids).only("id", "name").order_by("id")), years)
        visible = queries.visible_lists(person)
        leaders = list(
            Person.objects.filter(pk__in=visible.order_by().values("leader_id"))
            .only("id", "username", "name")
            .order_by("name", "id")
        )
        units = list(
            Unit.objects.filter(
                pk__in=Duty.objects.filter(
                    owner_type=owner_type(), owner_id__in=visible.order_by().values("pk")
                ).values("unit_id")
            )
            .only("id", "name")
            .order_by("id")
        )
        years = list(visible.order_by("-year").values_list("year", flat=True).distinct())
        return cls(leaders, units, years)


def parse_int(raw: str) -> int | None:
    try:
        return int(raw)
    except ValueError:
        return None


# The date parameters (inclusive days) and the ListFilters field each sets.
DAY_PARAMS = {"from": "published_from", "to": "published_to", "closed_from": "closed_from", "closed_to": "closed_to"}


def parse_day(raw: str) -> date | None:
    try:
        day = date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        return None
    return day if day and MIN_YEAR <= day.year <= MAX_YEAR else None


def is_leader(pk: int | None) -> bool:
    """A leader with no list yet (not among the choices) is still a leader to filter by: nothing is found."""
    person = Person.objects.filter(pk=pk, is_active=True).first() if pk and 0 < pk < 2**63 else None
    return person is not None and person.has_role(Role.LEADER)


def parse_filters(params: QueryDict, options: FilterOptions) -> queries.ListFilters:
    """GET parameters to ListFilters; what cannot be understood goes, with a message, to `errors`."""
    f = queries.ListFilters()
    errors = f.errors
    get = lambda name: params.get(name, "").strip()  # noqa: E731

    f.status = get("status")
    if f.status and f.status not in ListStatus.values:
        errors["status"] = _("Unknown status “%(value)s”.") % {"value": f.status}
    f.source = get("source")
    if f.source and f.source not in Source.values:
        errors["source"] = _("Unknown source “%(value)s”.") % {"value": f.source}
    f.light = get("light")
    if f.light and f.light not in LIGHTS:
        errors["light"] = _("Unknown light “%(value)s”: choose green, yellow or red.") % {"value": f.light}

    if raw := get("leader"):
        f.leader = parse_int(raw)
        if f.leader not in {p.pk for p in options.leaders} and not is_leader(f.leader):
            errors["leader"] = _("Unknown leader “%(value)s”: choose one from the list.") % {"value": raw}
    if raw := get("unit"):
        f.unit = parse_int(raw)
        if f.unit not in {u.pk for u in options.units}:
            errors["unit"] = _("Unknown unit “%(value)s”: choose one from the list.") % {"value": raw}
    if raw := get("year"):
        f.year = parse_int(raw)
        if f.year is None or not MIN_YEAR <= f.year <= MAX_YEAR:
            errors["year"] = _("Unknown year “%(value)s”: give a year such as %(year)s.") % {
                "value": raw,
                "year": timezone.localdate().year,
            }

    for name, attr in DAY_PARAMS.items():
        if raw := get(name):
            day = parse_day(raw)
            if day is None:
                errors[name] = _("“%(param)s”: give a date as YYYY-MM-DD, such as %(today)s.") % {
                    "param": name,
                    "today": timezone.localdate().isoformat(),
                }
            setattr(f, attr, day)

    overdue = get("overdue").lower()
    if overdue not in TRUE | FALSE:
        errors["overdue"] = _("“Overdue only” is either on or off.")
    f.overdue = overdue in TRUE

    f.q = get("q")
    if len(f.q) > MAX_Q:
        errors["q"] = _("The search text is too long (at most %(n)s characters).") % {"n": MAX_Q}
    elif (ch := bad_character(f.q, multiline=False)) is not None:
        errors["q"] = _("The search text contains a character that is not allowed (U+%(code)04X).") % {"code": ord(ch)}
        f.q = ""  # never sent to the database (PostgreSQL cannot even compare a NUL)
    f.sort = parse_sort(params, errors)
    return f


def parse_sort(params: QueryDict, errors: dict[str, str]) -> str:
    try:
        return queries.check_sort(params.get("sort", ""))
    except InvalidInput as err:
        errors["sort"] = err.message
        return queries.DEFAULT_SORT


def sort_links(current: str) -> dict[str, dict[str, str]]:
    """Per column of the table: the sort its heading asks for (the other direction when it is the
    current one), its arrow and its aria-sort."""
    key, descending = current.removeprefix("-"), current.startswith("-")
    links: dict[str, dict[str, str]] = {}
    for k in queries.SORTS:
        if k == key:
            links[k] = {
                "next": k if descending else f"-{k}",
                "arrow": "▼" if descending else "▲",
                "aria": "descending" if descending else "ascending",
            }
        else:
            links[k] = {"next": k, "arrow": "", "aria": "none"}
    return links


def page_number(params: QueryDict, errors: dict[str, str]) -> int | str:
    raw = params.get("page", "").strip()
    if not raw:
        return 1
    if raw == "last":
        return raw
    n = parse_int(raw)
    if n is None or n < 1:
        errors["page"] = _("The page must be a positive number.")
        return 1
    return n


@dataclass
class Select:
    """A select box of the filter form: (value, label) choices, the empty value meaning all."""

    name: str
    label: str
    choices: Choices
    value: str = ""


def selects(person: Person, options: FilterOptions, params: QueryDict, year_selected: int | None) -> list[Select]:
    years = list(options.years)
    if year_selected and year_selected not in years:
        years = sorted([*years, year_selected], reverse=True)
    selects = [
        Select("status", _("Status"), statuses(person)),
        Select("source", _("Source"), [(v, str(label)) for v, label in Source.choices]),
        Select("leader", _("Responsible leader"), [(str(p.pk), str(p)) for p in options.leaders]),
        Select("unit", _("Handling unit"), [(str(u.pk), u.name) for u in options.units]),
        Select("light", _("Light"), lights()),
        Select("year", _("Year"), [(str(y), str(y)) for y in years]),
    ]
    for select in selects:
        select.value = params.get(select.name, "").strip()
    return selects


def statuses(person: Person) -> Choices:
    """Drafts are the office's until published: nobody else is offered them."""
    return [(v, str(label)) for v, label in ListStatus.choices if v != ListStatus.DRAFT or person.is_office]


def status_tabs(person: Person, counts: dict[str, int], current: str) -> list[dict[str, Any]]:
    tabs = [("", _("All"), counts["all"])]
    tabs += [(value, label, counts[value]) for value, label in statuses(person)]
    return [{"value": v, "label": label, "count": n, "active": v == current} for v, label, n in tabs]
