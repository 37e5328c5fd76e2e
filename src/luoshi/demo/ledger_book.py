"""年初建账 by workbook: the office keeps its ledger in a spreadsheet, as offices do, and imports it
programme by programme through the ledger's import services (import_book.read_book, import_check.
check_book, import_apply.do_import: the same checks, codes, duties and events as do_create_task, in bulk).

The sheet is the import's own format (a CSV in UTF-8 with the Chinese headers): codes given for every
row so that sub-tasks name their parents, leaders by username, units by name, indicators with their
kind and monthly plan.
"""

import csv
import io
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from luoshi.demo.ledger_plan import Spec
from luoshi.ledger.import_apply import do_import
from luoshi.ledger.import_book import read_book
from luoshi.ledger.import_check import check_book
from luoshi.ledger.models import Ledger
from luoshi.org.models import Person

TASK_HEADERS = [
    "编号", "上级编号", "专项", "任务名称", "工作要求", "责任领导", "牵头单位", "配合单位", "完成时限", "权重",
    "汇报周期（天）", "开工日期", "竣工日期",
]  # fmt: skip
INDICATOR_HEADERS = ["指标名称", "计量单位", "年度目标", "指标类型", "计划进度"]
KIND = {"cumulative": "累计", "level": "水平"}


def number_codes(tree: list[Spec], year: int) -> None:
    """The codes the ledger would give: 2026-TZ-0001 for the tops in order, -01, -02 … below."""

    def below(spec: Spec) -> None:
        for j, child in enumerate(spec.children, 1):
            child.code = f"{spec.code}-{j:02d}"
            below(child)

    for i, top in enumerate(tree, 1):
        top.code = f"{year}-TZ-{i:04d}"
        below(top)


def _amount(value: Decimal) -> str:
    return format(value.normalize(), "f")


def workbook(tops: list[Spec], names: dict[str, str], year: int) -> bytes:
    """The rows of these top tasks and everything under them, parents first."""
    rows = [s for top in tops for s in top.walk()]
    groups = max((len(s.indicators) for s in rows), default=0)
    header = list(TASK_HEADERS)
    for g in range(1, groups + 1):
        header += [h + (str(g) if g > 1 else "") for h in INDICATOR_HEADERS]
    parent_of = {id(c): s.code for s in rows for c in s.children}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for s in rows:
        line = [
            s.code,
            parent_of.get(id(s), ""),
            s.programme,
            s.title,
            s.requirements,
            s.leader,
            names[s.lead] if s.lead else "",
            "、".join(names[c] for c in s.co),
            s.deadline.isoformat(),
            str(s.weight),
            str(s.every) if s.every and not s.children else "",
            s.starts_on.isoformat() if s.starts_on else "",
            s.completes_on.isoformat() if s.completes_on else "",
        ]
        for ind in s.indicators:
            plan = "；".join(f"{year}-{m:02d}：{_amount(v)}" for m, v in sorted(ind.plan.items()))
            line += [ind.name, ind.measure, _amount(ind.target), KIND[ind.kind], plan]
        writer.writerow(line + [""] * (len(header) - len(line)))
    return out.getvalue().encode("utf-8")


def import_programme(actor: Person, ledger: Ledger, tops: list[Spec], names: dict[str, str], at: datetime) -> int:
    """Import one programme's sheet into the ledger being built; the number of tasks made."""
    data = workbook(tops, names, ledger.year)
    filename = f"{ledger.year}年总台账（{tops[0].programme.strip(chr(34))}）.csv"
    book = read_book(data, filename)
    plan = check_book(ledger, book, timezone.localdate(at))
    return do_import(actor, ledger, plan, filename=filename, column=book.headers, now=at).created
