"""Drafts from a pasted text, for the office (mounted under /api/v1/lists with the business token):

POST /drafts-from-text reads a 批示 or minutes into proposed lists (no side effects; units and leaders as
ids, each field with the words it came from and a confidence); POST /drafts-from-text/create stores the
document and the corrected drafts in one step (lists.drafting_services), once per Idempotency-Key.
"""

import hashlib
from datetime import date
from typing import Annotated

from ninja import Field, Header, Router, Schema

from luoshi.errors import InvalidInput
from luoshi.lists import drafting_services
from luoshi.lists.drafting_services import MAX_EXCERPT, MAX_ITEMS, MAX_TEXT, DraftItem
from luoshi.lists.models import Source
from luoshi.org.caller import caller
from luoshi.org.models import Person, Unit
from luoshi.schemas import MULTILINE, ONE_LINE, VISIBLE_TEXT, BodyIn, Day, Id, Line, Text, Title, errors

router = Router(tags=["lists"])

DocumentText = Annotated[str, Field(min_length=1, max_length=MAX_TEXT), VISIBLE_TEXT]
Excerpt = Annotated[str, Field(max_length=MAX_EXCERPT), MULTILINE]
Key = Annotated[str | None, ONE_LINE]
IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    max_length=64,
    description="Repeating the request with the same key stores the document and its drafts once and "
    "answers the first answer (200).",
)


class DraftingReadIn(BodyIn):
    text: DocumentText
    as_of: Day | None = Field(None, description="The document's date when it carries none (default: today).")
    source: Source | None = Field(None, description="The document's kind when it is not to be told from it.")


class DraftProposalOut(Schema):
    title: str
    content: str
    source: Source
    leader: int | None = Field(description="A person id with the leader role; null: not recognised.")
    lead_unit: int | None = Field(description="A unit id; null: not recognised.")
    co_units: list[int]
    deadline: date | None = Field(description="null: not recognised, or 立即/尽快 (flag deadline_asap).")
    evidence: dict[str, str] = Field(description="field → the words it came from")
    confidence: dict[str, float] = Field(description="field → 0..1; absent or 0: not recognised")
    flags: list[str]
    excerpt: str = Field(description="The item's words as in the document.")


class DraftingReadingOut(Schema):
    items: list[DraftProposalOut]
    as_of: date
    source: Source
    evidence: dict[str, str]


class DraftingItemIn(BodyIn):
    title: Title
    content: Text = ""
    source: Source
    leader: Id | None = None
    lead_unit: Id
    co_units: list[Id] = Field(default_factory=list, max_length=100)
    deadline: Day
    report_every_days: int = Field(30, ge=1, le=366)
    excerpt: Excerpt = ""


class DraftingCreateIn(BodyIn):
    text: DocumentText
    as_of: Day
    source: Source
    name: Line = ""
    items: list[DraftingItemIn] = Field(min_length=1, max_length=MAX_ITEMS)


class DraftingCreatedOut(Schema):
    source_text: int
    lists: list[int]


@router.post("/drafts-from-text", response={200: DraftingReadingOut, **errors(403)})
def read_drafts(request, payload: DraftingReadIn):
    """Read the text into proposed draft lists (the office only). Nothing is stored."""
    reading = drafting_services.read_text(caller(request), payload.text, as_of=payload.as_of, source=payload.source)
    items = [
        {
            "title": p.title,
            "content": p.content,
            "source": p.source,
            "leader": p.leader,
            "lead_unit": p.lead_unit,
            "co_units": list(p.co_units),
            "deadline": p.deadline,
            "evidence": dict(p.evidence),
            "confidence": dict(p.confidence),
            "flags": list(p.flags),
            "excerpt": p.excerpt,
        }
        for p in reading.items
    ]
    return {"items": items, "as_of": reading.as_of, "source": reading.source, "evidence": dict(reading.evidence)}


def _items(items: list[DraftingItemIn]) -> list[DraftItem]:
    """The items with their units and leaders, each checked to exist (400 naming items.N.field)."""
    units = Unit.objects.in_bulk({u for i in items for u in (i.lead_unit, *i.co_units)})
    people = Person.objects.in_bulk({i.leader for i in items if i.leader is not None})
    out = []
    for n, i in enumerate(items):
        if i.lead_unit not in units:
            raise InvalidInput("No such unit.", f"items.{n}.lead_unit")
        if missing := [u for u in i.co_units if u not in units]:
            raise InvalidInput(f"No such unit: {missing}.", f"items.{n}.co_units")
        if i.leader is not None and i.leader not in people:
            raise InvalidInput("No such person.", f"items.{n}.leader")
        out.append(
            DraftItem(
                title=i.title,
                content=i.content,
                source=i.source,
                leader=people.get(i.leader) if i.leader is not None else None,
                lead_unit=units[i.lead_unit],
                co_units=[units[u] for u in i.co_units],
                deadline=i.deadline,
                report_every_days=i.report_every_days,
                excerpt=i.excerpt,
            )
        )
    return out


@router.post("/drafts-from-text/create", response={201: DraftingCreatedOut, 200: DraftingCreatedOut, **errors(403)})
def create_drafts(request, payload: DraftingCreateIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """Store the document and one draft list per item, all or none (the office only); nothing is published.
    200 with the first answer when the same Idempotency-Key came before."""
    me = caller(request)
    drafting_services.require_office(me)
    key = hashlib.sha256(f"api:{me.pk}:{idempotency_key}".encode()).hexdigest() if idempotency_key else None
    st, lists, created = drafting_services.do_create_drafts_from_text(
        me,
        text=payload.text,
        name=payload.name,
        source=payload.source,
        as_of=payload.as_of,
        items=_items(payload.items),
        submission_key=key,
    )
    return (201 if created else 200), {"source_text": st.pk, "lists": [r.pk for r in lists]}
