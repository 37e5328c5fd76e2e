"""The reads of the ledger's list pages (index, tree, summaries), each a fixed number of queries.

The tree is paged by top-level tasks with their whole subtrees (the office, unfiltered), or as a flat
list of the tasks that match (a filter, or a person who sees only some rows): either way one page of
rows, its co units in one more query, the lights computed from the stored dates.
The task page's reads are in task_data.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.paginator import Page
from django.db.models import Case, CharField, Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import StrIndex, Substr
from django.utils.translation import gettext as _

from luoshi.duties.lights import GREEN, LIGHTS, RED, YELLOW
from luoshi.ledger import queries
from luoshi.ledger.models import Ledger, Programme, Task
from luoshi.ledger.queries import TaskFilters
from luoshi.org.models import Person, Unit
from luoshi.pages import paginate

ROWS_PER_PAGE = 100  # rows a page of the tree aims at: top-level tasks, each with its whole subtree
MAX_ROWS = 1000  # a page never holds more rows than this, however deep the subtrees
FORECASTS = (GREEN, YELLOW, RED)


@dataclass
class Row:
    task: Task
    light: str | None
    has_children: bool = False
    context: Task | None = None  # in a flat list: the parent, to say where the task sits
    indent: int = 0  # Bootstrap's spacing step (0–5) for the task's depth in the tree
    co_units: list[str] = field(default_factory=list)


def indent(depth: int) -> int:
    return (0, 3, 4, 5)[min(depth, 3)]


@dataclass
class Section:
    programme: Programme
    rows: list[Row] = field(default_factory=list)


@dataclass
class TreePage:
    mode: str  # "tree" or "flat"
    page: Page
    sections: list[Section]
    truncated: bool = False
    tops: int = 0  # the tree: the top-level tasks on this page, and in all
    total_tops: int = 0

    @property
    def row_count(self) -> int:
        return sum(len(s.rows) for s in self.sections)


def ledger_tasks(person: Person, ledger: Ledger) -> QuerySet[Task]:
    return queries.visible_tasks(person).filter(ledger=ledger)


def tree_options(person: Person, ledger: Ledger) -> dict[str, list[tuple[int, str]]]:
    """The filter form's choices: the ledger's programmes, and the leaders and units of the rows the person
    may see. Three queries."""
    tasks = ledger_tasks(person, ledger).order_by()
    programmes = [(p.pk, p.name) for p in ledger.programmes.all()]
    leaders = [
        (p.pk, str(p))
        for p in Person.objects.filter(pk__in=tasks.values("leader_id")).only("id", "username", "name").order_by("name")
    ]
    co = Task.co_units.through.objects.filter(task_id__in=tasks.values("pk")).values("unit_id")
    units = [
        (u.pk, u.name)
        for u in Unit.objects.filter(Q(pk__in=tasks.values("lead_unit_id")) | Q(pk__in=co))
        .only("id", "name")
        .order_by("id")
    ]
    return {"programmes": programmes, "leaders": leaders, "units": units}


def is_plain(f: TaskFilters) -> bool:
    """No filter but the programme: the tree can be shown as a tree."""
    return not (
        f.parent
        or f.leader
        or f.unit
        or f.light
        or f.forecast
        or f.carried is not None
        or f.q
        or f.state
        or f.portfolio is not None
        or f.done_from
        or f.done_to
    )


def _decorate(tasks: list[Task], ledger: Ledger, today: date) -> None:
    for t in tasks:
        t.ledger = ledger  # task_light reads the ledger's status: not once per row


def _with_people(qs: QuerySet[Task]) -> QuerySet[Task]:
    return qs.select_related("leader", "lead_unit")


def _co_units(rows: list[Row]) -> list[Row]:
    """The rows' co units' names in one query (a prefetch would clone a queryset per row)."""
    by_task = {r.task.pk: r for r in rows}
    through = Task.co_units.through.objects.filter(task_id__in=list(by_task)).order_by("unit_id")
    for task_id, name in through.values_list("task_id", "unit__name"):
        by_task[task_id].co_units.append(name)
    return rows


def tree_page(person: Person, ledger: Ledger, f: TaskFilters, page_number: int, today: date) -> TreePage:
    programmes = {p.pk: p for p in ledger.programmes.all()}
    order = ("programme__position", "programme_id", "path")
    if queries.visible_tasks_q(person) is None and is_plain(f):
        tops = Task.objects.filter(ledger=ledger, parent__isnull=True)
        if f.programme:
            tops = tops.filter(programme_id=f.programme)
        groups = subtree_pages(ledger, tops.order_by(*order))
        page = paginate_by(groups, page_number, 1)
        roots = list(page.object_list[0]) if page.object_list else []
        rank = {path: i for i, path in enumerate(roots)}
        within = Q(pk__in=[])
        for root in roots:
            # A subtree: the root and the paths under it, by prefix (a range of paths would depend on the
            # database's collation, which may ignore the dots).
            within |= Q(path=root) | Q(path__startswith=root + ".")
        found = list(_with_people(Task.objects.filter(ledger=ledger).filter(within)).order_by("path")[: MAX_ROWS + 1])
        truncated = len(found) > MAX_ROWS
        found = found[:MAX_ROWS]
        found.sort(key=lambda t: (rank.get(t.path.split(".")[0], 0), t.path))
        parents = {t.parent_id for t in found}
        _decorate(found, ledger, today)
        rows = _co_units([Row(t, queries.task_light(t, today), t.pk in parents, indent=indent(t.depth)) for t in found])
        total = sum(len(g) for g in groups)
        return TreePage("tree", page, _sections(rows, programmes), truncated, tops=len(roots), total_tops=total)
    qs = queries.filtered(ledger_tasks(person, ledger), f, today).order_by(*order)
    page = paginate(_with_people(qs.select_related("parent")), page_number)
    tasks = list(page.object_list)
    _decorate(tasks, ledger, today)
    rows = _co_units([Row(t, queries.task_light(t, today), context=t.parent) for t in tasks])
    return TreePage("flat", page, _sections(rows, programmes))


def subtree_pages(ledger: Ledger, tops: QuerySet[Task]) -> list[list[str]]:
    """The top-level tasks' paths cut into pages of about ROWS_PER_PAGE rows, each subtree whole (a page
    holds at least one). Two queries: the top-level paths, and each subtree's size."""
    first_dot = StrIndex("path", Value("."))
    root = Case(When(depth=0, then=F("path")), default=Substr("path", 1, first_dot - 1), output_field=CharField())
    sizes = dict(
        Task.objects.filter(ledger=ledger)
        .order_by()
        .annotate(root=root)
        .values("root")
        .annotate(n=Count("pk"))
        .values_list("root", "n")
    )
    pages: list[list[str]] = []
    rows = 0
    for path in tops.values_list("path", flat=True):
        size = sizes.get(path, 1)
        if not pages or (rows + size > ROWS_PER_PAGE and pages[-1]):
            pages.append([])
            rows = 0
        pages[-1].append(path)
        rows += size
    return pages


def paginate_by(qs: Any, number: int, per_page: int) -> Page:
    from django.core.paginator import Paginator

    page = Paginator(qs, per_page).get_page(number)
    page.elided = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))  # type: ignore[attr-defined]
    return page


def _sections(rows: list[Row], programmes: dict[int, Programme]) -> list[Section]:
    sections: list[Section] = []
    for row in rows:
        if not sections or sections[-1].programme.pk != row.task.programme_id:
            sections.append(Section(programmes[row.task.programme_id]))
        sections[-1].rows.append(row)
    return sections


# ---------------------------------------------------------------- counts and summaries


def _tallies(today: date) -> dict[str, Any]:
    """Count expressions: tasks, completed, each lateness light and each forecast."""
    tallies: dict[str, Any] = {"tasks": Count("pk"), "completed": Count("pk", filter=Q(done=True))}
    for light in LIGHTS:
        tallies[f"light_{light}"] = Count("pk", filter=queries.light_filter(light, today))
    for light in FORECASTS:
        tallies[f"forecast_{light}"] = Count("pk", filter=Q(forecast=light))
    return tallies


def counts(person: Person, ledger: Ledger, f: TaskFilters, today: date) -> dict[str, int]:
    """The figures above the tree, of the rows the other filters leave (so a count's link shows as
    many rows as it says). One query."""
    base = TaskFilters(**{**vars(f), "light": None, "forecast": None})
    return queries.filtered(ledger_tasks(person, ledger), base, today).order_by().aggregate(**_tallies(today))


WEIGHTED = ExpressionWrapper(F("weight") * F("progress"), output_field=DecimalField(max_digits=14, decimal_places=4))


def _mean(weighted: Decimal | None, weights: Decimal | None) -> Decimal:
    if not weighted or not weights:
        return Decimal(0)
    return (weighted / weights).quantize(Decimal("0.1"))


@dataclass
class SummaryRow:
    key: int | None
    name: str
    figures: dict[str, Any]
    progress: Decimal


def by_programme(person: Person, ledger: Ledger, today: date) -> list[SummaryRow]:
    """Per programme: its tasks (every level), completed, the lights; its progress is the programme's
    roll-up for whoever sees the whole ledger, the weighted mean of one's own rows otherwise. Two queries."""
    whole = queries.visible_tasks_q(person) is None
    rows = (
        ledger_tasks(person, ledger)
        .order_by()
        .values("programme_id")
        .annotate(**_tallies(today), weighted=Sum(WEIGHTED), weights=Sum("weight"))
    )
    by_id = {r["programme_id"]: r for r in rows}
    result = []
    for p in ledger.programmes.all():
        r = by_id.get(p.pk)
        if r is None and not whole:
            continue
        figures = r or dict.fromkeys(_tallies(today), 0)
        progress = p.progress if whole else _mean(figures.get("weighted"), figures.get("weights"))
        result.append(SummaryRow(p.pk, p.name, figures, progress))
    return result


def by_leader(person: Person, ledger: Ledger, today: date) -> list[SummaryRow]:
    """Per responsible leader: his tasks (every level), completed, the lights, their progress weighted.
    One query."""
    rows = (
        ledger_tasks(person, ledger)
        .order_by()
        .values("leader_id", "leader__name", "leader__username")
        .annotate(**_tallies(today), weighted=Sum(WEIGHTED), weights=Sum("weight"))
    )
    result = []
    for r in rows:
        name = r["leader__name"] or r["leader__username"] or _("No responsible leader")
        result.append(SummaryRow(r["leader_id"], name, r, _mean(r["weighted"], r["weights"])))
    result.sort(key=lambda s: (s.key is None, -s.figures["tasks"], s.name))
    return result


def totals(rows: list[SummaryRow], today: date) -> dict[str, int]:
    return {k: sum(int(r.figures.get(k) or 0) for r in rows) for k in _tallies(today)}


@dataclass
class LedgerRow:
    ledger: Ledger
    tasks: int
    progress: Decimal
    programmes: list[Programme]


def index_rows(person: Person) -> list[LedgerRow]:
    """The ledgers the person may see, newest year first, with the tasks he sees and their progress
    (the whole ledger's roll-up of its top-level tasks for the office). Three queries."""
    ledgers = list(queries.visible_ledgers(person).prefetch_related("programmes"))
    whole = queries.visible_tasks_q(person) is None
    tasks = queries.visible_tasks(person).filter(ledger__in=[x.pk for x in ledgers]).order_by()
    figures = {
        r["ledger_id"]: r
        for r in tasks.values("ledger_id").annotate(
            n=Count("pk"),
            weighted=Sum(WEIGHTED, filter=Q(parent__isnull=True) if whole else Q()),
            weights=Sum("weight", filter=Q(parent__isnull=True) if whole else Q()),
        )
    }
    empty = {"n": 0, "weighted": None, "weights": None}
    return [
        LedgerRow(
            x,
            figures.get(x.pk, empty)["n"],
            _mean(figures.get(x.pk, empty)["weighted"], figures.get(x.pk, empty)["weights"]),
            list(x.programmes.all()),
        )
        for x in ledgers
    ]
