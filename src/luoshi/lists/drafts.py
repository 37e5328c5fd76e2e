"""The writes on a draft list: before publishing nothing is owed, so the office may change any field or
withdraw the draft. Each is one transaction and one event, like lists.services, whose rules it shares."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.duties.models import Duty, HandlingRole
from luoshi.errors import Conflict, InvalidInput, NotFound
from luoshi.events.services import record
from luoshi.lists import tallies
from luoshi.lists.models import ListStatus, Milestone, ResponsibilityList
from luoshi.lists.services import MilestoneInput, check_list_input, copy_to_duties, list_duty, require_office
from luoshi.org.models import Person, Unit

DRAFT_FIELDS = (
    "source",
    "title",
    "content",
    "leader",
    "lead_unit",
    "co_units",
    "deadline",
    "report_every_days",
    "milestones",
)
LIST_COLUMNS = ("source", "title", "content", "leader", "deadline", "report_every_days")


def _draft_values(rlist: ResponsibilityList) -> dict[str, Any]:
    obligations = list(rlist.duties.select_related("unit").order_by("id"))
    return {
        "source": rlist.source,
        "title": rlist.title,
        "content": rlist.content,
        "leader": rlist.leader,
        "lead_unit": next(ob.unit for ob in obligations if ob.role == HandlingRole.LEAD),
        "co_units": [ob.unit for ob in obligations if ob.role == HandlingRole.CO],
        "deadline": rlist.deadline,
        "report_every_days": rlist.report_every_days,
        "milestones": [MilestoneInput(m.due_date, m.title) for m in rlist.milestones.all()],
    }


def _draft_state(name: str, value: Any) -> Any:
    """A draft field as the event log keeps it (and as edits are compared): ids, ISO dates, text."""
    if name in ("leader", "lead_unit"):
        return value.pk if value is not None else None
    if name == "co_units":
        return sorted(u.pk for u in value)
    if name == "deadline":
        return value.isoformat()
    if name == "milestones":
        return [[m.due_date.isoformat(), m.title.strip()] for m in value]
    return value.strip() if isinstance(value, str) else value


def _locked_draft(rlist: ResponsibilityList, refusal: str) -> ResponsibilityList:
    locked = ResponsibilityList.objects.select_for_update().filter(pk=rlist.pk).first()
    if locked is None:
        raise NotFound(_("This draft no longer exists; it may have been deleted already."))
    if locked.status != ListStatus.DRAFT:
        raise Conflict(refusal)
    return locked


def do_update_draft(
    actor: Person,
    rlist: ResponsibilityList,
    changes: Mapping[str, Any],
    *,
    reason: str = "",
    now: datetime | None = None,
) -> ResponsibilityList:
    """Edit a draft: `changes` holds any of DRAFT_FIELDS (units as Unit, the leader as Person or None,
    milestones as MilestoneInput, which replace the old ones). The result obeys the rules of
    do_create_list. An edit that changes nothing records nothing, so a repeated submission is harmless.
    `reason` goes into the event; on a published list the edit is refused (409)."""
    require_office(actor)
    if unknown := sorted(set(changes) - set(DRAFT_FIELDS)):
        raise InvalidInput(_("This field cannot be changed: {field}.").format(field=unknown[0]), unknown[0])
    now = now or timezone.now()
    with transaction.atomic(), tallies.one_refresh():
        rlist = _locked_draft(rlist, _("Only a draft can be edited; this list is already published."))
        old = _draft_values(rlist)
        new = {**old, **changes}
        new["co_units"] = list(dict.fromkeys(new["co_units"]))
        changed = [k for k in DRAFT_FIELDS if _draft_state(k, new[k]) != _draft_state(k, old[k])]
        if not changed:
            return rlist
        check_list_input(**new, now=now)
        if columns := [k for k in changed if k in LIST_COLUMNS]:
            for name in columns:
                setattr(rlist, name, new[name].strip() if isinstance(new[name], str) else new[name])
            rlist.save(update_fields=columns)
            copy_to_duties(rlist)
        if "lead_unit" in changed or "co_units" in changed:
            _replace_units(rlist, new["lead_unit"], new["co_units"])
        if "deadline" in changed:
            rlist.duties.update(deadline=rlist.deadline)  # no extensions before publishing
        if "milestones" in changed:
            rlist.milestones.all().delete()
            Milestone.objects.bulk_create(
                Milestone(list=rlist, due_date=m.due_date, title=m.title.strip()) for m in new["milestones"]
            )
        record(
            actor,
            "list.updated",
            "list",
            rlist.pk,
            before={k: _draft_state(k, old[k]) for k in changed},
            after={k: _draft_state(k, new[k]) for k in changed},
            note=reason.strip(),
            at=now,
        )
        tallies.refresh([rlist.pk])
    return rlist


def _replace_units(rlist: ResponsibilityList, lead_unit: Unit, co_units: list[Unit]) -> None:
    """Keep the rows of units that stay (with their new role), drop the others, add the new ones."""
    wanted = {lead_unit.pk: HandlingRole.LEAD, **{u.pk: HandlingRole.CO for u in co_units}}
    rlist.duties.exclude(unit_id__in=wanted).delete()
    kept = {ob.unit_id: ob for ob in rlist.duties.all()}
    for unit_id, ob in kept.items():
        if ob.role != wanted[unit_id]:
            ob.role = wanted[unit_id]
            ob.save(update_fields=["role"])
    units = Unit.objects.in_bulk([u for u in wanted if u not in kept])
    Duty.objects.bulk_create(list_duty(rlist, units[u], role) for u, role in wanted.items() if u not in kept)


def do_delete_draft(actor: Person, rlist: ResponsibilityList, now: datetime | None = None) -> None:
    """Withdraw a draft: it and its units and milestones go; the event log keeps what it was.
    A published list is never deleted (409); a draft already deleted is NotFound (404)."""
    require_office(actor)
    now = now or timezone.now()
    with transaction.atomic(), tallies.one_refresh():
        rlist = _locked_draft(
            rlist, _("Only a draft can be deleted; a published list stays on the books until it is struck off.")
        )
        before = {k: _draft_state(k, v) for k, v in _draft_values(rlist).items()}
        record(actor, "list.deleted", "list", rlist.pk, before={"status": rlist.status, **before}, at=now)
        list_id = rlist.pk
        rlist.delete()  # obligations and milestones cascade
        tallies.refresh([list_id])
