"""The ledger as a workbook, in the format the import reads (import(export(x)) changes nothing), and the
template to fill in. Whole, or a unit's or a leader's rows; a unit's people get their unit's rows only.

An office document: Chinese whatever the UI language. A title row, the header row, one row per task in
tree order (parents first); each indicator in its column group (指标名称, 计量单位, 年度目标, 指标类型,
计划进度, 实际完成), then the read-only progress and forecast, which the import ignores. Figures are
numbers where Excel keeps them exactly, else text (magnitudes.as_cell); text is written through
luoshi.sheets, so a title such as "=HYPERLINK(…)" stays text and no cell holds a live formula.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luoshi import sheets
from luoshi.errors import InvalidInput
from luoshi.events.services import record_export
from luoshi.ledger import magnitudes, queries
from luoshi.ledger.import_book import EXAMPLE_CODE, INDICATOR_COLUMNS, MAX_ROWS, READ_ONLY, TASK_COLUMNS
from luoshi.ledger.import_check import KIND_NAMES
from luoshi.ledger.models import Forecast, Indicator, Ledger, Task, TrajectoryPoint
from luoshi.ledger.services import SHIPPED_PROGRAMMES
from luoshi.org.models import Person, Role, Unit

KIND_LABELS: dict[str, str] = {str(kind): name for name, kind in KIND_NAMES.items()}
WIDTHS = {"code": 18, "parent": 18, "programme": 14, "title": 36, "requirements": 44, "leader": 12}
DATE_KEYS = ("deadline", "starts_on", "completes_on")
TEMPLATE_NAME = "总台账导入模板.xlsx"


def export_tasks(
    person: Person, ledger: Ledger, *, unit: int | None = None, leader: int | None = None
) -> QuerySet[Task]:
    """The rows a person may take away: the office and the city leaders the whole ledger, a unit's
    people their unit's rows (queries.visible_tasks); narrowed to a unit's or a leader's rows."""
    if person.is_office or person.has_role(Role.LEADER):
        qs = Task.objects.filter(ledger=ledger)
    else:
        qs = queries.visible_tasks(person).filter(ledger=ledger)
    return queries.filtered(qs, queries.TaskFilters(unit=unit, leader=leader), timezone.localdate()).order_by("path")


IndicatorCells = tuple[str, str, Decimal, str, Decimal | None, str]


@dataclass
class _Facts:
    """What the rows name, read in a fixed number of plain queries (no per-row objects or clones)."""

    codes: dict[int, str]
    programmes: dict[int, str]
    units: dict[int, str]
    leaders: dict[int, str]
    co_units: dict[int, list[str]]
    indicators: dict[int, list[IndicatorCells]]

    @classmethod
    def of(cls, ledger: Ledger, tasks: QuerySet[Task], rows: list[Task]) -> "_Facts":
        ids = tasks.order_by().values("pk")
        units = dict(Unit.objects.values_list("pk", "name"))
        co: dict[int, list[str]] = defaultdict(list)
        for task_id, unit_id in Task.co_units.through.objects.filter(task__in=ids).values_list("task_id", "unit_id"):
            co[task_id].append(units[unit_id])
        plans: dict[int, list[str]] = defaultdict(list)
        for ind_id, period, planned in (
            TrajectoryPoint.objects.filter(indicator__task__in=ids)
            .order_by("period")
            .values_list("indicator_id", "period", "planned")
        ):
            plans[ind_id].append(f"{period}：{planned.normalize():f}")
        inds: dict[int, list[IndicatorCells]] = defaultdict(list)
        for pk, task_id, name, measure, target, kind, actual in (
            Indicator.objects.filter(task__in=ids)
            .order_by("task_id", "position", "id")
            .values_list("pk", "task_id", "name", "measure", "target", "kind", "actual")
        ):
            inds[task_id].append((name, measure, target, kind, actual, "；".join(plans[pk])))
        return cls(
            codes=dict(Task.objects.filter(ledger=ledger).values_list("pk", "code")),
            programmes=dict(ledger.programmes.values_list("pk", "name")),
            units=units,
            leaders=_leader_names({t.leader_id for t in rows if t.leader_id}),
            co_units={k: sorted(v) for k, v in co.items()},
            indicators=inds,
        )


def columns(groups: int) -> list[tuple[str, str]]:
    """(key, header) of every column, for `groups` indicators."""
    cols = [(c.key, c.zh) for c in TASK_COLUMNS]
    for g in range(1, groups + 1):
        suffix = "" if g == 1 else str(g)
        cols += [(f"{c.key}.{g}", c.zh + suffix) for c in INDICATOR_COLUMNS]
        cols.append((f"actual.{g}", READ_ONLY[2] + suffix))
    return [*cols, ("progress", READ_ONLY[0]), ("forecast", READ_ONLY[1])]


def _leader_names(ids: set[int]) -> dict[int, str]:
    """A leader by his name, or by his username where another city leader has the same name."""
    leaders = Person.objects.in_bulk(ids)
    names = {p.name for p in leaders.values() if p.name}
    shared = Counter(p.name for p in Person.objects.filter(name__in=names, is_active=True) if p.has_role(Role.LEADER))
    return {pk: p.name if p.name and shared[p.name] == 1 else p.username for pk, p in leaders.items()}


def values(task: Task, groups: int, facts: _Facts) -> list[Any]:
    cells: list[Any] = [
        task.code,
        facts.codes.get(task.parent_id or 0, ""),
        facts.programmes[task.programme_id],
        task.title,
        task.requirements,
        facts.leaders.get(task.leader_id or 0, ""),
        facts.units.get(task.lead_unit_id or 0, ""),
        "、".join(facts.co_units.get(task.pk, [])),
        task.deadline,
        magnitudes.as_cell(task.weight),
        task.report_every_days or "",
        task.starts_on or "",
        task.completes_on or "",
    ]
    inds = facts.indicators.get(task.pk, [])
    for g in range(groups):
        if g < len(inds):
            name, measure, target, kind, actual, plan = inds[g]
            done = magnitudes.as_cell(actual) if actual is not None else ""
            cells += [name, measure, magnitudes.as_cell(target), KIND_LABELS.get(kind, ""), plan, done]
        else:
            cells += ["", "", "", "", "", ""]
    forecast = str(Forecast(task.forecast).label) if task.forecast else ""
    return [*cells, float(task.progress), forecast]


def _widths(ws: Any, cols: list[tuple[str, str]]) -> None:
    from openpyxl.utils import get_column_letter

    for i, (key, _header) in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS.get(key.partition(".")[0], 14)


def _row(ws: Any, cols: list[tuple[str, str]], values: list[Any], header: bool = False) -> list[Any]:
    from openpyxl.styles import Font

    cells = sheets.write_only_row(ws, [None if v == "" else v for v in values])
    for (key, _h), cell in zip(cols, cells, strict=False):
        if header:
            cell.font = Font(bold=True)
        elif key in DATE_KEYS and isinstance(cell.value, date):
            cell.number_format = "yyyy-mm-dd"
    return cells


def workbook(ledger: Ledger, tasks: QuerySet[Task], subtitle: str = "") -> bytes:
    """The ledger's workbook (streamed by openpyxl's write-only mode: 10,000 rows in a few seconds)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rows = list(tasks)
    facts = _Facts.of(ledger, tasks, rows)
    groups = max([1, *(len(i) for i in facts.indicators.values())])
    cols = columns(groups)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("总台账")
    _widths(ws, cols)
    ws.freeze_panes = "B3"
    with translation.override("zh-hans"):
        title = sheets.write_only_row(ws, [f"{ledger.title}{subtitle}"])
        title[0].font = Font(bold=True, size=14)
        ws.append(title)
        ws.append(_row(ws, cols, [h for _k, h in cols], header=True))
        for task in rows:
            ws.append(_row(ws, cols, values(task, groups, facts)))
    last = get_column_letter(len(cols))
    ws.merged_cells.add(f"A1:{last}1")
    ws.auto_filter.ref = f"A2:{last}{len(rows) + 2}"
    return sheets.xlsx_bytes(wb)


def subtitle(unit: Unit | None, leader: Person | None) -> str:
    now = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    parts = [f"导出于 {now}"] + ([f"单位：{unit.name}"] if unit else []) + ([f"责任领导：{leader}"] if leader else [])
    return "（" + "；".join(parts) + "）"


def filename(ledger: Ledger, unit: Unit | None = None, leader: Person | None = None) -> str:
    """2026年总台账-市工信委-2026-03-02.xlsx"""
    who = "".join(f"-{x}" for x in (unit.name if unit else "", str(leader) if leader else "") if x)
    stem = "".join(ch for ch in f"{ledger.year}年总台账{who}" if ch not in '\\/:*?"<>|')
    return f"{stem}-{timezone.localdate().isoformat()}.xlsx"


GUIDE = (
    "每行填写一项任务（子任务、节点任务同样一行）；第一行可以是标题行，表头在其下一行。空行和整行合并的分类标题行会被跳过。",
    f"每次最多 {MAX_ROWS} 行，文件不超过 10 MB；也可以导入 CSV（UTF-8、带 BOM 的 UTF-8 或 GB18030 编码）。",
    "全部或全不：只要有一行有问题，就一行也不导入；问题会按行号和列名列出，改正后重新上传即可。",
    "编号：留空表示新任务，编号由系统按“年份-TZ-序号”生成；已有编号的行更新该任务（只在内容有变化时）。新任务也可以自填编号，便于下面的行把它作为上级。",
    "上级编号：子任务填写上级任务的编号，上级可以是台账中已有的任务，也可以是本文件中的一行；顶层任务留空。",
    "专项：须是台账中已有的专项（如 " + "、".join(SHIPPED_PROGRAMMES) + "）；合并单元格覆盖的各行都算作该专项。",
    "责任领导：填市领导姓名或用户名；同名的领导请填用户名。牵头单位、配合单位：填单位全称；多个配合单位用顿号、逗号或分号分隔。",
    "完成时限、开工日期、竣工日期：日期，如 2026-06-30、2026/6/30、2026年6月30日或 2026年6月底；“6月底”“年底”没有年份或日期，会被指出。",
    "权重：默认 1，最多两位小数。汇报周期（天）：1 至 366 天，可不填。",
    "指标：每项指标占一组列——指标名称、计量单位（亿元、万元、个、户、套、天、% 等）、年度目标；第二项指标用“指标名称2、计量单位2、年度目标2……”，"
    "或在下一行填写并把任务名称单元格向下合并。",
    "年度目标可写“2.58亿”“3000万”“7,623套”“1.2万户”，按计量单位换算（2.58亿填入“万元”指标即 25800）；单位不符、约数、区间、中文数字会被指出。",
    "指标类型：累计（投资额、户数等逐步累加）或水平（比率等以最新值为准），不填为累计。计划进度：如 2026-Q1：4；2026-Q2：9，或按月 2026-05：3。",
    "当前进度、预警、实际完成由系统根据各单位的报送计算，导入时不读取。以“=”开头的文字按文字导入，不会作为公式。",
    "台账开启后导入会改变台账结构，须填写理由，理由记入操作记录。",
    "编号为“示例”的行是示例，不会被导入。",
)


def template() -> bytes:
    """The workbook to fill in: the headers, one example row (coded 示例, never imported), dropdowns of
    the units and city leaders, and a 说明 sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    cols = columns(1)
    year = timezone.localdate().year
    units = list(Unit.objects.order_by("id").values_list("name", flat=True))
    leaders = [str(p) for p in Person.objects.filter(is_active=True).order_by("id") if p.has_role(Role.LEADER)]
    example = {
        "code": EXAMPLE_CODE,
        "programme": SHIPPED_PROGRAMMES[-1],
        "title": "第二水源地输水隧洞工程",
        "requirements": "6月底前完成主洞贯通，年底前具备通水条件。",
        "leader": leaders[0] if leaders else "",
        "lead_unit": units[0] if units else "",
        "deadline": date(year, 12, 31),
        "weight": 1,
        "report_every_days": 30,
        "indicator.1": "年度完成投资",
        "measure.1": "亿元",
        "target.1": "2.58亿",
        "kind.1": "累计",
        "trajectory.1": f"{year}-Q2：1.2；{year}-Q4：2.58",
    }
    wb = Workbook()
    ws = wb.active
    ws.title = "总台账"
    sheets.set_cell(ws, 1, 1, f"{year}年市级领导牵头任务总台账").font = Font(bold=True, size=14)
    ws.merge_cells(f"A1:{get_column_letter(len(cols))}1")
    for i, (key, text) in enumerate(cols, start=1):
        sheets.set_cell(ws, 2, i, text).font = Font(bold=True)
        if key in example:
            sheets.set_cell(ws, 3, i, example[key]).font = Font(italic=True, color="777777")
        ws.column_dimensions[get_column_letter(i)].width = WIDTHS.get(key.partition(".")[0], 14)
        if key in DATE_KEYS:
            ws.cell(row=3, column=i).number_format = "yyyy-mm-dd"
    ws.freeze_panes = "B3"
    opts = wb.create_sheet("选项")
    opts.sheet_state = "hidden"
    for col, (title, names) in enumerate(
        (("牵头单位", units), ("责任领导", leaders), ("指标类型", list(KIND_NAMES))), 1
    ):
        sheets.set_cell(opts, 1, col, title)
        for r, name in enumerate(names, start=2):
            sheets.set_cell(opts, r, col, name)
        letter = get_column_letter(col)
        ref = f"'选项'!${letter}$2:${letter}${max(len(names), 1) + 1}"
        for key in {1: ("lead_unit",), 2: ("leader",), 3: ("kind.1",)}[col]:
            target = get_column_letter([k for k, _h in cols].index(key) + 1)
            dv = DataValidation(type="list", formula1=ref, allow_blank=True, errorStyle="warning")
            dv.error = "请从下拉列表中选择：不在列表中的名称导入时会报错。"
            ws.add_data_validation(dv)
            dv.add(f"{target}3:{target}{MAX_ROWS + 2}")
    guide = wb.create_sheet("说明", 1)
    sheets.append_row(guide, ["总台账导入说明"])
    guide["A1"].font = Font(bold=True, size=14)
    for line in GUIDE:
        sheets.append_row(guide, [line])
    guide.column_dimensions["A"].width = 120
    return sheets.xlsx_bytes(wb)


def download(person: Person, ledger: Ledger, *, unit: int | None = None, leader: int | None = None) -> HttpResponse:
    """The workbook as a download, audited (an "export" event naming the ledger and the filters)."""
    unit_obj = Unit.objects.filter(pk=unit).first() if unit else None
    if unit and unit_obj is None:
        raise InvalidInput(_("No such unit."), "unit")
    leader_obj = Person.objects.filter(pk=leader).first() if leader else None
    if leader and (leader_obj is None or not leader_obj.has_role(Role.LEADER)):
        raise InvalidInput(_("No such city leader."), "leader")
    tasks = export_tasks(person, ledger, unit=unit, leader=leader)
    content = workbook(ledger, tasks, subtitle(unit_obj, leader_obj))
    record_export(person, "ledger", "xlsx", subject=("ledger", ledger.pk), unit=unit, leader=leader)
    return sheets.attachment(content, sheets.XLSX_TYPE, filename(ledger, unit_obj, leader_obj))


def template_download(person: Person) -> HttpResponse:
    content = template()
    record_export(person, "ledger_import_template", "xlsx")  # it lists the units' and leaders' names
    return sheets.attachment(content, sheets.XLSX_TYPE, TEMPLATE_NAME)
