"""The cockpit's figures: every section for a scope, cached until the next event.

The cache key carries the audit chain's head (events.ChainHead.seq), which every committed write moves,
since every state change is an event sealed at its commit: a figure is never served after a write that
changed it. The chain is sealed in commit order, so a reader never files figures under a head older than
the facts they were read from would allow."""

from typing import Any

from django.core.cache import cache
from django.utils.translation import get_language

from luoshi.cockpit import (
    figures_fieldwork,
    figures_ladder,
    figures_ledger,
    figures_lists,
    figures_oversight,
    figures_public,
)
from luoshi.cockpit.scope import Scope
from luoshi.cockpit.shapes import Section
from luoshi.events.models import ChainHead

SECTIONS = {
    "lists": figures_lists.section,
    "ladder": figures_ladder.section,
    "ledger": figures_ledger.section,
    "oversight": figures_oversight.section,
    "public": figures_public.section,
    "fieldwork": figures_fieldwork.section,
}
TIMEOUT = 3600  # the head is in the key: the timeout only bounds the memory of old keys


def head() -> int:
    return ChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0


def sections(scope: Scope) -> dict[str, Section]:
    key = f"cockpit:{head()}:{get_language()}:{scope.key()}"  # the labels are in the reader's language
    found = cache.get(key)
    if found is not None:
        return found
    fresh = {name: compute(scope) for name, compute in SECTIONS.items()}
    cache.set(key, fresh, TIMEOUT)
    return fresh


def cockpit(scope: Scope) -> dict[str, Any]:
    """The API's and the page's object: one per section, and `trends` (each section's twelve months)."""
    found = sections(scope)
    return {**found, "trends": {name: s["trend"] for name, s in found.items()}}
