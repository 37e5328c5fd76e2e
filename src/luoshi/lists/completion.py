"""Striking a list off (销号): once every unit's duty is accepted (or withdrawn), with the list's lateness
frozen. Accepting or returning a unit's completion and its extensions are the duty engine's
(duties.completion)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.duties import handoffs
from luoshi.duties.completion import finished_at
from luoshi.duties.models import DutyStatus
from luoshi.duties.services import require_office, resolve_now
from luoshi.errors import Conflict
from luoshi.events.services import record
from luoshi.lists import tallies
from luoshi.lists.models import ListStatus, ResponsibilityList
from luoshi.org.models import Person


def do_close(actor: Person, rlist: ResponsibilityList, now: datetime | None = None) -> ResponsibilityList:
    """Strike the list off (销号) once every unit's work is accepted; lateness is frozen here."""
    require_office(actor)
    now = resolve_now(now)
    with transaction.atomic(), tallies.one_refresh():
        rlist = ResponsibilityList.objects.select_for_update().get(pk=rlist.pk)
        if rlist.status != ListStatus.IN_PROGRESS:
            raise Conflict(_("Only a list in progress can be struck off."))
        duties = [d for d in rlist.duties.select_related("unit", "last_report") if d.status != DutyStatus.WITHDRAWN]
        still_open = [d.unit.name for d in duties if d.status != DutyStatus.COMPLETED]
        if still_open:
            raise Conflict(
                _("The list cannot be struck off: not yet completed by {units}.").format(units="、".join(still_open))
            )
        days_late = max(((timezone.localdate(finished_at(d, now)) - d.deadline).days for d in duties), default=0)
        rlist.status = ListStatus.CLOSED
        rlist.closed_at = now
        rlist.days_late = max(days_late, 0)
        rlist.closed_late = days_late > 0
        rlist.save(update_fields=["status", "closed_at", "days_late", "closed_late"])
        record(
            actor,
            "list.closed",
            "list",
            rlist.pk,
            before={"status": ListStatus.IN_PROGRESS},
            after={"status": rlist.status, "closed_late": rlist.closed_late, "days_late": rlist.days_late},
            at=now,
        )
        handoffs.owner_closed(duties, now)
        tallies.refresh([rlist.pk])
    return rlist
