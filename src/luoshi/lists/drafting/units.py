"""Units in an item's words: longest match over the directory's names, short names and the words for every
unit of a kind (各县区, 市直各部门), and their roles from the wording: 牵头/负责/承办/会同 → the lead unit,
配合/协助/参与 and 会同's object → co units."""

import re
from dataclasses import dataclass, field

from luoshi.lists.drafting.directory import Directory

_JOIN = re.compile(r"\s*(?:、|，?以及|和|及|与|,)\s*")
_LEAD_AFTER = re.compile(r"(?:要|为|作为)?(?:牵头|负责|承办|主办|主抓|主责|具体负责|抓总)")
_CO_AFTER = re.compile(r"(?:要|等单位|等部门|等)?(?:积极|全力|密切|共同|做好)?(?:配合|协助|参与|协办|协同|按职责)")
_WITH_AFTER = re.compile(r"(?:要|牵头)?会同")
_OTHER_BODY = re.compile(r"委|人大|政协|纪委|党委")
_LEAD_LABEL = re.compile(r"(?:牵头单位|牵头部门|主办单位|承办单位|责任单位|主责单位|牵头)[：:]\s*$")
_CO_LABEL = re.compile(r"(?:配合单位|协办单位|参与单位|协助单位|配合部门|配合)[：:]\s*$")
_CO_BEFORE = re.compile(r"(?:会同|联合|协调|配合|协助)$")
_LEAD_BEFORE = re.compile(r"(?:由|请|责成|要求|交由)$")


@dataclass
class Mention:
    start: int
    end: int
    ids: tuple[int, ...]
    text: str


@dataclass
class Group:
    mentions: list[Mention]
    role: str = ""  # lead | co | "" (not said)
    sure: float = 0.0

    @property
    def start(self) -> int:
        return self.mentions[0].start

    @property
    def end(self) -> int:
        return self.mentions[-1].end

    @property
    def ids(self) -> list[int]:
        return [i for m in self.mentions for i in m.ids]


@dataclass
class Units:
    lead: int | None = None
    co: list[int] = field(default_factory=list)
    lead_evidence: str = ""
    co_evidence: str = ""
    lead_confidence: float = 0.0
    co_confidence: float = 0.0


def mentions(text: str, directory: Directory) -> list[Mention]:
    index = directory.names()
    found: list[Mention] = []
    i, n = 0, len(text)
    while i < n:
        hit = None
        for word, ids in index.get(text[i], {}).items():
            if text.startswith(word, i):
                hit = Mention(i, i + len(word), ids, word)
                break
        districts = hit is not None and all(directory.kind_of(u) == "district" for u in hit.ids)
        if hit and districts and _OTHER_BODY.match(text, hit.end):
            i = hit.end  # 城关区委, 各县区委: a district's Party committee (or congress) is another organisation
        elif hit and not districts and _bare_department(hit, directory) and _elsewhere(text, i, found):
            i = hit.end  # 省发改委, 城关区住建局: a bare short name after a province or a district is not the city's
        elif hit:
            found.append(hit)
            i = hit.end
        else:
            i += 1
    return found


def _bare_department(hit: Mention, directory: Directory) -> bool:
    """A department's short name without the city's prefix (发改委, 住建局): towns and districts are names."""
    kinds = {directory.kind_of(u) for u in hit.ids}
    return not hit.text.startswith(("市", "兰州")) and kinds <= {"department", "office"}


_OTHER_LEVEL = re.compile(r"(?:省|省委|省政府|国家|中央|县|区|乡|镇|街道)$")


def _elsewhere(text: str, at: int, found: list[Mention]) -> bool:
    if found and found[-1].end == at:
        return True  # right after another unit's name: 城关区 + 住建局
    return bool(_OTHER_LEVEL.search(text[max(0, at - 3) : at]))


def groups(text: str, found: list[Mention]) -> list[Group]:
    out: list[Group] = []
    for m in found:
        if out and _JOIN.fullmatch(text[out[-1].end : m.start]):
            out[-1].mentions.append(m)
        else:
            out.append(Group([m]))
    return out


def roles(text: str, directory: Directory) -> Units:
    found = groups(text, mentions(text, directory))
    for k, g in enumerate(found):
        after = text[g.end : g.end + 8]
        before = text[max(0, g.start - 8) : g.start]
        if g.role:
            continue
        if _LEAD_LABEL.search(before):
            g.role, g.sure = "lead", 0.95
        elif _CO_LABEL.search(before):
            g.role, g.sure = "co", 0.95
        elif _WITH_AFTER.match(after):
            g.role, g.sure = "lead", 0.9
            if k + 1 < len(found) and not found[k + 1].role:
                found[k + 1].role, found[k + 1].sure = "co", 0.9
        elif _CO_AFTER.match(after):
            g.role, g.sure = "co", 0.9
        elif _LEAD_AFTER.match(after):
            g.role, g.sure = "lead", 0.9
        elif _CO_BEFORE.search(before):
            g.role, g.sure = "co", 0.8
        elif _LEAD_BEFORE.search(before):
            g.role, g.sure = "lead", 0.8
    out = Units()
    lead_groups = [g for g in found if g.role == "lead"]
    if not lead_groups:
        # No role word: the first unit named leads, the others are co units.
        for g in found:
            if not g.role:
                g.role, g.sure = "lead", 0.6
                lead_groups = [g]
                break
        for g in found:
            if not g.role:
                g.role, g.sure = "co", 0.5
    for g in found:  # 各县区 without a role word, beside a named lead: its units are co units
        if not g.role and all(len(m.ids) > 1 for m in g.mentions):
            g.role, g.sure = "co", 0.6
    co: list[tuple[int, str, float]] = []  # (unit, words, confidence)
    for g in found:
        words = text[g.start : g.end + _role_len(text, g.end)]
        for m in g.mentions:
            if g.role == "lead" and out.lead is None and len(m.ids) == 1:
                # An expansion (各县区) never leads: its units are co units.
                out.lead = m.ids[0]
                out.lead_evidence = words
                out.lead_confidence = g.sure if len(g.mentions) == 1 else g.sure * 0.9
            elif g.role:
                sure = g.sure if g.role == "co" else g.sure * 0.8
                co += [(uid, words, sure) for uid in m.ids]
    seen: set[int] = set()
    words_used: list[str] = []
    sures: list[float] = []
    for uid, words, sure in co:
        if uid != out.lead and uid not in seen:
            seen.add(uid)
            out.co.append(uid)
            words_used.append(words)
            sures.append(sure)
    if out.co:
        out.co_evidence = "；".join(dict.fromkeys(words_used))
        out.co_confidence = min(sures)
    return out


def _role_len(text: str, end: int) -> int:
    m = _LEAD_AFTER.match(text, end) or _CO_AFTER.match(text, end) or _WITH_AFTER.match(text, end)
    return m.end() - end if m else 0
