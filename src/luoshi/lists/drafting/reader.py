"""The reader: a pasted 批示, 会议纪要, 议定事项 or 工作要点 → one proposal per item, each recognised field with
the words it came from and a confidence; what is not recognised stays empty, with no evidence.

    reading = read(text, as_of=None, source=None, directory=directory())

`read` is pure given a Directory; `directory()` loads one from the database in four queries."""

import re
from datetime import date

from django.utils import timezone

from luoshi.lists.drafting import Proposal, Reading, deadlines, leaders, units
from luoshi.lists.drafting.directory import Directory, LeaderEntry, UnitEntry, holiday_spans
from luoshi.lists.drafting.numerals import CN, number
from luoshi.lists.drafting.split import Layout, clean_lines, split

TITLE_MAX = 30
# The document's kind from its heading words, the first match in the heading wins (议定事项 before 会议).
KINDS: list[tuple[str, str]] = [
    ("议定事项", "agreed_item"),
    ("工作要点", "work_point"),
    ("要点", "work_point"),
    ("批示", "instruction"),
    ("纪要", "meeting"),
    ("会议", "meeting"),
]
_DOC_DATE = re.compile(
    rf"(?:(?P<y>\d{{4}}|[{CN}]{{4}})\s*年\s*)?(?P<m>\d{{1,2}}|[{CN}]{{1,3}})\s*月\s*(?P<d>\d{{1,2}}|[{CN}]{{1,3}})\s*日"
)
_TRAILING = "。；，、：,.;:！!？? \u3000"


def directory() -> Directory:
    """The organisation as the reader needs it: units, leaders, the calendar and its holidays."""
    from luoshi.org.models import Person, Role, Unit
    from luoshi.workdays import calendar
    from luoshi.workdays.models import CalendarDay

    unit_rows = [
        UnitEntry(pk, name, kind, tuple(a for a in (aliases or []) if isinstance(a, str) and a))
        for pk, name, kind, aliases in Unit.objects.order_by("pk").values_list("pk", "name", "kind", "aliases")
    ]
    leader_rows = [
        LeaderEntry(pk, name, title)
        for pk, name, title, roles in Person.objects.filter(is_active=True, roles__icontains=f'"{Role.LEADER}"')
        .order_by("pk")
        .values_list("pk", "name", "title", "roles")
        if Role.LEADER in (roles or [])
    ]
    rest = list(CalendarDay.objects.filter(is_workday=False).exclude(note="").values_list("date", "note"))
    return Directory(unit_rows, leader_rows, calendar.load(), holiday_spans(rest))


_load_directory = directory  # read()'s parameter of the same name hides it


def document_kind(lines: list[str]) -> tuple[str, str] | None:
    """(source, the words) from the document's first lines."""
    for line in lines[:4]:
        for word, kind in KINDS:
            if word in line:
                return kind, line
    return None


def document_date(layout: Layout, fallback_year: int) -> tuple[date, str] | None:
    """The document's date, outside its items: a line that is a date (2026年3月5日, 二〇二六年三月五日, 3月5日 with
    the given or this year), a full date closing a line after a space (the issuer and date of a heading), opening a
    line in parentheses (（2026年1月12日市委常委会会议审议通过）) or after 时间：/日期：. Dates within sentences are not."""
    for line in [*layout.tail[::-1], *layout.head]:
        bare = line.strip()
        for m in _DOC_DATE.finditer(bare):
            before, after = bare[: m.start()], bare[m.end() :]
            whole = not before.strip("（( ") and not after.strip("）) ")
            closing = bool(m.group("y")) and not after.strip() and bool(re.search(r"[\s\u3000]$", before))
            opening = bool(m.group("y")) and before in ("（", "(")
            labelled = bool(re.fullmatch(r"(?:时间|日期|印发日期|成文日期)[：:]\s*", before))
            if not (whole or closing or opening or labelled):
                continue
            y = number(m.group("y")) if m.group("y") else fallback_year
            mo, d = number(m.group("m")), number(m.group("d"))
            if y and mo and d:
                try:
                    return date(y, mo, d), m.group(0)
                except ValueError:
                    continue
    return None


_ROLE_ONLY = re.compile(
    r"(?:由|请|并|要|具体|负责|协调|牵头|抓总|承办|主办|会同|配合|协助|参与|督促|同志|常务副市长|副市长|市长|副书记|书记"
    r"|部长|秘书长|、|和|及|与|\s)*"
)


_SAID = re.compile(r"(?:会议)?(?:要求|议定|决定|明确|提出)[，,：:]")


def _is_role_clause(clause: str, directory: Directory | None) -> bool:
    """A clause that only says who (由市住建局牵头 / 市住建局、市交通委配合 / 刘振宇同志负责): no work in it."""
    if directory is None:
        return False
    bare = clause.rstrip(_TRAILING)
    found = units.mentions(bare, directory)
    for m in reversed(found):
        bare = bare[: m.start] + bare[m.end :]
    for leader in directory.leaders:
        if leader.name:
            bare = bare.replace(leader.name, "")
    named = bool(found) or len(bare) < len(clause.rstrip(_TRAILING))
    return named and bool(_ROLE_ONLY.fullmatch(bare))


def title_of(text: str, directory: Directory | None = None) -> str:
    """A short form of the first sentence: its clauses after those that only say who does it, as many as fit
    in 30 characters, without the trailing punctuation."""
    first = re.split(r"[。；;！!？?\n]", text.strip(), maxsplit=1)[0].strip()
    clauses = [c for c in re.split(r"(?<=[，,：:])", first) if c.strip(_TRAILING)]
    while len(clauses) > 1 and (_is_role_clause(clauses[0], directory) or _SAID.fullmatch(clauses[0])):
        clauses.pop(0)
    kept = ""
    for clause in clauses:
        if len(kept) + len(clause.rstrip(_TRAILING)) > TITLE_MAX:
            break
        kept += clause
    if not kept.strip(_TRAILING):
        kept = "".join(clauses)[:TITLE_MAX]
    return kept.rstrip(_TRAILING)[:TITLE_MAX].rstrip(_TRAILING)


def read(
    text: str, *, as_of: date | None = None, source: str | None = None, directory: Directory | None = None
) -> Reading:
    if directory is None:
        directory = _load_directory()
    lines = [line for line in clean_lines(text) if line]
    evidence: dict[str, str] = {}
    found_kind = document_kind(lines)
    given_source = source is not None
    if source is None and found_kind:
        source = found_kind[0]
        evidence["source"] = found_kind[1]
    if source is None:
        # No kind in the heading: a 批示 if a leader signed it (his name on the last lines), else minutes.
        last = [line for line in lines[-3:] if len(line) <= 20]
        signed_by = leaders.signer(last, directory)
        source = "instruction" if signed_by else "meeting"
        if signed_by:
            evidence["source"] = signed_by.evidence
    layout = split(text, directory, demands=source == "instruction")
    given = as_of
    found_date = document_date(layout, (given or timezone.localdate()).year)
    if found_date:
        as_of = found_date[0]
        evidence["as_of"] = found_date[1]
    elif as_of is None:
        as_of = timezone.localdate()
    signed = None
    if source == "instruction":  # the leader the greeting addresses, else the one who signed
        signed = leaders.addressed(layout.head, directory)
        if signed is None:
            signed = leaders.signer([*layout.tail[::-1], *layout.head], directory)
            if signed:
                evidence["signer"] = signed.evidence
        else:
            evidence["addressee"] = signed.evidence
    items = [
        _propose(
            part.text,
            source,
            as_of,
            directory,
            (part.heading and leaders.find(part.heading, directory)) or signed,
            part.heading,
        )
        for part in layout.items
    ]
    # The kind: given (the office's word), found in the heading or signature, or not recognised (minutes, unmarked).
    said = "" if given_source else evidence.get("source", "")
    for p in items:
        if given_source or said:
            p.evidence["source"] = said or source
            p.confidence["source"] = 1.0 if given_source else 0.9
    return Reading(items=items, as_of=as_of, source=source, evidence=evidence)


def _propose(
    text: str, source: str, as_of: date, directory: Directory, above: leaders.Leader | None, heading: str = ""
) -> Proposal:
    """`above`: the leader of the item's heading (一、…（责任领导：赵明远同志）), else of the 批示 (its addressee or
    signer), taken when the item names none; so are the heading's units and deadline (一、市住建局牵头，年底前完成
    以下工作：), with less confidence."""
    body = text.strip()
    title = title_of(body, directory)
    p = Proposal(title=title, content=body, source=source, leader=None, lead_unit=None, excerpt=body)
    p.evidence["title"] = title
    p.confidence["title"] = 0.7
    p.evidence["content"] = body
    p.confidence["content"] = 0.9
    who = units.roles(body, directory)
    if who.lead is None and not who.co and heading:
        who = units.roles(heading, directory)
        who.lead_confidence *= 0.8
        who.co_confidence *= 0.8
    if who.lead is not None:
        p.lead_unit = who.lead
        p.evidence["lead_unit"] = who.lead_evidence
        p.confidence["lead_unit"] = who.lead_confidence
    if who.co:
        p.co_units = who.co
        p.evidence["co_units"] = who.co_evidence
        p.confidence["co_units"] = who.co_confidence
    due = deadlines.find(body, as_of, directory)
    if due is None and heading:
        due = deadlines.find(heading, as_of, directory)
        if due is not None:
            due.confidence *= 0.8
    if due is not None:
        if due.asap:
            p.flags.append("deadline_asap")
        else:
            p.deadline = due.day
            p.confidence["deadline"] = due.confidence
        p.evidence["deadline"] = due.evidence
    named = leaders.find(body, directory)
    if named is None and above is not None:
        named = leaders.Leader(above.id, above.evidence, min(above.confidence, 0.75))
    if named is not None:
        p.leader = named.id
        p.evidence["leader"] = named.evidence
        p.confidence["leader"] = named.confidence
    return p
