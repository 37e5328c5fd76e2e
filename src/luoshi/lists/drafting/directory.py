"""What the reader knows of the organisation: units (names, short names, kinds), leaders (names, posts), the
working-day calendar and its holidays. Pure data: `reader.directory()` loads it from the database."""

from dataclasses import dataclass, field
from datetime import date

from luoshi.workdays.calendar import Calendar

# Words a document uses for every unit of a kind.
EXPANSIONS: dict[str, str] = {
    "各县区": "district",
    "各区县": "district",
    "各县（区）": "district",
    "各县(区)": "district",
    "各区（县）": "district",
    "各县区政府": "district",
    "各县区人民政府": "district",
    "市直各部门": "department",
}


@dataclass(frozen=True)
class UnitEntry:
    id: int
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class LeaderEntry:
    id: int
    name: str
    title: str = ""


@dataclass
class Directory:
    units: list[UnitEntry]
    leaders: list[LeaderEntry]
    calendar: Calendar = field(default_factory=Calendar)
    # holiday name (春节, 国庆节…) → its (first day, last day) spans, from the calendar's notes
    holidays: dict[str, list[tuple[date, date]]] = field(default_factory=dict)
    _index: dict[str, dict[str, tuple[int, ...]]] | None = field(default=None, repr=False, compare=False)
    _kinds: dict[int, str] | None = field(default=None, repr=False, compare=False)

    def names(self) -> dict[str, dict[str, tuple[int, ...]]]:
        """First character → {name or alias or expansion word → unit ids}, longest names first."""
        if self._index is None:
            words: dict[str, tuple[int, ...]] = {}
            for unit in self.units:
                for name in (*unit.aliases, unit.name):  # a unit's own name wins over another's alias
                    if name:
                        words[name] = (unit.id,)
            for word, kind in EXPANSIONS.items():
                ids = tuple(u.id for u in self.units if u.kind == kind)
                if ids:
                    words[word] = ids
            index: dict[str, dict[str, tuple[int, ...]]] = {}
            for word in sorted(words, key=len, reverse=True):
                index.setdefault(word[0], {})[word] = words[word]
            self._index = index
        return self._index

    def kind_of(self, unit_id: int) -> str:
        if self._kinds is None:
            self._kinds = {u.id: u.kind for u in self.units}
        return self._kinds.get(unit_id, "")


def holiday_spans(days: list[tuple[date, str]]) -> dict[str, list[tuple[date, date]]]:
    """Consecutive rest days with the same note → {note: [(first, last)…]}."""
    spans: dict[str, list[tuple[date, date]]] = {}
    for day, note in sorted(days):
        runs = spans.setdefault(note, [])
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return spans
