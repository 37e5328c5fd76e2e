"""Responsibility lists brought in from an Excel 台账, and the template to fill in.

parse() reads the first sheet and checks every row without writing anything; do_import() then
creates one draft per row through services.do_create_list, all in one transaction, and only when
every row is valid (all or nothing).

The file itself is read, warily, by lists.import_file; here every cell's text is bounded and goes
through luoshi.text.check_text, and names are looked up among the units and leaders.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luoshi.errors import InvalidInput
from luoshi.lists import services
from luoshi.lists.forms import ListForm
from luoshi.lists.import_file import FIELDS, cell_text, name_key, read_rows
from luoshi.lists.models import ResponsibilityList, Source
from luoshi.org.models import Person, Role, Unit
from luoshi.text import check_text

MAX_TITLE = 200
MAX_CONTENT = 2000
MAX_CELL = 200  # names, dates, numbers
MAX_SHOWN = 200  # a longer cell is shown cut in the preview
DEFAULT_EVERY = 30

LABELS = {name: ListForm.base_fields[name].label for name in FIELDS}  # the create form's labels
SEPARATORS = re.compile(r"[、，,;；\r\n]+")
DATE_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
WITH_POST = re.compile(r"(.+?)\s*(?:[（(]\s*(.+?)\s*[）)]|·\s*(.+))")


@dataclass
class Cell:
    field: str
    text: str
    error: str | None


@dataclass
class RowResult:
    number: int  # the row number as Excel shows it
    raw: dict[str, str]
    cleaned: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # field (or "row") → message

    @property
    def ok(self) -> bool:
        return not self.errors

    def add_error(self, name: str | None, message: str) -> None:
        self.errors[name if name in FIELDS else "row"] = message

    def display(self, name: str) -> str:
        if name in self.errors or name not in self.cleaned:
            return self.raw.get(name, "")
        value = self.cleaned[name]
        if name == "source":
            return str(Source(value).label)
        if name == "co_units":
            return "、".join(u.name for u in value if u)
        if isinstance(value, date):
            return value.isoformat()
        return "" if value is None else str(value)

    @property
    def cells(self) -> list[Cell]:
        return [Cell(f, self.display(f), self.errors.get(f)) for f in FIELDS]

    @property
    def messages(self) -> list[str]:
        """Every problem of the row as one line each, "Field: message"."""
        return [f"{LABELS[f]}: {m}" if f in LABELS else m for f, m in self.errors.items()]


@dataclass
class ParsedSheet:
    rows: list[RowResult]

    @property
    def valid(self) -> bool:
        return bool(self.rows) and all(r.ok for r in self.rows)

    @property
    def bad_rows(self) -> list[RowResult]:
        return [r for r in self.rows if not r.ok]


class ImportRejected(InvalidInput):
    """At least one row is invalid: nothing was created. `parsed` carries the row errors."""

    def __init__(self, parsed: ParsedSheet) -> None:
        super().__init__(_("Nothing was imported: correct the rows marked below and upload the sheet again."))
        self.parsed = parsed


class _Bad(Exception):
    pass


def source_names() -> dict[str, str]:
    """Every accepted spelling of a source (code, Chinese and English label) → its code."""
    names = {}
    for code, label in Source.choices:
        names[code] = code
        for lang in ("en", "zh-hans"):
            with translation.override(lang):
                names[name_key(str(label))] = code
    return names


class _Lookups:
    """Units and people named in the sheet, read in two queries."""

    def __init__(self, rows: list[dict[str, Any]], today: date) -> None:
        self.today = today
        self.sources = source_names()
        self.units = {u.name: u for u in Unit.objects.all()}
        names = set()
        for r in rows:
            text = cell_text(r.get("leader"))
            m = WITH_POST.fullmatch(text)
            names |= {text, m.group(1)} if m else {text}
        names.discard("")
        self.people: dict[str, list[Person]] = {}
        for p in Person.objects.filter(Q(name__in=names) | Q(name="", username__in=names), is_active=True):
            self.people.setdefault(str(p), []).append(p)

    def source(self, value: Any) -> str:
        text = cell_text(value)
        if not text:
            raise _Bad(_("Give the source."))
        if code := self.sources.get(name_key(text)):
            return code
        allowed = "、".join(str(label) for label in Source.labels)
        raise _Bad(_("Unknown source “%(value)s”: use one of %(allowed)s.") % {"value": text, "allowed": allowed})

    def leader(self, value: Any) -> Person | None:
        text = cell_text(value)
        if not text:
            return None
        name, post, m = text, None, WITH_POST.fullmatch(text)
        if text not in self.people and m:
            name, post = m.group(1), m.group(2) or m.group(3)
        people = self.people.get(name, [])
        named = [p for p in people if p.has_role(Role.LEADER)]
        leaders = [p for p in named if post is None or p.title == post]
        if len(leaders) == 1:
            return leaders[0]
        if len(leaders) > 1:
            raise _Bad(
                _("Several leaders are named “%(name)s”: add the post, as in “%(name)s（%(post)s）”.")
                % {"name": name, "post": leaders[0].title or "…"}
            )
        if people and not named:
            raise _Bad(_("“%(name)s” is not a leader.") % {"name": text})
        raise _Bad(_("No leader named “%(name)s”.") % {"name": text})

    def unit(self, value: Any) -> Unit:
        text = cell_text(value)
        if not text:
            raise _Bad(_("Give the lead unit."))
        if text not in self.units:
            raise _Bad(_("No unit named “%(name)s”.") % {"name": text})
        return self.units[text]

    def co_units(self, value: Any) -> list[Unit]:
        names = list(dict.fromkeys(n.strip() for n in SEPARATORS.split(cell_text(value)) if n.strip()))
        unknown = [n for n in names if n not in self.units]
        if unknown:
            raise _Bad(_("No unit named %(names)s.") % {"names": "、".join(f"“{n}”" for n in unknown)})
        return [self.units[n] for n in names]

    def deadline(self, value: Any) -> date:
        day = _date(value)
        if day < self.today:
            raise _Bad(_("The deadline has already passed."))
        return day


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 100000:
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()  # an Excel date serial whose cell lost its date format
    text = cell_text(value)
    if not text:
        raise _Bad(_("Give the deadline."))
    m = DATE_TEXT.fullmatch(text)
    try:
        if m is None:
            raise ValueError(text)
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise _Bad(_("“%(value)s” is not a date: write it as 2026-03-31.") % {"value": text}) from None


def _title(text: str) -> str:
    if not text:
        raise _Bad(_("A title is required."))
    return text


def _every(value: Any) -> int:
    text = cell_text(value).removesuffix("天").strip()
    if not text:
        return DEFAULT_EVERY
    if not text.isdigit() or not 1 <= int(text) <= 366:
        raise _Bad(_("Report every 1 to 366 days."))
    return int(text)


LIMITS = {"title": MAX_TITLE, "content": MAX_CONTENT, "co_units": MAX_CONTENT}
MULTILINE = ("content", "co_units")


def _checked(name: str, text: str) -> str:
    """The cell's text if it is not too long and holds no character that may not be stored."""
    limit = LIMITS.get(name, MAX_CELL)
    if len(text) > limit:
        raise _Bad(_("At most %(max)d characters (this cell has %(n)d).") % {"max": limit, "n": len(text)})
    try:
        return check_text(text, name, multiline=name in MULTILINE, required=name == "title" and bool(text))
    except InvalidInput as err:
        raise _Bad(err.message) from None


def _shown(text: str) -> str:
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"


def _clean(number: int, values: dict[str, Any], look: _Lookups) -> RowResult:
    texts = {f: cell_text(values.get(f)) for f in FIELDS}
    row = RowResult(number, {f: _shown(t) for f, t in texts.items()})
    for name, text in texts.items():
        try:
            texts[name] = _checked(name, text)
        except _Bad as bad:
            row.add_error(name, str(bad))
    checks = {
        "source": lambda: look.source(texts["source"]),
        "title": lambda: _title(texts["title"]),
        "content": lambda: texts["content"],
        "leader": lambda: look.leader(texts["leader"]),
        "lead_unit": lambda: look.unit(texts["lead_unit"]),
        "co_units": lambda: look.co_units(texts["co_units"]),
        "deadline": lambda: look.deadline(values.get("deadline")),
        "report_every_days": lambda: _every(values.get("report_every_days")),
    }
    for name, check in checks.items():
        if name in row.errors:
            continue
        try:
            row.cleaned[name] = check()
        except _Bad as bad:
            row.add_error(name, str(bad))
    lead = row.cleaned.get("lead_unit")
    if lead is not None and lead in row.cleaned.get("co_units", ()):
        row.add_error("co_units", _("The lead unit cannot also be a co-handling unit."))
    return row


def parse(file: IO[bytes], now: datetime | None = None) -> ParsedSheet:
    """Read and check every row; raises ImportFileError when the file as a whole cannot be used."""
    rows = read_rows(file)
    look = _Lookups([values for _n, values in rows], timezone.localdate(now or timezone.now()))
    return ParsedSheet([_clean(number, values, look) for number, values in rows])


def do_import(actor: Person, parsed: ParsedSheet, now: datetime | None = None) -> list[ResponsibilityList]:
    """One draft per row, in one transaction; raises ImportRejected (nothing created) if any row is invalid."""
    services.require_office(actor)
    if not parsed.valid:
        raise ImportRejected(parsed)
    created = []
    with transaction.atomic():
        for row in parsed.rows:
            try:
                created.append(services.do_create_list(actor, now=now, **row.cleaned))
            except InvalidInput as err:  # raised before the service writes: the transaction stays usable
                row.add_error(err.field, err.message)
        if not parsed.valid:
            raise ImportRejected(parsed)  # rolls back the rows already created
    return created
