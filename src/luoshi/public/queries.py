"""The reads of public problems: the filtered index of what a person may see (access.visible), a page of it
in a constant number of queries, and one problem's detail with its duties, send-backs, latest reply and
visit. Rows never carry the reporter; the detail reads it through access.reporter_of (audited)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from luoshi.duties import owners
from luoshi.duties.models import Duty, DutyStatus, HandlingRole
from luoshi.org.models import Person, Unit
from luoshi.public import access
from luoshi.public.models import Category, Problem, Reply, SendBack, Visit


@dataclass
class ProblemFilters:
    """The index's filters, already checked (the category resolved, the unit known)."""

    status: str = ""
    channel: str = ""
    category: Category | None = None
    unit: int | None = None
    start: date | None = None
    end: date | None = None  # inclusive
    hot: bool | None = None


def day_start(day: date) -> datetime:
    """The first moment of a local day (created_at is stored in UTC; the office counts local days)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def problem_duties() -> QuerySet[Duty]:
    return Duty.objects.filter(owner_type_id=owners.content_type_id("problem"))


def day_range_q(name: str, first: date | None, last: date | None) -> Q:
    """A moment field between two local days (inclusive; either may be open)."""
    q = Q()
    if first is not None:
        q &= Q(**{f"{name}__gte": day_start(first)})
    if last is not None:
        q &= Q(**{f"{name}__lt": day_start(last + timedelta(days=1))})
    return q


def leader_q(leader_id: int) -> Q:
    """A leader's problems (the cockpit's scope and the index's `leader=`): those whose lead unit now is one
    of the units the leader supervises."""
    return Q(lead_unit__in=Unit.objects.filter(supervisors=leader_id).values("pk"))


def units_q(unit_ids: frozenset[int] | set[int]) -> Q:
    """The same scope from the supervised units already read (the cockpit's Scope.unit_ids)."""
    return Q(lead_unit_id__in=sorted(unit_ids))


def on_time_q() -> Q:
    """Handled on time (按时办结), from the lead duty's stored facts: the lead unit now signed for it within
    its sign-for limit (duties.respond: signed_at ≤ respond_by, or no hour limit) and its reply was
    accepted with no day late (days_late, frozen at the acceptance: the reply's day against the deadline).
    Only a problem whose reply was accepted (visited, its outcome recorded) can be on time."""
    in_time = problem_duties().filter(
        Q(respond_by__isnull=True) | Q(signed_at__lte=F("respond_by")),
        owner_id=OuterRef("pk"),
        unit_id=OuterRef("lead_unit_id"),
        role=HandlingRole.LEAD,
        status=DutyStatus.COMPLETED,
        signed_at__isnull=False,
        days_late=0,
    )
    return Q(Exists(in_time))


def filtered(person: Person, f: ProblemFilters) -> QuerySet[Problem]:
    """The problems this person may see that pass the filters, newest first, with what a row shows."""
    qs = access.visible(person).select_related("category", "lead_unit")
    if f.status:
        qs = qs.filter(status=f.status)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.category is not None:
        qs = qs.filter(category=f.category)
    if f.unit is not None:
        qs = qs.filter(pk__in=problem_duties().filter(unit_id=f.unit).values("owner_id"))
    if f.start is not None:
        qs = qs.filter(created_at__gte=day_start(f.start))
    if f.end is not None:
        qs = qs.filter(created_at__lt=day_start(f.end + timedelta(days=1)))
    if f.hot is not None:
        qs = qs.filter(hot=f.hot)
    return qs.order_by("-created_at", "-pk")


def lead_duties(problems: list[Problem]) -> dict[int, Duty]:
    """Each problem's live lead duty (with its lead unit now), in one query for the page."""
    wanted = {p.pk: p.lead_unit_id for p in problems if p.lead_unit_id}
    if not wanted:
        return {}
    rows = (
        problem_duties()
        .filter(owner_id__in=list(wanted), role=HandlingRole.LEAD)
        .exclude(status=DutyStatus.WITHDRAWN)
        .order_by("pk")
    )
    return {d.owner_id: d for d in rows if wanted.get(d.owner_id) == d.unit_id}


def page(person: Person, f: ProblemFilters, offset: int, limit: int) -> tuple[list[Problem], dict[int, Duty], int]:
    """A page of the index: its problems, their lead duties and the total (three queries)."""
    qs = filtered(person, f)
    rows = list(qs[offset : offset + limit])
    return rows, lead_duties(rows), qs.count()


def one(person: Person, problem_id: int) -> Problem | None:
    """A problem this person may see (None for one that does not exist or is not theirs to see)."""
    return (
        access.visible(person)
        .select_related("category", "lead_unit", "broadcast", "duplicate_of")
        .filter(pk=problem_id)
        .first()
    )


@dataclass
class Detail:
    problem: Problem
    duties: list[Duty]  # every duty not withdrawn, the lead first
    lead: Duty | None
    send_backs: list[SendBack]
    reply: Reply | None
    visit: Visit | None
    reporter: dict[str, str] | None = field(default=None)


def detail(person: Person, problem_id: int) -> Detail | None:
    """One problem as this person reads it; the reporter only when access allows (the read audited)."""
    p = one(person, problem_id)
    if p is None:
        return None
    duties = list(
        problem_duties()
        .filter(owner_id=p.pk)
        .exclude(status=DutyStatus.WITHDRAWN)
        .select_related("unit")
        .order_by("-role", "pk")  # "lead" sorts after "co": descending puts the lead first
    )
    lead = next((d for d in duties if d.role == HandlingRole.LEAD and d.unit_id == p.lead_unit_id), None)
    return Detail(
        problem=p,
        duties=duties,
        lead=lead,
        send_backs=list(p.send_backs.select_related("unit").order_by("at", "pk")),
        reply=p.replies.order_by("-at", "-pk").first(),
        visit=p.visits.order_by("-at", "-pk").first(),
        reporter=access.reporter_of(person, p),
    )
