"""A document's items: numbered decisions and paragraphs (一、 （一） 1. 1、 （1） ① 第一条 一是), the innermost
level being the items and the levels above them headings; a task enumeration (一是……；二是……) within an item or
paragraph gives an item per part; without numbers, its paragraphs, a 批示's paragraph split
into its demands (a sentence whose subject is a unit starts one). Headers (title, number, time and place),
greetings (XX同志：), signatures, dates and distribution lines are not items."""

import re
from dataclasses import dataclass, field

from luoshi.lists.drafting import table
from luoshi.lists.drafting.directory import Directory
from luoshi.lists.drafting.enumeration import describes, enumerations, lead_in
from luoshi.lists.drafting.numerals import number
from luoshi.lists.drafting.units import mentions

_CN = "一二三四五六七八九十"
STYLES: list[tuple[str, re.Pattern[str]]] = [
    ("cn", re.compile(rf"[{_CN}]{{1,3}}[、．.]\s*")),
    ("pcn", re.compile(rf"[（(][{_CN}]{{1,3}}[）)]\s*")),
    ("num_dot", re.compile(r"\d{1,2}[.．](?!\d)\s*")),
    ("num_comma", re.compile(r"\d{1,2}、\s*")),
    ("pnum", re.compile(r"[（(]\d{1,2}[）)]\s*")),
    ("num_paren", re.compile(r"\d{1,2}[）)]\s*")),
    ("circled", re.compile(r"[①-⑳]\s*")),
    ("article", re.compile(rf"第(?:[{_CN}]{{1,3}}|\d{{1,2}})[条项](?:[、，,：:．.]\s*|[ \u3000]+)")),
    ("shi", re.compile(rf"[{_CN}]{{1,3}}是(?:[：:，,、]\s*)?")),
]
# Numbered only in a run from the first (第一条 then 第二条; 一是 then 二是): a line opening with 第一项 or 一是
# alone is a sentence.
_RUN_ONLY = ("article", "shi")
_ORDINAL = re.compile(rf"[{_CN}]{{1,3}}|\d{{1,2}}")
DATE_LINE = re.compile(
    r"[（(]?\s*(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*[\d〇○零一二三四五六七八九十]{1,3}\s*月"
    r"\s*[\d〇○零一二三四五六七八九十]{1,3}\s*日\s*[）)]?"
)
_TAIL_START = re.compile(
    r"(?:出席|列席|请假|缺席|记录|参加会议|参会|抄送|抄报|主送|分送|发送|印发|附件|联系人|联系电话|（此件|\(此件|签发|核稿|校对)"
)
# After the last item: the closing words (会议要求，各县区、各部门要…; 以上事项由…) are not an item's.
_CLOSING = re.compile(r"(?:会议要求|会议强调|会议指出|会议认为|以上|上述|各县区|各部门|各成员单位|各有关)")
_CLOSED = tuple("。；！？!?;：:）)”")
_SENTENCE_END = "。；！!;？?"
_SUBJECT_PREFIX = re.compile(
    r"(?:会议(?:要求|议定|决定|明确|同意|强调|指出|提出)[，,：:]?)?(?:并请|另请|也请|同时请|同时|此外，|另外，|请|由|要求|责成)?"
)


@dataclass
class Part:
    text: str  # the item's words, its number left out
    marker: str = ""  # its number as written (一、, （二）, 3.), or "" for a paragraph or a demand
    heading: str = ""  # the heading it stands under, if any


@dataclass
class Layout:
    items: list[Part] = field(default_factory=list)
    head: list[str] = field(default_factory=list)  # title, number, greeting…: the lines before the items
    tail: list[str] = field(default_factory=list)  # signature, date, distribution: the lines after them


def clean_lines(text: str) -> list[str]:
    return [line.strip(" \t\u3000\ufeff") for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]


def marker(line: str) -> tuple[str, str] | None:
    for style, pattern in STYLES:
        m = pattern.match(line)
        if m and len(line) > m.end():
            return style, m.group(0)
    return None


def is_tail_line(line: str) -> bool:
    """A date, a distribution line, or a short line without sentence punctuation (a signature)."""
    if DATE_LINE.fullmatch(line) or _TAIL_START.match(line):
        return True
    return len(line) <= 20 and not any(c in line for c in "。；，,;！!？?：:")


def is_greeting(line: str) -> bool:
    return len(line) <= 60 and line.endswith(("：", ":")) and not any(c in line for c in "。；")


def split(text: str, directory: Directory, *, demands: bool = False) -> Layout:
    lines = [line for line in clean_lines(text) if line]
    tabled = table.rows(lines)
    if tabled is not None:
        head, items, tail = tabled
        return Layout([Part(item) for item in items], head, tail)
    numbered = _in_runs(lines, [marker(line) for line in lines])
    if any(numbered):
        return _numbered(lines, numbered)
    return _paragraphs(lines, directory, demands)


def _ordinal(mark: str) -> int | None:
    found = _ORDINAL.search(mark)
    return number(found.group(0)) if found else None


def _in_runs(lines: list[str], numbered: list[tuple[str, str] | None]) -> list[tuple[str, str] | None]:
    """Markers of a style numbered only in runs (第一条, 一是) kept in runs of two or more counting from the
    first; a 一是 run is dropped too when the line before it describes (存在的主要问题：), its parts being no tasks."""
    out = list(numbered)
    for style in _RUN_ONLY:
        runs: list[list[int]] = []
        for k, found in enumerate(out):
            if found and found[0] == style:
                n = _ordinal(found[1])
                if runs and n == len(runs[-1]) + 1:
                    runs[-1].append(k)
                else:
                    runs.append([k])
        for run in runs:
            before = lines[run[0] - 1] if run[0] else ""
            told = style == "shi" and describes(lead_in(before, len(before)))
            first = out[run[0]]
            if len(run) < 2 or first is None or _ordinal(first[1]) != 1 or told:
                for k in run:
                    out[k] = None
    return out


@dataclass
class _Entry:
    rank: int
    marker: str
    lines: list[str]


def _numbered(lines: list[str], numbered: list[tuple[str, str] | None]) -> Layout:
    layout = Layout()
    order: list[str] = []
    entries: list[_Entry] = []
    in_tail = False
    last = max(k for k, found in enumerate(numbered) if found)
    for k, (line, found) in enumerate(zip(lines, numbered, strict=True)):
        if found:
            style, mark = found
            if style not in order:
                order.append(style)
            entries.append(_Entry(order.index(style), mark, [line[len(mark) :]]))
            in_tail = False
        elif not entries:
            layout.head.append(line)
        elif in_tail or _ends_body(line, k > last, entries[-1].lines[-1]):
            in_tail = True
            layout.tail.append(line)
        else:
            entries[-1].lines.append(line)
    headings: dict[int, str] = {}
    for k, entry in enumerate(entries):
        headings = {r: h for r, h in headings.items() if r < entry.rank}
        nxt = entries[k + 1] if k + 1 < len(entries) else None
        if nxt is not None and nxt.rank > entry.rank:
            headings[entry.rank] = entry.lines[0]
            continue
        heading = headings[max(headings)] if headings else ""
        text = join_lines(entry.lines)
        listed = enumerations(text)
        if listed:  # 一、会议要求：一是……；二是……: the parts under the lead-in, the item's number on the first
            layout.items += [
                Part(part, entry.marker if k == 0 and n == 0 else "", e.lead_in or heading)
                for n, e in enumerate(listed)
                for k, part in enumerate(e.parts)
            ]
        else:
            layout.items.append(Part(text, entry.marker, heading))
    return layout


def wrapped(line: str) -> bool:
    """A line broken off in the middle of a sentence (as PDF text comes): long, without a closing mark."""
    return len(line) >= 20 and not line.endswith(_CLOSED) and any(c in line for c in "，。；、：")


def join_lines(lines: list[str]) -> str:
    out = ""
    for k, line in enumerate(lines):
        out += ("" if wrapped(lines[k - 1]) else "\n") + line if k else line
    return out


def _ends_body(line: str, after_last: bool, before: str) -> bool:
    """Whether the line after an item's words starts the document's tail (signature, date, distribution)."""
    if DATE_LINE.fullmatch(line) or _TAIL_START.match(line):
        return True
    if not after_last or wrapped(before):
        return False  # more items follow: the words between are the item's
    return is_tail_line(line) or bool(_CLOSING.match(line))


def _paragraphs(lines: list[str], directory: Directory, demands: bool) -> Layout:
    """Unnumbered: the paragraphs' demands. In a 批示 (`demands`) a paragraph without one is a demand itself
    (此事要高度重视，尽快拿出办法); in minutes it is the meeting's view (会议认为…), unless no paragraph has one."""
    layout = Layout()
    body = [k for k, line in enumerate(lines) if _is_body(line)]
    if not body:
        layout.head = lines
        return layout
    first, last = body[0], body[-1]
    layout.head = lines[:first]
    layout.tail = lines[last + 1 :]
    paragraphs: list[str] = []
    for line in lines[first : last + 1]:
        if not _is_body(line) and not (paragraphs and wrapped(paragraphs[-1])):
            continue
        if paragraphs and wrapped(paragraphs[-1]):
            paragraphs[-1] += line
        else:
            paragraphs.append(line)
    found = [_demands(paragraph, directory) for paragraph in paragraphs]
    if any(parts for parts in found):
        for paragraph, parts in zip(paragraphs, found, strict=True):
            layout.items += parts if parts else ([Part(paragraph)] if demands else [])
    else:
        layout.items = [Part(paragraph) for paragraph in paragraphs]
    return layout


def _demands(paragraph: str, directory: Directory) -> list[Part]:
    """A paragraph's task enumerations' parts (under their lead-in), else its demands by unit."""
    listed = enumerations(paragraph)
    if listed:
        return [Part(part, heading=e.lead_in) for e in listed for part in e.parts]
    return [Part(d) for d in split_demands(paragraph, directory)]


def _is_body(line: str) -> bool:
    """A sentence of the body: not a title, greeting, lead-in (纪要如下：), signature or date."""
    if is_greeting(line) or line.endswith(("：", ":")) or DATE_LINE.fullmatch(line) or _TAIL_START.match(line):
        return False
    return any(c in line for c in "，。；！？,;!?") or len(line) > 40


def sentences(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    for k, c in enumerate(text):
        if c in _SENTENCE_END:
            out.append(text[start : k + 1])
            start = k + 1
    if text[start:].strip():
        out.append(text[start:])
    return [s for s in out if s.strip()]


def starts_with_unit(sentence: str, directory: Directory) -> bool:
    s = sentence.lstrip()
    s = s[_SUBJECT_PREFIX.match(s).end() :]  # type: ignore[union-attr]
    found = mentions(s[:30], directory)
    return bool(found) and found[0].start == 0


def split_demands(paragraph: str, directory: Directory) -> list[str]:
    """A paragraph → its demands: each sentence whose subject is a unit starts one; the sentences before the
    first (the leader's or the meeting's view of the matter) are not a demand, those after join the last.
    No such sentence: no demands ([])."""
    parts: list[list[str]] = []
    for sentence in sentences(paragraph):
        if starts_with_unit(sentence, directory):
            parts.append([sentence])
        elif parts:
            parts[-1].append(sentence)
    return ["".join(p).strip() for p in parts]
