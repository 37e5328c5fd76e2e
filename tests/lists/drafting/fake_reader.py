"""A small stand-in for lists.drafting.reader (the real one is another helper's): items are the lines that
start with 一、二、…; the first unit named is the lead unit, the others co units; "M月D日前" is the deadline
in the document's year; a leader named by his name is the leader. Installed with `use_fake_reader`."""

import re
import sys
import types
from datetime import date

import pytest
from django.utils import timezone

from luoshi.lists.drafting import Proposal, Reading
from luoshi.org.models import Person, Role, Unit

ITEM = re.compile(r"^\s*[一二三四五六七八九十]+、(.+)$", re.M)
DEADLINE = re.compile(r"(\d{1,2})月(\d{1,2})日前")
DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def directory() -> dict:
    leaders = [p for p in Person.objects.filter(is_active=True) if p.has_role(Role.LEADER)]
    return {"units": {u.name: u.pk for u in Unit.objects.all()}, "leaders": {p.name: p.pk for p in leaders}}


def read(text: str, *, as_of: date | None = None, source: str | None = None, directory: dict | None = None) -> Reading:
    d = directory or globals()["directory"]()
    evidence = {}
    if as_of is None and (m := DATE.search(text)):
        as_of, evidence["as_of"] = date(int(m[1]), int(m[2]), int(m[3])), m[0]
    as_of = as_of or timezone.localdate()
    source = source or ("instruction" if "批示" in text else "meeting")
    items = []
    for m in ITEM.finditer(text):
        words = m[1].strip()
        named = sorted((words.index(n), n) for n in d["units"] if n in words)
        lead = named[0][1] if named else None
        co = [n for _at, n in named[1:]]
        p = Proposal(
            title=re.split(r"[，。；]", words)[0][:30],
            content=words,
            source=source,
            leader=next((pk for name, pk in d["leaders"].items() if name in words), None),
            lead_unit=d["units"][lead] if lead else None,
            co_units=[d["units"][n] for n in co],
            excerpt=m[0].strip(),
        )
        p.evidence["title"] = p.title
        if lead:
            p.evidence["lead_unit"], p.confidence["lead_unit"] = lead, 0.9
        if co:
            p.evidence["co_units"], p.confidence["co_units"] = "、".join(co), 0.8
        if dm := DEADLINE.search(words):
            p.deadline = date(as_of.year, int(dm[1]), int(dm[2]))
            p.evidence["deadline"], p.confidence["deadline"] = dm[0], 0.9
        elif "尽快" in words or "立即" in words:
            p.flags.append("deadline_asap")
        items.append(p)
    return Reading(items=items, as_of=as_of, source=source, evidence=evidence)


@pytest.fixture
def use_fake_reader(monkeypatch):
    """Reading goes through this module (whether or not the real reader exists yet)."""
    import luoshi.lists.drafting as package

    fake = types.ModuleType("luoshi.lists.drafting.reader")
    fake.read = read  # type: ignore[attr-defined]
    fake.directory = directory  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "luoshi.lists.drafting.reader", fake)
    monkeypatch.setattr(package, "reader", fake, raising=False)
    return fake
