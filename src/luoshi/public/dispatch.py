"""Dispatch (直派) of an accepted problem to a lead unit (and co units): one duty of the duty engine per unit,
to be signed for (签收) within the category's hours, its deadline counted from the sign-for in working days
(duties.respond). A unit may send it back (退单) within LUOSHI_PUBLIC_SEND_BACK_HOURS with a reason and its
basis; the office re-dispatches or rules who owns it, which settles every send-back awaiting a ruling:
against the unit when it was the one ruled the owner, against nobody otherwise."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.duties import changes, handoffs, owners
from luoshi.duties.models import LIVE_STATUSES, Duty, HandlingRole
from luoshi.duties.respond import deadline_from_sign
from luoshi.duties.services import check_horizon, require_office, resolve_now
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.services import record
from luoshi.org import access
from luoshi.org.models import Person, Unit
from luoshi.org.queries import responsible_leader
from luoshi.public.intake import _bounded, locked, problem_state
from luoshi.public.models import Problem, Ruling, SendBack, SendBackReason, Status
from luoshi.workdays import calendar

MAX_CO_UNITS = 20
# Where a live problem may be dispatched from (a send-back returns it to accepted).
DISPATCHABLE = (Status.ACCEPTED,)


def send_back_hours() -> int:
    return int(getattr(settings, "LUOSHI_PUBLIC_SEND_BACK_HOURS", 24))


def duties_of(problem: Problem) -> list[Duty]:
    kind = owners.content_type_id("problem")
    return list(
        Duty.objects.filter(owner_type_id=kind, owner_id=problem.pk).select_related("unit").order_by("-role", "pk")
    )


def live_duty(problem: Problem, unit_id: int) -> Duty | None:
    return changes.live_duty(owners.content_type_id("problem"), problem.pk, unit_id)


def lead_duty(problem: Problem) -> Duty | None:
    return live_duty(problem, problem.lead_unit_id) if problem.lead_unit_id else None


def title_of(content: str) -> str:
    first = content.strip().splitlines()[0] if content.strip() else ""
    return first[:60] + ("…" if len(first) > 60 else "")


def code_of(problem: Problem) -> str:
    return f"WT{problem.pk:06d}"


def _unit(pk: object, field: str) -> Unit:
    found = Unit.objects.filter(pk=pk).first() if isinstance(pk, int) and 0 < pk < 2**31 else None
    if found is None:
        raise InvalidInput(_("No such unit."), field)
    return found


def _settle(actor: Person, p: Problem, owner: Unit, now: datetime) -> None:
    """The ruling on every send-back awaiting one: the unit ruled the owner was wrong to send it back."""
    for sb in p.send_backs.filter(ruling=Ruling.PENDING).select_for_update():
        sb.ruling = Ruling.OVERRULED if sb.unit_id == owner.pk else Ruling.UPHELD
        sb.ruled_at, sb.ruled_by = now, actor
        sb.save(update_fields=["ruling", "ruled_at", "ruled_by"])
        record(
            actor,
            "problem.ruled",
            "problem",
            p.pk,
            unit_id=sb.unit_id,
            after={"send_back": sb.pk, "ruling": sb.ruling, "owner": owner.pk},
            at=now,
        )


def _start(actor: Person, p: Problem, unit: Unit, role: str, deadline: date | None, now: datetime) -> Duty:
    hours = p.category.urgent_respond_hours if p.urgent else p.category.respond_hours
    respond_by = now + timedelta(hours=hours)
    workdays = None if deadline else p.category.resolve_workdays
    duty = Duty(
        owner_type_id=owners.content_type_id("problem"),
        owner_id=p.pk,
        unit=unit,
        role=role,
        leader=responsible_leader(unit),
        title=title_of(p.content),
        code=code_of(p),
        deadline=deadline or deadline_from_sign(respond_by, p.category.resolve_workdays, calendar.load()),
        respond_by=respond_by,
        resolve_workdays=workdays,
    )
    return changes.start(actor, duty, now, cause="dispatched")


def do_dispatch(
    actor: Person,
    problem: Problem,
    unit: int,
    co_units: list[int] | None = None,
    deadline: date | None = None,
    now: datetime | None = None,
) -> Duty:
    """Dispatch to a lead unit and co units: the lead duty. Dispatching again to the same units while they
    hold it returns the lead duty unchanged (a double submission)."""
    require_office(actor)
    now = resolve_now(now)
    lead = _unit(unit, "unit")
    co = [_unit(pk, "co_units") for pk in dict.fromkeys(co_units or [])]
    if len(co) > MAX_CO_UNITS:
        raise InvalidInput(_("At most {n} co units.").format(n=MAX_CO_UNITS), "co_units")
    if any(u.pk == lead.pk for u in co):
        raise InvalidInput(_("The lead unit is not also a co unit."), "co_units")
    if deadline is not None:
        check_horizon(deadline, "deadline", timezone.localdate(now))
        if deadline < timezone.localdate(now):
            raise InvalidInput(_("The deadline has passed."), "deadline")
    with transaction.atomic():
        p = locked(problem)
        if p.lead_unit_id == lead.pk and (d := lead_duty(p)) is not None:
            return d
        if p.status not in DISPATCHABLE:
            raise Conflict(_("Only an accepted problem not held by a unit can be dispatched."))
        before = problem_state(p)
        _settle(actor, p, lead, now)
        duty = _start(actor, p, lead, HandlingRole.LEAD, deadline, now)
        started = [duty]
        for u in co:
            if live_duty(p, u.pk) is None:
                started.append(_start(actor, p, u, HandlingRole.CO, deadline, now))
        p.status, p.lead_unit, p.dispatched_at = Status.DISPATCHED, lead, p.dispatched_at or now
        p.save(update_fields=["status", "lead_unit", "dispatched_at"])
        after = {
            **problem_state(p),
            "co_units": [u.pk for u in co],
            "respond_by": duty.respond_by.isoformat() if duty.respond_by else None,
        }
        record(actor, "problem.dispatched", "problem", p.pk, unit_id=lead.pk, before=before, after=after, at=now)
        handoffs.assigned(started, now)
    return duty


def do_rule(actor: Person, problem: Problem, unit: int, now: datetime | None = None) -> Duty:
    """The office rules who owns a problem that was sent back: the send-backs are settled and the owner
    gets (or keeps) the lead duty."""
    require_office(actor)
    now = resolve_now(now)
    owner = _unit(unit, "unit")
    with transaction.atomic():
        p = locked(problem)
        if not p.send_backs.filter(ruling=Ruling.PENDING).exists():
            if p.lead_unit_id == owner.pk and (d := lead_duty(p)) is not None:
                return d  # ruled already
            raise Conflict(_("No send-back awaits a ruling on this problem."))
        if p.lead_unit_id == owner.pk and (d := lead_duty(p)) is not None:
            _settle(actor, p, owner, now)
            return d
    return do_dispatch(actor, problem, owner.pk, now=now)


def may_act_for(actor: Person, p: Problem, unit_id: int) -> Duty:
    """The unit's live duty on the problem, if the actor reports for that unit; else refused."""
    if not access.can_report_for(actor, unit_id):
        raise NotAllowed(_("Only the unit's own liaison or head may do this."))
    duty = live_duty(p, unit_id)
    if duty is None or duty.status not in LIVE_STATUSES:
        raise Conflict(_("This problem is not with that unit."), "unit")
    return duty


def do_send_back(
    actor: Person, problem: Problem, unit: int, reason: str, basis: str, now: datetime | None = None
) -> SendBack:
    """The unit returns a problem that is not its own, within the time limit, with a reason and its basis."""
    now = resolve_now(now)
    if reason not in SendBackReason.values:
        raise InvalidInput(_("Choose a reason: {codes}.").format(codes=", ".join(SendBackReason.values)), "reason")
    basis = _bounded(basis, "basis", 2000, multiline=True, required=True)
    u = _unit(unit, "unit")
    with transaction.atomic():
        p = locked(problem)
        duty = may_act_for(actor, p, u.pk)
        assert duty.created_at is not None
        if now > duty.created_at + timedelta(hours=send_back_hours()):
            raise Conflict(
                _("A problem is sent back within {n} hours of its dispatch.").format(n=send_back_hours()), "unit"
            )
        before = problem_state(p)
        sb = SendBack.objects.create(problem=p, duty=duty, unit=u, reason=reason, basis=basis, at=now, by=actor)
        changes.withdraw(actor, duty, now, note=basis, cause="sent_back")
        if p.lead_unit_id == u.pk:
            p.status, p.lead_unit = Status.ACCEPTED, None
            p.save(update_fields=["status", "lead_unit"])
        record(
            actor,
            "problem.sent_back",
            "problem",
            p.pk,
            unit_id=u.pk,
            before=before,
            after={**problem_state(p), "send_back": sb.pk, "reason": reason},
            note=basis,
            at=now,
        )
    return sb


def sync_status(duty: Duty, reason: str, now: datetime) -> None:
    """The owner's on_changed: the lead unit's sign-for (a tap, or its first report) moves a dispatched
    problem to handling. One conditional update, and only when this write signed the duty."""
    if reason not in ("signed", "report") or duty.role != HandlingRole.LEAD or duty.signed_at != now:
        return
    moved = Problem.objects.filter(pk=duty.owner_id, status=Status.DISPATCHED, lead_unit_id=duty.unit_id).update(
        status=Status.HANDLING
    )
    if moved:
        record(
            None,
            "problem.handling",
            "problem",
            duty.owner_id,
            unit_id=duty.unit_id,
            after={"status": Status.HANDLING},
            at=now,
        )
