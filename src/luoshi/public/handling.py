"""Handling a dispatched problem: the unit signs for it (签收), reports progress, replies to the reporter
(答复: its completion request on the duty); the office's return visit (回访) records the reporter's
satisfaction and whether it was actually solved, and either reopens it (the unit works on) or accepts the
reply; the office then closes it. "Closed but not solved" is its own outcome. Hot issues are exposed (曝光)
and become responsibility lists in one step."""

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from luoshi.duties import completion, signing
from luoshi.duties.models import Duty, DutyStatus, HandlingRole
from luoshi.duties.services import do_report, require_office, resolve_now
from luoshi.errors import Conflict, InvalidInput
from luoshi.events.services import record
from luoshi.lists import services as list_services
from luoshi.lists.models import ResponsibilityList, Source
from luoshi.org.models import Person
from luoshi.org.queries import responsible_leader
from luoshi.public.dispatch import duties_of, lead_duty, may_act_for, title_of
from luoshi.public.intake import _bounded, locked, problem_state
from luoshi.public.models import Outcome, Problem, Reply, Satisfaction, Status, Visit

REPLY_MAX = 4000
LIST_EVERY_DAYS = 15


def do_sign(actor: Person, problem: Problem, unit: int, now: datetime | None = None) -> Duty:
    """The unit signs for the problem: its deadline now runs from today (a second tap changes nothing)."""
    now = resolve_now(now)
    if not isinstance(unit, int) or not 0 < unit < 2**31:
        raise InvalidInput(_("No such unit."), "unit")
    duty = may_act_for(actor, problem, unit)
    return signing.do_sign(actor, duty, now=now)[0]


def do_progress(
    actor: Person,
    problem: Problem,
    unit: int,
    text: str,
    submission_key: str | None = None,
    now: datetime | None = None,
) -> Duty:
    """A progress report (办理进展) on the unit's duty."""
    text = _bounded(text, "text", REPLY_MAX, multiline=True, required=True)
    duty = may_act_for(actor, problem, unit)
    if submission_key and duty.reports.filter(submission_key=submission_key, done=text).exists():
        return duty  # the same report again (its progress was worked out from the progress before it)
    if duty.status != DutyStatus.OPEN:
        raise Conflict(_("The unit has replied: the office's return visit comes next."))
    do_report(actor, duty, progress=min(duty.progress + 10, 90), done=text, submission_key=submission_key, now=now)
    duty.refresh_from_db()
    return duty


def do_reply(
    actor: Person,
    problem: Problem,
    unit: int,
    text: str,
    submission_key: str | None = None,
    now: datetime | None = None,
) -> Reply:
    """The lead unit's reply to the reporter: filed as its report asking for completion (report once). A
    repeated submission key returns the first reply."""
    now = resolve_now(now)
    text = _bounded(text, "text", REPLY_MAX, multiline=True, required=True)
    with transaction.atomic():
        p = locked(problem)
        if submission_key and (earlier := p.replies.filter(duty__reports__submission_key=submission_key).first()):
            return earlier
        duty = may_act_for(actor, p, unit)
        if duty.role != HandlingRole.LEAD:
            raise Conflict(_("The lead unit replies to the reporter; a co unit reports its progress."), "unit")
        if p.status not in (Status.DISPATCHED, Status.HANDLING):
            raise Conflict(_("This problem has been replied to: the return visit comes next."))
        before = problem_state(p)
        do_report(actor, duty, progress=100, done=text, request_completion=True, submission_key=submission_key, now=now)
        reply = Reply.objects.create(problem=p, duty=duty, unit_id=unit, text=text, at=now, by=actor)
        p.status, p.replied_at = Status.REPLIED, now
        p.save(update_fields=["status", "replied_at"])
        record(actor, "problem.replied", "problem", p.pk, unit_id=unit, before=before, after=problem_state(p), at=now)
    return reply


def do_visit(
    actor: Person,
    problem: Problem,
    satisfaction: str,
    solved: bool,
    note: str = "",
    reopen: bool = False,
    now: datetime | None = None,
) -> Visit:
    """The office's return visit. Reopening (only when the reporter is not satisfied or it is not solved)
    sends the reply back to the unit, which works on; otherwise the reply is accepted."""
    require_office(actor)
    now = resolve_now(now)
    if satisfaction not in Satisfaction.values:
        raise InvalidInput(_("Choose: {codes}.").format(codes=", ".join(Satisfaction.values)), "satisfaction")
    if not isinstance(solved, bool):
        raise InvalidInput(_("Say whether it was solved."), "solved")
    note = _bounded(note, "note", 2000, multiline=True)
    if reopen and satisfaction != Satisfaction.UNSATISFIED and solved:
        raise InvalidInput(_("Only an unsatisfied or unsolved visit reopens the problem."), "reopen")
    with transaction.atomic():
        p = locked(problem)
        if p.status != Status.REPLIED:
            raise Conflict(_("A return visit follows the unit's reply."))
        duty = lead_duty(p)
        assert duty is not None and p.lead_unit_id is not None
        before = problem_state(p)
        visit = Visit.objects.create(
            problem=p,
            unit_id=p.lead_unit_id,
            satisfaction=satisfaction,
            solved=solved,
            note=note,
            reopened=reopen,
            at=now,
            by=actor,
        )
        if reopen:
            completion.do_return(actor, duty, note or _("The reporter is not satisfied."), now=now)
            p.status = Status.HANDLING
        else:
            completion.do_accept(actor, duty, now=now)
            p.status, p.visited_at = Status.VISITED, now
            p.outcome = Outcome.SOLVED if solved else Outcome.UNSOLVED
        p.save(update_fields=["status", "visited_at", "outcome"])
        after = {**problem_state(p), "satisfaction": satisfaction, "solved": solved, "reopened": reopen}
        record(actor, "problem.visited", "problem", p.pk, unit_id=p.lead_unit_id, before=before, after=after, at=now)
    return visit


def do_close(actor: Person, problem: Problem, now: datetime | None = None) -> Problem:
    """Close a visited problem; the co units' duties end with it. Closing it again changes nothing."""
    require_office(actor)
    now = resolve_now(now)
    with transaction.atomic():
        p = locked(problem)
        if p.status == Status.CLOSED:
            return p
        if p.status != Status.VISITED:
            raise Conflict(_("A problem is closed after its return visit."))
        before = problem_state(p)
        for d in duties_of(p):
            if d.is_open:
                completion.complete_by_owner(actor, d, now, cause="problem_closed")
        p.status, p.closed_at = Status.CLOSED, now
        p.save(update_fields=["status", "closed_at"])
        record(
            actor,
            "problem.closed",
            "problem",
            p.pk,
            before=before,
            after={**problem_state(p), "outcome": p.outcome},
            at=now,
        )
    return p


def do_expose(actor: Person, problem: Problem, now: datetime | None = None) -> Problem:
    """Mark a hot issue for public exposure (曝光): the portal shows it and its progress."""
    require_office(actor)
    now = resolve_now(now)
    with transaction.atomic():
        p = locked(problem)
        if p.hot:
            return p
        if p.status in (Status.PENDING, Status.REJECTED, Status.DUPLICATE):
            raise Conflict(_("Only an accepted problem is exposed."))
        p.hot, p.exposed_at = True, now
        p.save(update_fields=["hot", "exposed_at"])
        record(actor, "problem.exposed", "problem", p.pk, after={"hot": True}, at=now)
    return p


def do_to_list(actor: Person, problem: Problem, now: datetime | None = None) -> tuple[ResponsibilityList, bool]:
    """One step: a published responsibility list (source "media") for the problem's lead unit, by the lead
    duty's deadline; the problem links to it and it back. A second call returns the same list."""
    require_office(actor)
    now = resolve_now(now)
    with transaction.atomic():
        p = locked(problem)
        if p.list_id is not None:
            return ResponsibilityList.objects.get(pk=p.list_id), False
        duty = lead_duty(p)
        if duty is None or p.lead_unit is None:
            raise Conflict(_("Dispatch the problem to its lead unit first."))
        with translation.override(settings.LANGUAGE_CODE):
            content = _("Problem {code} from the public ({channel}), at {place}:\n{content}").format(
                code=duty.code, channel=p.get_channel_display(), place=p.place or "—", content=p.content
            )
        co = [d.unit for d in duties_of(p) if d.is_open and d.role == HandlingRole.CO]
        rlist = list_services.do_create_list(
            actor,
            source=Source.MEDIA,
            title=title_of(p.content),
            content=content,
            leader=responsible_leader(p.lead_unit),
            lead_unit=p.lead_unit,
            co_units=co,
            deadline=duty.deadline,
            report_every_days=LIST_EVERY_DAYS,
            now=now,
        )
        rlist = list_services.do_publish(actor, rlist, now=now)
        p.list = rlist
        if not p.hot:
            p.hot, p.exposed_at = True, now
        p.save(update_fields=["list", "hot", "exposed_at"])
        record(actor, "problem.listed", "problem", p.pk, after={"list": rlist.pk, "code": rlist.code}, at=now)
    return rlist, True
