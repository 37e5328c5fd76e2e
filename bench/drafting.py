"""The drafting reader's speed: the median of 50 reads of a 20-item 会议纪要, in-process, the directory built once.

    uv run --no-sync python bench/drafting.py [--runs 50]

The directory is the demo city's (names.py's units with aliases.py's short names, its twelve leaders, the
shipped holiday calendar), made in memory: no database is read, as a request reads the directory once and then
only runs `read`. Nothing asserts a time; the target is 200 ms."""

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")

import django

django.setup()

from luoshi.demo.aliases import ALIASES  # noqa: E402
from luoshi.demo.names import LEADERS, UNITS  # noqa: E402
from luoshi.lists.drafting.directory import Directory, LeaderEntry, UnitEntry, holiday_spans  # noqa: E402
from luoshi.lists.drafting.reader import read  # noqa: E402
from luoshi.workdays import china  # noqa: E402
from luoshi.workdays.calendar import Calendar  # noqa: E402

DECISIONS = [
    "由市住建局牵头，会同市国土资源局、市财政局和城关区、七里河区，加快推进征收安置，年底前完成2000户棚户区改造任务。",
    "市商务局负责，市食药监局、市安监局配合，9月25日前完成重点商场、农贸市场的供应和安全检查。",
    "由刘振宇同志负责协调，市水务局承办，10个工作日内拿出输水隧洞沿线征地拆迁和施工保障方案。",
    "市城市管理委员会负责，各县区配合，10月底前完成供热管网检修和试运行，确保按时供暖。",
    "市政务服务中心牵头，市直各部门配合，年内实现“最多跑一次”事项占比达到90%以上。",
    "孙海涛同志牵头，市安监局会同市公安局、市交通委，立即开展安全隐患大排查，对重大隐患挂牌督办。",
    "市食药局尽快出台校园及周边食品安全长效监管办法，报市政府审定后印发实施。",
    "何丽萍副市长负责，市教育局承办，会同市财政局、市规划局，三季度末前完成项目选址和规划设计方案。",
    "市人力资源和社会保障局负责，落实就业创业扶持政策，两周内完成见习岗位开发任务。",
    "市民政局牵头，城关区政府配合，下月10日前制定养老助餐服务补贴办法，春节前完成走访慰问。",
]


def document() -> str:
    marks = [
        "一",
        "二",
        "三",
        "四",
        "五",
        "六",
        "七",
        "八",
        "九",
        "十",
        "十一",
        "十二",
        "十三",
        "十四",
        "十五",
        "十六",
        "十七",
        "十八",
        "十九",
        "二十",
    ]
    lines = ["兰州市人民政府常务会议纪要", "", "〔2026〕第8期", ""]
    lines.append("　　9月8日下午，张立群同志主持召开市政府第8次常务会议，研究有关事项。纪要如下：")
    for k in range(20):
        lines.append(f"　　{marks[k]}、会议研究了第{k + 1}项工作。会议要求，{DECISIONS[k % len(DECISIONS)]}")
    lines += ["", "　　出席：张立群　刘振宇　马玉林", "", "　　兰州市人民政府办公厅", "　　2026年9月10日"]
    return "\n".join(lines)


def demo_directory() -> Directory:
    units = [UnitEntry(k + 1, name, kind, tuple(ALIASES.get(name, []))) for k, (_, name, kind, _) in enumerate(UNITS)]
    leaders = [LeaderEntry(100 + k, name, title) for k, (_, name, title, _) in enumerate(LEADERS)]
    days = [d for year in china.HOLIDAYS for d in china.official_days(year)]
    calendar = Calendar({day: work for day, work, _ in days})
    return Directory(units, leaders, calendar, holiday_spans([(day, note) for day, work, note in days if not work]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    directory = demo_directory()
    text = document()
    reading = read(text, directory=directory)
    assert len(reading.items) == 20, len(reading.items)
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        read(text, as_of=date(2026, 9, 10), directory=directory)
        times.append((time.perf_counter() - start) * 1000)
    print(f"read(): 20 items, {len(text)} characters, {args.runs} runs")
    print(f"median {statistics.median(times):.2f} ms, max {max(times):.2f} ms (target 200 ms)")


if __name__ == "__main__":
    main()
