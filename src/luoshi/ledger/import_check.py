"""Checking a workbook's rows (import_book.Book) against a ledger, without writing: every problem as
{row, column, message}, the row as the sheet numbers it, the column by the sheet's own header.

Rules (the template's 说明 sheet says the same):
- 编号: a code of this ledger updates that task; empty, a new task (its code is assigned); a code not
  yet in any ledger, a new task with that code (so that rows below can name it as their parent).
- 上级编号: a task of the ledger, or a row of the file (new or not); no task under itself.
- 专项: one of the ledger's programmes (quotes and spaces aside). An unknown one is an error naming
  those that exist, not a new programme: programmes are the ledger's top structure, set up by the
  office at 年初建账, and a slip of the keyboard would otherwise start a programme of its own.
- 责任领导: a city leader's full name or username; two leaders of one name: the username is needed.
- 牵头单位 / 配合单位: units by their exact names; several co units separated by 、 , ， ； ; or lines.
- Indicators: 指标名称, 计量单位, 年度目标 (and 指标类型 累计/水平, 计划进度 "2026-Q1：4；2026-Q2：9");
  a second indicator in columns 指标名称2 … (or the same headers repeated), or in the next row when the
  task's name is merged over both rows. Targets in the measure, magnitudes converted (magnitudes.py).
- A column the sheet does not have leaves that field of an existing task as it is; an empty cell in a
  column it has empties the field. A row that changes nothing is left alone.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from luoshi.errors import InvalidInput
from luoshi.ledger import magnitudes, services
from luoshi.ledger.import_book import Book, Line
from luoshi.ledger.models import Indicator, IndicatorKind, Ledger, Task, TrajectoryPoint
from luoshi.ledger.services import IndicatorInput, TaskInput
from luoshi.org.models import Person, Role, Unit

MAX_CODE, MAX_TITLE, MAX_TEXT, MAX_DEPTH = 40, 200, 20_000, 60
SEPARATORS = re.compile(r"[、，,；;\n]+")
TRAJECTORY_ITEMS = re.compile(r"[；;\n、]+")
PERIOD_VALUE = re.compile(r"([^:]+):(.+)")
QUARTERS = {"一季度": 1, "二季度": 2, "三季度": 3, "四季度": 4}
KINDS = {
    IndicatorKind.CUMULATIVE: ("累计", "累计值", "累计型", "cumulative"),
    IndicatorKind.LEVEL: ("水平", "水平值", "时点", "时点值", "当期", "level"),
}
KIND_NAMES = {"累计": IndicatorKind.CUMULATIVE, "水平": IndicatorKind.LEVEL}
FIELD_KEYS = {"indicators": "indicator.1", "reason": "title"}  # check_task's fields → columns
Progress = Callable[[float], None]


@dataclass
class Problem:
    row: int | None
    column: str
    message: str
    at: int = field(default=0, compare=False, repr=False)  # the column's place, to list a row's problems in order

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Row:
    """A task row, checked: the task's fields (data.parent is set by the apply: it may be a new row)."""

    number: int
    code: str
    parent_code: str
    data: TaskInput
    task: Task | None = None  # the existing task it updates
    changed: bool = True
    depth: int = 0
    before: dict = field(default_factory=dict)  # the existing task's state (services.task_state's shape)


@dataclass
class Plan:
    rows: list[Row]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def new(self) -> list[Row]:
        """New rows, parents before children."""
        return sorted((r for r in self.rows if r.task is None), key=lambda r: (r.depth, r.number))

    @property
    def changes(self) -> list[Row]:
        return [r for r in self.rows if r.task is not None and r.changed]


class _Bad(Exception):
    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.message, self.key = message, key


def programme_key(name: str) -> str:
    """'"3341"项目工程', '“3341”项目工程' and '3341 项目工程' are one programme."""
    return re.sub(r"[\s\"'“”‘’「」『』]", "", unicodedata.normalize("NFKC", name)).lower()


class Lookups:
    """Everything the rows name, read in a fixed number of queries."""

    def __init__(self, ledger: Ledger, book: Book) -> None:
        self.ledger = ledger
        self.programmes = {programme_key(p.name): p for p in ledger.programmes.all()}
        self.units = {u.name: u for u in Unit.objects.all()}
        names = {line.text("leader") for line in book.lines} - {""}
        self.people: dict[str, list[Person]] = {}
        for p in Person.objects.filter(Q(name__in=names) | Q(username__in=names), is_active=True):
            for key in {p.name, p.username}:
                self.people.setdefault(key, []).append(p)
        codes = {line.text("code") for line in book.lines} | {line.text("parent") for line in book.lines}
        codes.discard("")
        # Plain reads grouped here, not select_related or prefetch_related: for 10,000 tasks those
        # build (and clone) per row what a dictionary holds once.
        self.tasks = {t.code: t for t in Task.objects.filter(ledger=ledger)}
        self.code_of = {t.pk: t.code for t in self.tasks.values()}
        self.foreign = set(Task.objects.filter(code__in=codes).exclude(ledger=ledger).values_list("code", flat=True))
        self.programme_of = {p.pk: p for p in self.programmes.values()}
        self.unit_of = {u.pk: u for u in self.units.values()}
        self.leader_of = Person.objects.in_bulk({t.leader_id for t in self.tasks.values() if t.leader_id})
        self.co_units: dict[int, set[int]] = {}
        for task_id, unit_id in Task.co_units.through.objects.filter(task__ledger=ledger).values_list(
            "task_id", "unit_id"
        ):
            self.co_units.setdefault(task_id, set()).add(unit_id)
        plans: dict[int, list[tuple[str, Decimal]]] = {}
        for ind_id, period, planned in (
            TrajectoryPoint.objects.filter(indicator__task__ledger=ledger)
            .order_by("period")
            .values_list("indicator_id", "period", "planned")
        ):
            plans.setdefault(ind_id, []).append((period, planned))
        self.indicators: dict[int, list[tuple[int, IndicatorInput]]] = {}
        for pk, task_id, name, measure, target, kind in (
            Indicator.objects.filter(task__ledger=ledger)
            .order_by("task_id", "position", "id")
            .values_list("pk", "task_id", "name", "measure", "target", "kind")
        ):
            spec = IndicatorInput(name, measure, target, kind, plans.get(pk, []))
            self.indicators.setdefault(task_id, []).append((pk, spec))
        self.reported = set(
            Indicator.objects.filter(task__ledger=ledger, actuals__isnull=False).values_list("pk", flat=True)
        )

    def existing_indicators(self, task: Task) -> list[IndicatorInput]:
        return [spec for _pk, spec in self.indicators.get(task.pk, [])]

    def parent_code(self, task: Task) -> str:
        return self.code_of.get(task.parent_id or 0, "")


def _text(line: Line, key: str, limit: int = MAX_TITLE) -> str:
    text = line.text(key)
    if len(text) > limit:
        raise _Bad(_("At most %(max)d characters (this cell has %(n)d).") % {"max": limit, "n": len(text)}, key)
    return text


class _Reader:
    """One row's cells as the task's fields."""

    def __init__(self, look: Lookups, book: Book) -> None:
        self.look, self.book, self.year = look, book, look.ledger.year

    def programme(self, line: Line) -> Any:
        name = _text(line, "programme", 100)
        if not name:
            raise _Bad(_("Give the programme (专项)."))
        if (found := self.look.programmes.get(programme_key(name))) is None:
            known = "、".join(p.name for p in self.look.programmes.values())
            raise _Bad(
                _("No programme “%(name)s” in this ledger: use one of %(known)s, or add it to the ledger first.")
                % {"name": name, "known": known}
            )
        return found

    def leader(self, line: Line) -> Person | None:
        text = _text(line, "leader", 150)
        if not text:
            return None
        people = self.look.people.get(text, [])
        leaders = list({p.pk: p for p in people if p.has_role(Role.LEADER)}.values())
        named = [p for p in leaders if p.name == text]
        if len(named) == 1 or (not named and len(leaders) == 1):
            return named[0] if named else leaders[0]
        if len(named) > 1:
            raise _Bad(
                _("Several city leaders are named “%(name)s”: write the username instead (%(usernames)s).")
                % {"name": text, "usernames": "、".join(p.username for p in named)}
            )
        if people:
            raise _Bad(_("“%(name)s” is not a city leader.") % {"name": text})
        raise _Bad(_("No city leader named “%(name)s” (full name or username).") % {"name": text})

    def unit(self, line: Line) -> Unit | None:
        name = _text(line, "lead_unit", 100)
        if not name:
            return None
        if name not in self.look.units:
            raise _Bad(_("No unit named “%(name)s”.") % {"name": name})
        return self.look.units[name]

    def co_units(self, line: Line) -> list[Unit]:
        names = list(dict.fromkeys(n.strip() for n in SEPARATORS.split(_text(line, "co_units", 2000)) if n.strip()))
        if unknown := [n for n in names if n not in self.look.units]:
            raise _Bad(_("No unit named %(names)s.") % {"names": "、".join(f"“{n}”" for n in unknown)})
        return [self.look.units[n] for n in names]

    def day(self, line: Line, key: str) -> date | None:
        value = line.values.get(key)
        if not line.text(key):
            return None
        try:
            return magnitudes.day(value, self.year)
        except magnitudes.AmountError as err:
            raise _Bad(err.message) from None

    def weight(self, line: Line) -> Decimal:
        if not line.text("weight"):
            return Decimal("1.00")
        try:
            weight = magnitudes.plain_number(line.values["weight"])
        except magnitudes.AmountError as err:
            raise _Bad(err.message) from None
        if weight != weight.quantize(CENT):
            raise _Bad(_("A weight has at most two decimals."))
        return weight.quantize(CENT)  # as the database keeps it, so that the events' states agree

    def every(self, line: Line) -> int | None:
        text = magnitudes.normal(line.text("report_every_days")).removesuffix("天")
        if not text:
            return None
        if not text.isdigit():
            raise _Bad(_("Give the number of days between reports (1 to 366), or leave it empty."))
        return int(text)

    def indicator(self, line: Line, g: int, old: dict[str, IndicatorInput]) -> IndicatorInput | None:
        keys = {k: f"{k}.{g}" for k in ("indicator", "measure", "target", "kind", "trajectory")}
        if not any(line.text(k) for k in keys.values()):
            return None
        name, measure = _text(line, keys["indicator"], 100), _text(line, keys["measure"], 20)
        if not name:
            raise _Bad(_("Give the indicator's name."), keys["indicator"])
        if not measure:
            raise _Bad(_("Give the indicator's unit of measure (亿元, 万元, 个, 户, %…)."), keys["measure"])
        if not line.text(keys["target"]):
            raise _Bad(_("Give the indicator's annual target."), keys["target"])
        try:
            target = magnitudes.amount(
                line.values[keys["target"]], measure, percent_format=keys["target"] in line.percent
            )
        except magnitudes.AmountError as err:
            raise _Bad(err.message, keys["target"]) from None
        before = old.get(name)
        kind = self._kind(line.text(keys["kind"]), before, keys["kind"])
        if self.book.has(keys["trajectory"]):
            trajectory = self._trajectory(line.text(keys["trajectory"]), measure, keys["trajectory"])
        else:
            trajectory = list(before.trajectory) if before else []
        return IndicatorInput(name, measure, target, kind, trajectory)

    def _kind(self, text: str, before: IndicatorInput | None, key: str) -> str:
        if not text:
            return before.kind if before else IndicatorKind.CUMULATIVE
        for kind, names in KINDS.items():
            if text.lower() in names:
                return kind
        raise _Bad(_("An indicator is 累计 (cumulative) or 水平 (a level, such as a rate)."), key)

    def _trajectory(self, text: str, measure: str, key: str) -> list[tuple[str, Decimal]]:
        points: dict[str, Decimal] = {}
        for item in filter(None, (i.strip() for i in TRAJECTORY_ITEMS.split(text))):
            m = PERIOD_VALUE.fullmatch(magnitudes.normal(item))  # NFKC: "：" is ":"
            period = self._period(m.group(1)) if m else None
            if m is None or period is None:
                raise _Bad(
                    _("“%(item)s”: write the plan as periods and figures, as %(year)d-Q1：4；%(year)d-Q2：9.")
                    % {"item": item, "year": self.year},
                    key,
                )
            try:
                points[period] = magnitudes.amount(m.group(2), measure)
            except magnitudes.AmountError as err:
                raise _Bad(err.message, key) from None
        return sorted(points.items())

    def _period(self, text: str) -> str | None:
        text = text.upper()
        if re.fullmatch(r"20\d\d-Q[1-4]", text) or re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", text):
            return text
        if m := re.fullmatch(r"Q([1-4])", text):
            return f"{self.year}-Q{m.group(1)}"
        if text in QUARTERS:
            return f"{self.year}-Q{QUARTERS[text]}"
        if (m := re.fullmatch(r"(?:(20\d\d)年)?(\d{1,2})月(?:底|末)?", text)) and 1 <= int(m.group(2)) <= 12:
            return f"{m.group(1) or self.year}-{int(m.group(2)):02d}"
        return None


# --- the rows ----------------------------------------------------------------------------------------


class _Checker:
    def __init__(self, ledger: Ledger, book: Book, today: date) -> None:
        self.ledger, self.book, self.today = ledger, book, today
        self.look = Lookups(ledger, book)
        self.read = _Reader(self.look, book)
        self.problems: list[Problem] = []

    def problem(self, line: Line | Row | int, key: str, message: str) -> None:
        number = line if isinstance(line, int) else line.number
        self.problems.append(Problem(number, self.book.column(key), message, self.book.position(key)))

    def _get(self, line: Line, key: str, read: Callable[[], Any], old: Any, errors: list[tuple[str, str]]) -> Any:
        """The field from its cell, or as it is when the sheet has no such column."""
        if not self.book.has(key):
            return old
        try:
            return read()
        except _Bad as bad:
            errors.append((bad.key or key, bad.message))
            return old

    def row(self, line: Line, extra: list[Line]) -> Row | None:
        """The task of a row (and of the rows below that only add its indicators), or None with problems."""
        errors: list[tuple[str, str]] = []
        code = line.text("code")
        task = self.look.tasks.get(code) if code else None
        if code and task is None:
            if len(code) > MAX_CODE or any(ch.isspace() for ch in code):
                errors.append(("code", _("A code has at most 40 characters and no spaces.")))
            elif code in self.look.foreign:
                errors.append(("code", _("The code %(code)s belongs to another year's ledger.") % {"code": code}))
        r, g = self.read, self._get
        old = task
        data = TaskInput(
            programme=g(
                line,
                "programme",
                lambda: r.programme(line),
                self.look.programme_of[old.programme_id] if old else None,
                errors,
            ),
            title=g(line, "title", lambda: _text(line, "title"), old.title if old else "", errors),
            deadline=g(line, "deadline", lambda: r.day(line, "deadline"), old.deadline if old else None, errors),
            requirements=g(
                line,
                "requirements",
                lambda: _text(line, "requirements", MAX_TEXT),
                old.requirements if old else "",
                errors,
            ),
            leader=g(
                line,
                "leader",
                lambda: r.leader(line),
                self.look.leader_of.get(old.leader_id or 0) if old else None,
                errors,
            ),
            lead_unit=g(
                line,
                "lead_unit",
                lambda: r.unit(line),
                self.look.unit_of.get(old.lead_unit_id or 0) if old else None,
                errors,
            ),
            co_units=g(line, "co_units", lambda: r.co_units(line), self._old_co_units(old), errors),
            weight=g(line, "weight", lambda: r.weight(line), old.weight if old else Decimal(1), errors),
            report_every_days=g(
                line, "report_every_days", lambda: r.every(line), old.report_every_days if old else None, errors
            ),
            starts_on=g(line, "starts_on", lambda: r.day(line, "starts_on"), old.starts_on if old else None, errors),
            completes_on=g(
                line, "completes_on", lambda: r.day(line, "completes_on"), old.completes_on if old else None, errors
            ),
        )
        data.indicators = self._indicators(line, extra, old, errors)
        if data.deadline is None and not any(k == "deadline" for k, _m in errors):
            errors.append(("deadline", _("Give the deadline, as %(year)d-06-30.") % {"year": self.ledger.year}))
        if data.programme is None and not any(k == "programme" for k, _m in errors):
            errors.append(("programme", _("Give the programme (专项).")))
        if not errors:
            try:
                services.check_task(self.ledger, data, self.today)
            except InvalidInput as err:
                errors.append((FIELD_KEYS.get(err.field or "", err.field or "title"), err.message))
        for key, message in errors:
            if message:  # ("", "") marks a problem already reported on its own row
                self.problem(line, key, message)
        if errors:
            return None
        parent = line.text("parent") if self.book.has("parent") else (self.look.parent_code(task) if task else "")
        return Row(line.number, code, parent, data, task)

    def _old_co_units(self, task: Task | None) -> list[Unit]:
        if task is None:
            return []
        return [self.look.unit_of[i] for i in sorted(self.look.co_units.get(task.pk, ()))]

    def _indicators(
        self, line: Line, extra: list[Line], task: Task | None, errors: list[tuple[str, str]]
    ) -> list[IndicatorInput]:
        before = self.look.existing_indicators(task) if task else []
        if not self.book.groups:
            return before
        old = {i.name: i for i in before}
        found: list[IndicatorInput] = []
        for each in (line, *extra):
            for g in range(1, self.book.groups + 1):
                try:
                    if (ind := self.read.indicator(each, g, old)) is not None:
                        found.append(ind)
                except _Bad as bad:  # reported on its own row (which may be one below)
                    self.problem(each, bad.key or f"indicator.{g}", bad.message)
                    errors.append(("", ""))
        names = {i.name for i in found}
        for pk, kept in self.look.indicators.get(task.pk, []) if task else []:
            if kept.name not in names and pk in self.look.reported:
                errors.append(
                    (
                        "indicator.1",
                        _("The indicator “%(name)s” has reported values and cannot be removed: keep it in the sheet.")
                        % {"name": kept.name},
                    )
                )
        return found

    def check(self, on_progress: Progress | None) -> Plan:
        rows: list[Row] = []
        lines = self.book.lines
        starts = {line.number for line in lines if line.title_from is None}
        extra: dict[int, list[Line]] = {}
        for line in lines:
            if line.title_from is not None and line.title_from in starts:
                extra.setdefault(line.title_from, []).append(line)
                self._continuation(line)
        for i, line in enumerate(lines):
            starts_a_task = line.title_from is None or line.title_from not in starts
            if starts_a_task and (row := self.row(line, extra.get(line.number, []))) is not None:
                rows.append(row)
            if on_progress and i % 1000 == 999:
                on_progress(i / len(lines))
        self._across(rows)
        self.problems.sort(key=lambda p: (p.row or 0, p.at))
        return Plan(rows, self.problems)

    def _continuation(self, line: Line) -> None:
        """A row under a merged task name holds one more indicator of that task, nothing else."""
        for key, value in line.values.items():
            if "." not in key and key not in line.merged and key != "title" and magnitudes.normal(str(value or "")):
                self.problem(
                    line,
                    key,
                    _(
                        "This row continues the task of row %(row)d (its name is merged): only its indicator columns are read, leave this cell empty."
                    )
                    % {"row": line.title_from},
                )

    def _across(self, rows: list[Row]) -> None:
        """What no row shows alone: codes twice, parents, loops, depth; and whether a row changes anything."""
        by_code: dict[str, Row] = {}
        for row in rows:
            if row.code and row.code in by_code:
                self.problem(
                    row,
                    "code",
                    _("The code %(code)s is also on row %(row)d.")
                    % {"code": row.code, "row": by_code[row.code].number},
                )
            elif row.code:
                by_code[row.code] = row
        tasks = self.look.tasks

        def parent_of(code: str) -> str:
            if code in by_code:
                return by_code[code].parent_code
            task = tasks.get(code)
            return self.look.parent_code(task) if task else ""

        for row in rows:
            p = row.parent_code
            if not p:
                continue
            if p == row.code:
                self.problem(row, "parent", _("A task cannot be its own parent."))
            elif p not in by_code and p not in tasks:
                message = (
                    _("The parent %(code)s belongs to another year's ledger.")
                    if p in self.look.foreign
                    else _("No task coded %(code)s in this ledger or in the rows of this file.")
                )
                self.problem(row, "parent", message % {"code": p})
            else:
                seen, code, depth = {row.code}, p, 0
                while code and depth <= MAX_DEPTH:
                    if code in seen:
                        self.problem(row, "parent", _("The parents form a loop: a task cannot be placed under itself."))
                        break
                    seen.add(code)
                    code, depth = parent_of(code), depth + 1
                row.depth = depth
                if depth > MAX_DEPTH:
                    self.problem(row, "parent", _("The tree is deeper than %(n)d levels.") % {"n": MAX_DEPTH})
                elif not row.code and len(p) + 3 > MAX_CODE:
                    self.problem(
                        row,
                        "parent",
                        _("The sub-task's code would be longer than 40 characters: give it a shorter code of its own."),
                    )
        for row in rows:
            if row.task is not None:
                row.changed = _differs(row, self.look)
                row.before = self._state_before(row.task) if row.changed else {}

    def _state_before(self, task: Task) -> dict:
        look = self.look
        data = TaskInput(
            programme=look.programme_of[task.programme_id],
            title=task.title,
            deadline=task.deadline,
            requirements=task.requirements,
            leader=look.leader_of.get(task.leader_id or 0),
            lead_unit=look.unit_of.get(task.lead_unit_id or 0),
            co_units=self._old_co_units(task),
            weight=task.weight,
            report_every_days=task.report_every_days,
            starts_on=task.starts_on,
            completes_on=task.completes_on,
            indicators=look.existing_indicators(task),
        )
        return state_of(task.code, task.parent_id, data)


CENT = Decimal("0.01")
QUANTUM = Decimal("0.0001")


def state_of(code: str, parent_id: int | None, d: TaskInput) -> dict:
    """services.task_state of a task with these fields, without reading it (the import writes thousands):
    the same keys and values, as the database gives them back (weights to the cent, figures to 4 places)."""
    return {
        "code": code,
        "title": d.title.strip(),
        "parent": parent_id,
        "programme": d.programme.pk,
        "leader": d.leader.pk if d.leader else None,
        "lead_unit": d.lead_unit.pk if d.lead_unit else None,
        "co_units": sorted({u.pk for u in d.co_units}),
        "deadline": d.deadline.isoformat(),
        "weight": str(d.weight.quantize(CENT)),
        "report_every_days": d.report_every_days,
        "requirements": d.requirements.strip(),
        "starts_on": d.starts_on.isoformat() if d.starts_on else None,
        "completes_on": d.completes_on.isoformat() if d.completes_on else None,
        "indicators": [
            [
                i.name.strip(),
                i.measure.strip(),
                str(i.target.quantize(QUANTUM)),
                i.kind,
                [[p, str(v.quantize(QUANTUM))] for p, v in sorted(dict(i.trajectory).items())],
            ]
            for i in d.indicators
        ],
    }


def _indicator_state(inds: list[IndicatorInput]) -> list[tuple[str, str, Decimal, str, list[tuple[str, Decimal]]]]:
    return [(i.name.strip(), i.measure.strip(), i.target, i.kind, sorted(dict(i.trajectory).items())) for i in inds]


def _differs(row: Row, look: Lookups) -> bool:
    task, d = row.task, row.data
    assert task is not None
    old_parent = look.parent_code(task)
    return (
        row.parent_code != old_parent
        or d.programme.pk != task.programme_id
        or d.title.strip() != task.title
        or d.requirements.strip() != task.requirements
        or (d.leader.pk if d.leader else None) != task.leader_id
        or (d.lead_unit.pk if d.lead_unit else None) != task.lead_unit_id
        or {u.pk for u in d.co_units} != look.co_units.get(task.pk, set())
        or d.deadline != task.deadline
        or d.weight != task.weight
        or d.report_every_days != task.report_every_days
        or d.starts_on != task.starts_on
        or d.completes_on != task.completes_on
        or _indicator_state(list(d.indicators)) != _indicator_state(look.existing_indicators(task))
    )


def check_book(ledger: Ledger, book: Book, today: date, on_progress: Progress | None = None) -> Plan:
    """Every row checked against the ledger; the plan of what the apply would write, and the problems."""
    return _Checker(ledger, book, today).check(on_progress)
