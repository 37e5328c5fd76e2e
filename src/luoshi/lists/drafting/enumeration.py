"""Enumerations written 一是……；二是……；三是…… inside a paragraph: its parts are tasks, each an item, unless
the words before them describe (会议认为…呈现以下特点：一是…). A run starts at 一是 opening a clause (the
paragraph's start or after ：，。；) and goes on with 二是, 三是… each opening a sentence (after 。；！？); anything
else (坚持一是一、二是二, 统一是前提) is ordinary words."""

import re
from dataclasses import dataclass

from luoshi.lists.drafting.numerals import number

_CN = "一二三四五六七八九十"
_SHI = re.compile(rf"(?<![{_CN}第])(?P<n>[{_CN}]{{1,3}})是(?:[：:，,、]\s*)?")
_OPENS_FIRST = "：:，,。；;！!？?"
_OPENS_NEXT = "。；;！!？?"
_ENDS = "。；;！!？?"
# The lead-in's last sentence describing (a view, findings), not asking: its parts are no tasks.
_VIEW = re.compile(
    r"认为|指出|肯定|看到|回顾|总结|表现|特点|成效|成绩|亮点|不足|短板|差距|原因|困难|主要问题|存在的?问题|体现在|得益于"
)
_ASK = re.compile(r"要求|议定|决定|责成|请|部署|抓好|做好|落实好|着力|务必")


@dataclass
class Enumerated:
    lead_in: str  # the sentence before 一是 (会议要求：, 请按以下要求抓好落实：), "" if none
    parts: list[str]  # the parts' words, 一是/二是 left out


def _runs(text: str) -> list[list[re.Match[str]]]:
    runs: list[list[re.Match[str]]] = []
    current: list[re.Match[str]] = []
    for m in _SHI.finditer(text):
        n = number(m.group("n"))
        before = text[: m.start()].rstrip(" \u3000")
        prev = before[-1:]
        if current and n == len(current) + 1 and prev in _OPENS_NEXT:
            current.append(m)
        elif n == 1 and (not before or prev in _OPENS_FIRST):
            if len(current) >= 2:
                runs.append(current)
            current = [m]
    if len(current) >= 2:
        runs.append(current)
    return runs


def _sentence_start(text: str, at: int) -> int:
    before = text[:at]
    return max(before.rfind(c) for c in _ENDS) + 1


def lead_in(text: str, at: int) -> str:
    """The words before the run's 一是 in its sentence (会议要求，), the sentences before it being context."""
    return text[_sentence_start(text, at) : at].strip()


def describes(lead: str) -> bool:
    return bool(_VIEW.search(lead)) and not _ASK.search(lead)


def enumerations(text: str) -> list[Enumerated]:
    """The paragraph's task enumerations, in order; [] when it has none. A run's last part runs to the sentence
    before the next run's lead-in, or to the paragraph's end (the sentences after it are its own)."""
    runs = _runs(text)
    out: list[Enumerated] = []
    for k, run in enumerate(runs):
        lead = lead_in(text, run[0].start())
        if describes(lead):
            continue
        end = _sentence_start(text, runs[k + 1][0].start()) if k + 1 < len(runs) else len(text)
        bounds = [m.end() for m in run]
        parts = [text[b : run[i + 1].start()] for i, b in enumerate(bounds[:-1])] + [text[bounds[-1] : end]]
        out.append(Enumerated(lead, [p.strip() for p in parts if p.strip()]))
    return out
