"""Drafting lists from text: a 批示, minutes (会议纪要), agreed items (议定事项) or work points (工作要点) read
into proposed draft lists, each field with the words it came from and a confidence. Nothing is stored here:
`read` only proposes; the office corrects the proposals and creates the drafts (lists.drafting_services).

The shape below is the contract between the reader (reader.py and its parts), the API, the web preview
and the corpus tests."""

from dataclasses import dataclass, field
from datetime import date

# Fields a proposal carries evidence and confidence for.
FIELDS = ("title", "content", "source", "leader", "lead_unit", "co_units", "deadline")


@dataclass
class Proposal:
    """One item of the document, proposed as a draft list."""

    title: str  # a short form of the item's first sentence
    content: str  # the item's text (its requirements)
    source: str  # lists.models.Source: instruction | agreed_item | meeting | work_point
    leader: int | None  # a Person id with the leader role, or None (not recognised)
    lead_unit: int | None  # a Unit id, or None (not recognised)
    co_units: list[int] = field(default_factory=list)  # Unit ids
    deadline: date | None = None  # None: not recognised, or 立即/尽快 (see flags)
    evidence: dict[str, str] = field(default_factory=dict)  # field → the words it came from
    confidence: dict[str, float] = field(default_factory=dict)  # field → 0..1; absent or 0: not recognised
    flags: list[str] = field(default_factory=list)  # e.g. "deadline_asap": 立即/尽快, for the office to set
    excerpt: str = ""  # the item's words as in the document (kept on the list: its source sentence)


@dataclass
class Reading:
    items: list[Proposal]
    as_of: date  # the document's date (found in it, else given, else today)
    source: str  # the document's kind, as found or given
    evidence: dict[str, str] = field(default_factory=dict)  # "as_of", "source", "signer": the words found
