"""Deadlines in an item's words, relative to the document's date: 6月底前, 9月15日前, 年底前 / 年内, 三季度末,
下月10日前, 2026.3.5 / 2026/3/5 / 2026-03-05, 3.15前 / 于3.15 (a month.day only with 前 or 于/截至 — 3.5亿元,
12.5% are numbers), 两周内, 10个工作日内 (working days), 本周内, 春节前 (the calendar's holidays); 立即 / 尽快 give no
date but the flag "deadline_asap". A date named in an item wins over 立即; of several dates the latest (the
work's end, earlier ones being its steps). Recurring dates (每月5日前) are a reporting cadence, not a deadline."""

import calendar as months
import re
from dataclasses import dataclass
from datetime import date, timedelta

from luoshi.lists.drafting.directory import Directory
from luoshi.lists.drafting.numerals import CN, number

N = rf"(?:\d{{1,4}}|[{CN}]{{1,4}})"
Y = rf"(?:\d{{4}}|[{CN}]{{4}})"  # a year as written in full: 2026, 二〇二六
_BEFORE = r"(?:之前|以前|前|为限|止|内)?"
_RECURRING = re.compile(r"(?:每月|每季度?|每周|每年|每半年|每旬|逐月|按月|按季)[^，。；]{0,3}$")
_ASAP = re.compile(r"立即|立刻|即刻|马上|尽快|抓紧|迅速|第一时间")

# A month.day (3.15) is a decimal unless a deadline word holds it: 于/截至/限 before, 前/止/为限 after; never
# followed by a digit, a unit or %, never after a digit or a point.
_DOT_MD = r"(?<![\d.．])(?P<m>1[0-2]|0?[1-9])[.．](?P<d>3[01]|[12]\d|0?[1-9])(?![\d.．%％])"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "ymd",
        re.compile(
            r"(?<![\d.．/-])(?P<y>20\d\d)(?P<s>[.．/-])(?P<m>1[0-2]|0?[1-9])(?P=s)(?P<d>3[01]|[12]\d|0?[1-9])"
            rf"(?![\d.．/%％-])[日号]?{_BEFORE}"
        ),
    ),
    ("md", re.compile(rf"{_DOT_MD}[日号]?(?:之前|以前|前|为限|止)")),
    ("md_to", re.compile(rf"(?:于|截至|截止|限)(?:在|到)?{_DOT_MD}(?![万亿千百元个倍米吨件户人])")),
    ("ymd", re.compile(rf"(?P<y>{Y})年(?P<m>{N})月(?P<d>{N})[日号]{_BEFORE}")),
    ("ym_end", re.compile(rf"(?P<y>{Y})年(?P<m>{N})月(?P<part>底|末|份|中旬|上旬|下旬)?{_BEFORE}")),
    ("y_end", re.compile(rf"(?P<y>{Y})年(?:底|末|年底|内)(?:之前|以前|前)?")),
    ("years", re.compile(r"(?<![\d〇○零一二三四五六七八九十])(?P<n>[一二两三1-3])年(?:内|之内|以内)")),
    ("next_md", re.compile(rf"下(?:个)?月(?P<d>{N})[日号]{_BEFORE}")),
    ("next_m_end", re.compile(r"下(?:个)?月(?:底|末)(?:之前|以前|前)?")),
    ("md", re.compile(rf"(?P<ny>明年|次年)?(?P<m>{N})月(?P<d>{N})[日号](?:之前|以前|前|为限|止)")),
    ("md_to", re.compile(rf"(?:于|在|截至|截止|到|限|至)(?P<m>{N})月(?P<d>{N})[日号]")),
    ("m_end", re.compile(rf"(?P<ny>明年|次年)?(?P<m>{N})月(?P<part>底|末|份|中旬|上旬|下旬)(?:之前|以前|前)?")),
    ("m_before", re.compile(rf"(?P<m>{N})月(?:之前|以前|前)")),
    ("this_md", re.compile(rf"(?:本|当|这个)月(?P<d>{N})[日号]{_BEFORE}")),
    ("this_m_end", re.compile(r"(?:本月|当月|月底前|月底)(?:底|末)?(?:之前|以前|前)?")),
    ("next_y_end", re.compile(r"(?:明年|下一年|次年)(?:底|末|年底)(?:之前|以前|前)?")),
    ("half_month", re.compile(r"半个月(?:内|之内|以内)")),
    ("half_year", re.compile(r"半年(?:内|之内|以内)")),
    # 上半年 alone is often a period spoken of (对上半年发布的清单): a deadline with 前/内/末 or a verb of completion
    (
        "half",
        re.compile(r"(?P<h>上半年|年中|下半年)(?:(?:末|底)?(?:之前|以前|前|内)|末|底|(?=完成|实现|建成|全面|基本))"),
    ),
    ("quarter", re.compile(r"(?:第)?(?P<q>[一二三四1-4])季度(?:末|底|内|前|之前|以前)*")),
    ("year_end", re.compile(r"(?:今年|本年度?|年度)?(?:年底|年末|年内|年底前|年度内)(?:之前|以前|前)?")),
    ("workdays", re.compile(rf"(?P<n>{N})个?工作日(?:内|之内|以内)?")),
    ("weeks", re.compile(rf"(?P<n>{N})(?:个)?(?:周|星期)(?:内|之内|以内)")),
    ("days", re.compile(rf"(?P<n>{N})(?:天|日)(?:内|之内|以内)")),
    ("months", re.compile(rf"(?P<n>{N})个(?:月)(?:内|之内|以内)")),
    ("this_week", re.compile(r"(?:本周|这周|本星期)(?:内|之内|五前|末)?")),
    ("next_week", re.compile(r"下周(?:内|之内|五前|末|前)?")),
    (
        "holiday",
        re.compile(r"(?P<h>春节|元旦|清明节?|五一|劳动节|端午节?|中秋节?|国庆节?)(?:假期)?(?:之前|以前|前)(?!后)"),
    ),
]
# 除夕 (the eve of the lunar new year), for years the calendar does not hold.
CHUXI = [
    date(2024, 2, 9),
    date(2025, 1, 28),
    date(2026, 2, 16),
    date(2027, 2, 5),
    date(2028, 1, 25),
    date(2029, 2, 12),
    date(2030, 2, 2),
    date(2031, 1, 22),
    date(2032, 2, 10),
    date(2033, 1, 30),
    date(2034, 2, 18),
    date(2035, 2, 7),
]
_FIXED = {"元旦": (1, 1), "劳动节": (5, 1), "国庆节": (10, 1)}
_HOLIDAY_NOTE = {"清明": "清明节", "五一": "劳动节", "端午": "端午节", "中秋": "中秋节", "国庆": "国庆节"}


@dataclass
class Deadline:
    day: date | None
    asap: bool
    evidence: str
    confidence: float


def find(text: str, as_of: date, directory: Directory) -> Deadline | None:
    """The item's deadline, or None when it names none."""
    taken: list[tuple[int, int]] = []
    best: tuple[date, str] | None = None
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            if _RECURRING.search(text[max(0, m.start() - 6) : m.start()]):
                taken.append(m.span())
                continue
            day = _resolve(kind, m, as_of, directory)
            if day is None:
                continue
            taken.append(m.span())
            if best is None or day > best[0]:
                best = (day, m.group(0))
    if best:
        return Deadline(best[0], False, best[1], 0.9)
    asap = _ASAP.search(text)
    if asap:
        return Deadline(None, True, asap.group(0), 0.8)
    return None


def _resolve(kind: str, m: re.Match[str], as_of: date, directory: Directory) -> date | None:
    g = m.groupdict()

    def num(key: str) -> int | None:
        return number(g[key]) if g.get(key) else None

    year, mon, day, n = num("y"), num("m"), num("d"), num("n")
    try:
        if kind == "ymd" and year and mon and day:
            return date(year, mon, day)
        if kind == "ym_end" and year and mon:
            return _part(year, mon, g.get("part") or "底")
        if kind == "y_end" and year and 2000 <= year <= 2100:
            return date(year, 12, 31)
        if kind in ("next_md", "next_m_end"):
            y, mo = (as_of.year + 1, 1) if as_of.month == 12 else (as_of.year, as_of.month + 1)
            return date(y, mo, day) if kind == "next_md" and day else _month_end(y, mo)
        if kind == "this_md" and day:
            return date(as_of.year, as_of.month, day)
        if kind == "this_m_end":
            return _month_end(as_of.year, as_of.month)
        if kind in ("md", "md_to") and mon and day:
            return date(as_of.year + 1, mon, day) if g.get("ny") else _ahead(date(as_of.year, mon, day), as_of)
        if kind == "m_end" and mon:
            if g.get("ny"):
                return _part(as_of.year + 1, mon, g["part"])
            return _ahead(_part(as_of.year, mon, g["part"]), as_of)
        if kind == "m_before" and mon and 1 <= mon <= 12:
            return _ahead(_month_end(as_of.year, mon - 1) if mon > 1 else date(as_of.year, 12, 31), as_of)
        if kind == "next_y_end":
            return date(as_of.year + 1, 12, 31)
        if kind == "half":
            return date(as_of.year, 12, 31) if g["h"] == "下半年" else _ahead(date(as_of.year, 6, 30), as_of)
        if kind == "quarter":
            q = number(g["q"]) or 0
            return _ahead(_month_end(as_of.year, 3 * q), as_of) if 1 <= q <= 4 else None
        if kind == "year_end":
            return date(as_of.year, 12, 31)
        if kind == "workdays" and n:
            return directory.calendar.add_workdays(as_of, n)
        if kind == "weeks" and n:
            return as_of + timedelta(days=7 * n)
        if kind == "days" and n:
            return as_of + timedelta(days=n)
        if kind == "months" and n:
            y, mo = divmod(as_of.month - 1 + n, 12)
            y, mo = as_of.year + y, mo + 1
            return date(y, mo, min(as_of.day, months.monthrange(y, mo)[1]))
        if kind == "years" and n:
            return _ahead(
                date(as_of.year + n, as_of.month, min(as_of.day, 28 if as_of.month == 2 else as_of.day)), as_of
            )
        if kind == "half_month":
            return as_of + timedelta(days=15)
        if kind == "half_year":
            y, mo = divmod(as_of.month + 5, 12)
            return date(as_of.year + y, mo + 1, min(as_of.day, months.monthrange(as_of.year + y, mo + 1)[1]))
        if kind == "this_week":  # weeks run Monday to Sunday
            return as_of + timedelta(days=6 - as_of.weekday())
        if kind == "next_week":
            return as_of + timedelta(days=13 - as_of.weekday())
        if kind == "holiday":
            return _before_holiday(_HOLIDAY_NOTE.get(g["h"], g["h"]), as_of, directory)
    except ValueError:
        return None
    return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, months.monthrange(year, month)[1])


def _part(year: int, month: int, part: str) -> date:
    if part == "上旬":
        return date(year, month, 10)
    if part == "中旬":
        return date(year, month, 20)
    return _month_end(year, month)


def _ahead(day: date, as_of: date) -> date:
    """A month and day without a year: this year's, or next year's once this year's has passed."""
    if day < as_of:
        return date(day.year + 1, day.month, min(day.day, months.monthrange(day.year + 1, day.month)[1]))
    return day


def _before_holiday(name: str, as_of: date, directory: Directory) -> date | None:
    """The day before the holiday's first day, the next such holiday after the document's date."""
    starts = sorted(
        first for note, spans in directory.holidays.items() if name in note for first, _ in spans if first > as_of
    )
    if starts:
        return starts[0] - timedelta(days=1)
    if name == "春节":  # not on the calendar: the day before 除夕
        eves = [d for d in CHUXI if d > as_of]
        return eves[0] - timedelta(days=1) if eves else None
    if name in _FIXED:  # not on the calendar: the day before the holiday's fixed date
        month, day = _FIXED[name]
        return _ahead(date(as_of.year, month, day), as_of + timedelta(days=1)) - timedelta(days=1)
    return None
