"""Time the import of a ledger workbook of N rows (default 10,000) into an empty ledger, as the office's
own workbook looks: a title row, Chinese headers, the 专项 column merged over its tasks, a spacer row
between programmes, figures typed as text with magnitudes ("2.58亿", "7,623套"), dates in several
spellings; a tree of tasks with sub-tasks (--children per top task), every leaf with a lead unit, two
co units and an indicator. Then the same workbook again (matched by code: nothing changes), and the
export of the whole ledger.

    uv run python bench/ledger_import.py                                  # SQLite: bench/out/ledger_import.sqlite3
    createdb -h 127.0.0.1 -U postgres luoshi_bench_import
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_bench_import uv run python bench/ledger_import.py

Prints the time of each step (read, check, write with the roll-up) and rows per second. The database
is emptied of ledgers, tasks, duties and events first (it is the bench's own).
"""

import argparse
import io
import os
import sys
import time
from datetime import date
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'ledger_import.sqlite3'}")
os.environ.setdefault("LUOSHI_VAR_DIR", str(OUT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from luoshi.duties.models import Duty  # noqa: E402
from luoshi.events.models import Event  # noqa: E402
from luoshi.ledger import export_book, import_apply, services  # noqa: E402
from luoshi.ledger.import_book import read_book  # noqa: E402
from luoshi.ledger.import_check import check_book  # noqa: E402
from luoshi.ledger.models import Actual, Indicator, Ledger, Programme, Task, TrajectoryPoint  # noqa: E402
from luoshi.org.models import Person, Unit  # noqa: E402

HEADERS = [
    "编号", "上级编号", "专项", "任务名称", "工作要求", "责任领导", "牵头单位", "配合单位", "完成时限", "权重",
    "汇报周期（天）", "指标名称", "计量单位", "年度目标",
]  # fmt: skip
PROGRAMMES = ['"3341"项目工程', "双联行动", '"1236"扶贫攻坚', "民生实事", "重大项目"]
FIGURES = [("年度完成投资", "万元", "2.58亿"), ("改造套数", "套", "7,623套"), ("安置户数", "户", "1.2万户"),
           ("到位资金", "亿元", "3000万"), ("优良天数", "天", "118")]  # fmt: skip
DATES = ["{y}-06-30", "{y}/9/30", "{y}年12月31日", "{y}年6月底"]


def reset() -> None:
    with transaction.atomic():
        for model in (Event, Actual, TrajectoryPoint, Indicator, Duty):
            model.objects.all()._raw_delete(model.objects.db)
        Task.co_units.through.objects.all()._raw_delete(Task.objects.db)
        for model in (Task, Programme):
            model.objects.all()._raw_delete(model.objects.db)
        Ledger.objects.all()._raw_delete(Ledger.objects.db)
        Person.objects.all().delete()
        Unit.objects.all().delete()


def city() -> tuple[Person, list[Unit], list[Person]]:
    units = Unit.objects.bulk_create(Unit(name=f"单位{i:02d}", kind="department") for i in range(60))
    office = Person.objects.create(username="bench_office", name="督查室", roles=["office"])
    leaders = Person.objects.bulk_create(
        Person(username=f"bench_leader{i}", name=f"副市长{i}", roles=["leader"]) for i in range(12)
    )
    return office, units, leaders


def workbook(n: int, children: int, units: list[Unit], leaders: list[Person], year: int) -> bytes:
    """n rows: n / (children + 1) top tasks, each with `children` sub-tasks, by programme."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("总台账")
    ws.append([f"{year}年市级领导牵头任务总台账"])
    ws.append(HEADERS)
    tops = n // (children + 1)
    per_programme = -(-tops // len(PROGRAMMES))
    row, merges, i = 3, [], 0
    for p, programme in enumerate(PROGRAMMES):
        start = row
        for _t in range(per_programme):
            if i >= tops:
                break
            code = f"{year}-TZ-{i + 1:04d}"
            leader = leaders[i % len(leaders)]
            shown = programme if row == start else None  # merged below: only the top cell holds the name
            ws.append([code, "", shown, f"推进重点任务第{i + 1}项", "按市委市政府部署，年底前全面完成。", leader.name,
                       "", "", f"{year}-12-31", 1, "", "", "", ""])  # fmt: skip
            row += 1
            for c in range(children):
                lead, co1, co2 = (units[(i * 7 + c + k) % len(units)] for k in range(3))
                name, measure, target = FIGURES[(i + c) % len(FIGURES)]
                ws.append(["", code, None, f"第{i + 1}项任务的第{c + 1}个节点", "按计划推进，每月报送进展。",
                           leader.name, lead.name, f"{co1.name}、{co2.name}", DATES[c % len(DATES)].format(y=year),
                           c + 1, 30, name, measure, target])  # fmt: skip
                row += 1
            i += 1
        merges.append((start, row - 1))
        if p < len(PROGRAMMES) - 1:
            ws.append([])  # a spacer row between programmes
            row += 1
    for first, last in merges:
        if last > first:
            ws.merged_cells.add(f"C{first}:C{last}")  # the 专项 cell over its tasks (top-left keeps the name)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def timed(label: str, fn, rows: int):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - t
    print(f"  {label:<34} {elapsed:6.2f} s   {rows / elapsed:8.0f} rows/s")
    return result, elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--children", type=int, default=4)
    parser.add_argument("--changed", type=int, default=1000, help="rows changed before the last re-import")
    parser.add_argument("--open", action="store_true", help="into an open ledger: every duty starts, with its event")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    reset()
    office, units, leaders = city()
    year = timezone.localdate().year
    ledger = services.do_create_ledger(office, year=year, title=f"{year}年市级领导牵头任务总台账")
    reason = ""
    if args.open:  # a ledger opened with one task; the import then needs its reason
        first = ledger.programmes.get(name="重大项目")
        services.do_create_task(
            office, ledger, services.TaskInput(first, "开账任务", date(year, 12, 31)), code="OPEN-1"
        )
        services.do_open_ledger(office, ledger)
        reason = "年初建账：导入总台账"
    data = workbook(args.rows, args.children, units, leaders, year)
    print(f"database {connection.vendor}: workbook of {args.rows} rows, {len(data) / 1024:.0f} KB")
    today = timezone.localdate()
    book, t_read = timed("read (lxml: strings, styles, merges)", lambda: read_book(data, "台账.xlsx"), args.rows)
    plan, t_check = timed("check (lookups, every row)", lambda: check_book(ledger, book, today), args.rows)
    assert plan.ok, plan.problems[:5]
    applied, t_write = timed(
        "write (bulk, events, roll-up)",
        lambda: import_apply.do_import(office, ledger, plan, reason=reason, filename="台账.xlsx"),
        args.rows,
    )
    total = t_read + t_check + t_write
    print(f"  {'import, all steps':<34} {total:6.2f} s   {args.rows / total:8.0f} rows/s   created {applied.created}")
    tasks = export_book.export_tasks(office, ledger)
    exported, _t = timed("export the whole ledger", lambda: export_book.workbook(ledger, tasks), args.rows)
    t = time.perf_counter()
    again = read_book(exported)
    plan = check_book(ledger, again, today)
    applied = import_apply.do_import(office, ledger, plan, reason=reason)
    elapsed = time.perf_counter() - t
    print(f"  {'re-import of the export':<34} {elapsed:6.2f} s   {args.rows / elapsed:8.0f} rows/s   "
          f"created {applied.created}, updated {applied.updated}")  # fmt: skip
    changed = changed_rows(exported, args.changed)
    t = time.perf_counter()
    plan = check_book(ledger, read_book(changed), today)
    applied = import_apply.do_import(office, ledger, plan, reason=reason)
    elapsed = time.perf_counter() - t
    print(f"  {f're-import, {args.changed} rows changed':<34} {elapsed:6.2f} s   {args.rows / elapsed:8.0f} rows/s   "
          f"created {applied.created}, updated {applied.updated}")  # fmt: skip


def changed_rows(exported: bytes, n: int) -> bytes:
    """The export with the weight of its first n leaves changed (each such row goes through do_update_task)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(exported))
    ws = wb.active
    weight = [c.value for c in ws[2]].index("权重") + 1
    done = 0
    for r in range(3, ws.max_row + 1):
        if done >= n:
            break
        if ws.cell(row=r, column=2).value:  # a sub-task (a leaf here)
            ws.cell(row=r, column=weight).value = 7
            done += 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


if __name__ == "__main__":
    main()
