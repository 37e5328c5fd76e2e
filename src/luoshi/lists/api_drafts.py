"""PATCH and DELETE /api/v1/lists/{id}: the office edits or withdraws a draft (lists.drafts).

Every field of a PATCH is optional: what is sent changes, what is left out stays; `reason` is
recorded with the edit. On a published list (in progress or suspended) only title, content, leader
and deadline change, and `reason` is required (lists.changes.do_change_published).
"""

from typing import Any

from ninja import Field
from pydantic import ConfigDict

from luoshi.errors import InvalidInput
from luoshi.lists import changes, drafts
from luoshi.lists.api import ListOut, MilestoneIn, _detail, _visible_list, lists_router
from luoshi.lists.models import ListStatus, Source
from luoshi.lists.services import MilestoneInput
from luoshi.org.caller import caller
from luoshi.org.models import Person, Unit
from luoshi.schemas import BodyIn, Day, Id, Text, Title, errors


def _never_null(schema: dict[str, Any]) -> None:
    """Optional is not nullable: the schema drops the null that `X | None` adds (only `leader` may be
    null); _changes refuses an explicit null with a 400 naming the field."""
    for name, prop in schema.get("properties", {}).items():
        branches = prop.get("anyOf", [])
        if name != "leader" and {"type": "null"} in branches and len(branches) == 2:
            del prop["anyOf"]
            prop.update(next(b for b in branches if b != {"type": "null"}))


class ListPatch(BodyIn):
    """Fields left out stay as they are."""

    model_config = ConfigDict(json_schema_extra=_never_null)

    source: Source | None = None
    title: Title | None = None
    content: Text | None = None
    leader: Id | None = Field(None, description="null takes the responsible leader off.")
    lead_unit: Id | None = None
    co_units: list[Id] | None = Field(None, max_length=100, description="The whole new set of co-handling units.")
    deadline: Day | None = None
    report_every_days: int | None = Field(None, ge=1, le=366)
    milestones: list[MilestoneIn] | None = Field(None, max_length=20, description="Replace all milestones.")
    reason: Text = Field("", description="Why the list changes; kept in its timeline.")


def _changes(sent: dict[str, Any]) -> dict[str, Any]:
    """The sent fields as do_update_draft takes them: ids to units and people, checked to exist."""
    for name, value in sent.items():
        if value is None and name != "leader":
            raise InvalidInput(f"{name} cannot be null; leave it out to keep it.", name)
    changes = dict(sent)
    unit_ids = [*([sent["lead_unit"]] if "lead_unit" in sent else []), *sent.get("co_units", [])]
    units = Unit.objects.in_bulk(unit_ids)
    if "lead_unit" in sent:
        if sent["lead_unit"] not in units:
            raise InvalidInput("No such unit.", "lead_unit")
        changes["lead_unit"] = units[sent["lead_unit"]]
    if "co_units" in sent:
        if missing := [u for u in sent["co_units"] if u not in units]:
            raise InvalidInput(f"No such unit: {missing}.", "co_units")
        changes["co_units"] = [units[u] for u in sent["co_units"]]
    if sent.get("leader") is not None:
        changes["leader"] = Person.objects.filter(pk=sent["leader"]).first()
        if changes["leader"] is None:
            raise InvalidInput("No such person.", "leader")
    if "milestones" in sent:
        changes["milestones"] = [MilestoneInput(m["due_date"], m["title"]) for m in sent["milestones"]]
    return changes


@lists_router.patch("/{int:list_id}", response={200: ListOut, **errors(403, 404, 409)})
def update_list(request, list_id: Id, payload: ListPatch):
    """Change a draft's fields, or a published list's title, content, leader and deadline with a
    `reason` (office only; every unit's deadline moves unless its approved extension reaches beyond).
    Sending the same change twice changes nothing more."""
    rlist = _visible_list(request, list_id)
    sent = payload.dict(exclude_unset=True)
    reason = sent.pop("reason", "")
    if rlist.status == ListStatus.DRAFT:
        drafts.do_update_draft(caller(request), rlist, _changes(sent), reason=reason)
    else:
        changes.do_change_published(caller(request), rlist, _changes(sent), reason)
    return _detail(request, list_id)


@lists_router.delete("/{int:list_id}", response={204: None, **errors(403, 404, 409)})
def delete_list(request, list_id: Id):
    """Delete a draft (office only); a published list is never deleted (409)."""
    drafts.do_delete_draft(caller(request), _visible_list(request, list_id))
    return 204, None
