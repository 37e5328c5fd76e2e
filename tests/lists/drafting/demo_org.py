"""The demo city's units (with their shipped short names) and leaders, written fast for the reader's tests."""

from luoshi.demo.names import LEADERS, UNITS
from luoshi.lists.drafting.directory import Directory, LeaderEntry, UnitEntry, holiday_spans
from luoshi.org.models import Person, Role, Unit
from luoshi.workdays import china
from luoshi.workdays.calendar import Calendar

try:
    from luoshi.demo.aliases import ALIASES
except ImportError:  # pragma: no cover - the aliases ship with the demo
    ALIASES = {}


def build_demo_org() -> None:
    made: dict[str, Unit] = {}
    for code, name, kind, parent in UNITS:
        made[code] = Unit.objects.create(
            name=name, kind=kind, parent=made[parent] if parent else None, aliases=list(ALIASES.get(name, []))
        )
    Person.objects.bulk_create(
        [Person(username=u, name=n, title=t, roles=[Role.LEADER], password="!") for u, n, t, _ in LEADERS]
    )


def memory_directory() -> Directory:
    """The same organisation without the database: unit ids from 1 in names.py's order, leaders from 101."""
    units = [UnitEntry(k + 1, name, kind, tuple(ALIASES.get(name, []))) for k, (_, name, kind, _) in enumerate(UNITS)]
    leaders = [LeaderEntry(101 + k, name, title) for k, (_, name, title, _) in enumerate(LEADERS)]
    days = [d for year in china.HOLIDAYS for d in china.official_days(year)]
    return Directory(
        units,
        leaders,
        Calendar({day: work for day, work, _ in days}),
        holiday_spans([(day, note) for day, work, note in days if not work]),
    )


DIR = memory_directory()
UNIT = {u.name: u.id for u in DIR.units}
LEADER = {p.name: p.id for p in DIR.leaders}
DISTRICTS = {u.id for u in DIR.units if u.kind == "district"}
DEPARTMENTS = {u.id for u in DIR.units if u.kind == "department"}
