"""The reader against the corpus (tests/lists/drafting/corpus, rules in its RULES.md): per-field accuracy.

An expected item is split right when the document gives as many proposals as it expects items and the
proposal in its place has an excerpt starting with its `starts`; lead unit, co units (as sets), deadline (with
deadline_asap) and leader are each counted over the items split right. Each must reach 95%."""

import json
import re
from datetime import date
from pathlib import Path

import pytest

from luoshi.lists.drafting import Proposal
from luoshi.lists.drafting.reader import directory, read
from luoshi.org.models import Person, Unit

from .demo_org import build_demo_org

CORPUS = Path(__file__).parent / "corpus"
FLOOR = 0.95
FIELDS = ("items split", "lead unit", "co units", "deadline", "leader", "document date", "source")
_MARKER = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}[、．.]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.．、]|[①-⑳])\s*"
)


def documents() -> list[tuple[str, str, dict]]:
    out = []
    for expected in sorted(CORPUS.glob("*.json")):
        text = expected.with_suffix(".txt")
        if text.exists():
            out.append((expected.stem, text.read_text(encoding="utf-8"), json.loads(expected.read_text("utf-8"))))
    return out


def _starts(proposal: Proposal, starts: str) -> bool:
    return proposal.excerpt.startswith(starts) or proposal.excerpt.startswith(_MARKER.sub("", starts, count=1))


@pytest.mark.django_db
def test_corpus_accuracy(capsys: pytest.CaptureFixture[str]) -> None:
    docs = documents()
    if not docs:
        pytest.skip("no corpus yet")
    build_demo_org()
    d = directory()
    unit_name = dict(Unit.objects.values_list("pk", "name"))
    person_name = dict(Person.objects.values_list("pk", "name"))
    right = dict.fromkeys(FIELDS, 0)
    total = dict.fromkeys(FIELDS, 0)
    misses: list[str] = []

    def count(field: str, ok: bool, where: str, got: object, want: object) -> None:
        total[field] += 1
        right[field] += ok
        if not ok:
            misses.append(f"{where} {field}: got {got!r}, want {want!r}")

    for stem, text, want in docs:
        given = date.fromisoformat(want["given_as_of"]) if want.get("given_as_of") else None
        reading = read(text, as_of=given, directory=d)
        count("document date", reading.as_of.isoformat() == want["as_of"], stem, reading.as_of, want["as_of"])
        count("source", reading.source == want["source"], stem, reading.source, want["source"])
        expected = want["items"]
        same_count = len(reading.items) == len(expected)
        if not same_count:
            misses.append(
                f"{stem}: {len(reading.items)} items, want {len(expected)}: {[p.excerpt[:12] for p in reading.items]}"
            )
        for k, item in enumerate(expected):
            where = f"{stem}#{k + 1}"
            p = reading.items[k] if same_count else None
            split_ok = p is not None and _starts(p, item["starts"])
            count("items split", split_ok, where, p.excerpt[:16] if p else None, item["starts"])
            if p is None or not split_ok:
                continue
            lead = unit_name.get(p.lead_unit) if p.lead_unit else None
            count("lead unit", lead == item["lead_unit"], where, lead, item["lead_unit"])
            co = {unit_name[u] for u in p.co_units}
            count("co units", co == set(item["co_units"]), where, sorted(co), sorted(item["co_units"]))
            got_due = (p.deadline.isoformat() if p.deadline else None, "deadline_asap" in p.flags)
            want_due = (item["deadline"], bool(item.get("deadline_asap")))
            count("deadline", got_due == want_due, where, got_due, want_due)
            leader = person_name.get(p.leader) if p.leader else None
            count("leader", leader == item["leader"], where, leader, item["leader"])
            _no_guess(p)
    with capsys.disabled():
        print(f"\ncorpus: {len(docs)} documents, {total['items split']} items")
        for field in FIELDS:
            print(f"  {field:14} {right[field]:4}/{total[field]:<4} {right[field] / max(total[field], 1):7.1%}")
        for miss in misses:
            print("  miss", miss)
    low = [f for f in FIELDS if total[f] and right[f] / total[f] < FLOOR]
    assert not low, f"below {FLOOR:.0%}: {low}"


def _no_guess(p: Proposal) -> None:
    """What is not recognised carries no evidence; what is carries its words and a confidence."""
    for field, value in (("lead_unit", p.lead_unit), ("co_units", p.co_units), ("leader", p.leader)):
        assert bool(value) == bool(p.evidence.get(field)), field
        assert bool(value) == (p.confidence.get(field, 0) > 0), field
    assert (p.deadline is not None) == (p.confidence.get("deadline", 0) > 0)
