"""The demo city's units (with their shipped short names) and leaders, written fast for the reader's tests."""

from luoshi.demo.names import LEADERS, UNITS
from luoshi.org.models import Person, Role, Unit

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
