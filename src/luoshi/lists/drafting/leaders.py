"""The responsible leader: a leader named in the item (张立群同志, 刘振宇副市长, 张市长, 马副市长) matched to
the people with the leader role by full name, or by surname and a title their post holds; the signer of a 批示
(his name on the signature line or in the heading 张立群同志批示) when the item names none."""

import re
from dataclasses import dataclass

from luoshi.lists.drafting.directory import Directory, LeaderEntry

# Titles a document puts after a surname, longest first; each must occur in the leader's post.
TITLES = ("常务副市长", "副书记", "副市长", "秘书长", "书记", "市长", "部长", "主任", "常委")
_TITLE_RE = "|".join(TITLES)
_DATE_AFTER = re.compile(
    r"(?:\d{4}|[〇○零一二三四五六七八九]{4})?年?[\d〇○零一二三四五六七八九十]{1,3}月[\d〇○零一二三四五六七八九十]{1,3}日$"
)


@dataclass
class Leader:
    id: int
    evidence: str
    confidence: float


def _post_has(leader: LeaderEntry, title: str) -> bool:
    return title in leader.title


def find(text: str, directory: Directory) -> Leader | None:
    """The first leader the text names, by full name (with or without 同志) or surname + title."""
    best: tuple[int, Leader] | None = None
    for leader in directory.leaders:
        if not leader.name:
            continue
        at, end = text.find(leader.name), -1
        if at >= 0:
            end = at + len(leader.name)
        elif len(leader.name) >= 3:  # 振宇同志: the given name and 同志
            at = text.find(leader.name[1:] + "同志")
            end = at + len(leader.name) - 1
        if at >= 0:
            tail = re.match(rf"同志|{_TITLE_RE}", text[end:])
            words = text[at : end + (tail.end() if tail else 0)]
            hit = Leader(leader.id, words, 0.95)
            if best is None or at < best[0]:
                best = (at, hit)
    by_surname: dict[str, list[LeaderEntry]] = {}
    for leader in directory.leaders:
        if leader.name:
            by_surname.setdefault(leader.name[0], []).append(leader)
    for m in re.finditer(rf"(?P<s>[\u4e00-\u9fff])(?P<t>{_TITLE_RE})", text):
        if best is not None and best[0] <= m.start():
            break
        candidates = [p for p in by_surname.get(m.group("s"), []) if _post_has(p, m.group("t"))]
        if len(candidates) == 1:
            best = (m.start(), Leader(candidates[0].id, m.group(0), 0.85))
            break
    return best[1] if best else None


def addressed(lines: list[str], directory: Directory) -> Leader | None:
    """The single leader a 批示's greeting addresses (晓东同志： / 马玉林同志：)."""
    from luoshi.lists.drafting.split import is_greeting

    for line in lines:
        if is_greeting(line):
            named = [p for p in directory.leaders if p.name and (p.name in line or p.name[1:] + "同志" in line)]
            if len(named) == 1:
                return Leader(named[0].id, line.rstrip("：:"), 0.85)
    return None


def signer(lines: list[str], directory: Directory) -> Leader | None:
    """The leader who signed: a line that is only his name (perhaps with 同志 or a title), or a heading
    such as 张立群同志批示 / 张立群同志在…上的批示 / 批示人：张立群."""
    for line in lines:
        bare = _DATE_AFTER.sub("", re.sub(r"[\s　]", "", line))  # 张立群 3月5日: the name before the date
        for leader in directory.leaders:
            if not leader.name:
                continue
            if re.fullmatch(rf"(?:批示人[：:])?{re.escape(leader.name)}(?:同志)?(?:{_TITLE_RE})?[：:]?", bare):
                return Leader(leader.id, bare, 0.9)
            if len(leader.name) >= 3 and bare == leader.name[1:]:  # 立群: a leader signs with his given name
                return Leader(leader.id, bare, 0.8)
            if bare.startswith(leader.name) and "批示" in bare:
                return Leader(leader.id, bare, 0.9)
    for line in lines:
        bare = re.sub(r"[\s　]", "", line)
        m = re.fullmatch(rf"(?P<s>[\u4e00-\u9fff])(?P<t>{_TITLE_RE})(?:批示)?[：:]?", bare)
        if m:
            found = [p for p in directory.leaders if p.name.startswith(m.group("s")) and _post_has(p, m.group("t"))]
            if len(found) == 1:
                return Leader(found[0].id, bare, 0.8)
    return None
