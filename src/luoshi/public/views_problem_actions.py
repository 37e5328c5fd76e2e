"""One problem's page and its actions. The page: content, place, category, channel, status, the duties per
unit with their sign-for hour and deadline, send-backs with their rulings, progress, replies, visits,
photos, the timeline, and the reporter only when access.reporter_of allows it (the read is audited). Each
action is a POST to its own URL: the office triages, dispatches, rules on send-backs, visits, closes,
exposes and makes a list; the unit's liaison or head signs for it, sends it back, reports and replies.

Thin views: find the problem the person may see (else 404), parse with a form, call the one service; a
refusal re-renders the page with the service's message on its field and its status (403 and 404 as
such), never a 500. A double submission is stored once: the services' idempotence or a form token."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from luoshi.duties.models import LIVE_STATUSES, DutyStatus, HandlingRole, Report
from luoshi.errors import Conflict, ServiceError
from luoshi.events.models import Event
from luoshi.files import services as files
from luoshi.files.models import Attachment
from luoshi.org import access as org_access
from luoshi.pages import Request
from luoshi.public import access, dispatch, handling, intake
from luoshi.public.duplicates import possible_duplicates
from luoshi.public.exports import clock, pick
from luoshi.public.forms_problems import (
    DispatchForm,
    DuplicateForm,
    ProgressForm,
    RejectForm,
    ReplyForm,
    RuleForm,
    SendBackForm,
    VisitForm,
    new_key,
)
from luoshi.public.models import Problem, Ruling, Status
from luoshi.public.suggest import suggest_units

INVALID = _("Please correct the errors below.")
TIMELINE_MAX = 200
UNIT_ACTIVE = (Status.DISPATCHED, Status.HANDLING)


def visible_problem(request: Request, pk: int) -> Problem:
    found = (
        access.visible(request.user)
        .select_related("category", "lead_unit", "broadcast__programme", "duplicate_of", "list", "created_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404(_("No such problem, or not one you may see."))
    return found


# The forms that share a page get their own ids where two would clash (the reject's and the send-back's
# reason, the rule's and the dispatch's unit, the progress's and the reply's text).
def reject_form(data: Any = None, prefix: str = "id_reject") -> RejectForm:
    return RejectForm(data, auto_id=f"{prefix}_%s")


def rule_form(data: Any = None) -> RuleForm:
    return RuleForm(data, auto_id="id_rule_%s")


def progress_form(data: Any = None) -> ProgressForm:
    return ProgressForm(data, initial={"submission_key": new_key()}, auto_id="id_progress_%s")


def duplicate_choices(p: Problem) -> list[dict[str, Any]]:
    """The suggested originals; one awaiting triage itself cannot be chosen yet."""
    return [
        {"problem": o, "score": round(s * 100), "code": dispatch.code_of(o), "open": o.status != Status.PENDING}
        for o, s in possible_duplicates(p, limit=5)
    ]


def _page(request: Request, p: Problem, status: int = 200, error: str = "", **given: Any) -> HttpResponse:
    person = request.user
    now = timezone.now()
    office = access.is_office(person)
    duties = dispatch.duties_of(p)
    live = [d for d in duties if d.status != DutyStatus.WITHDRAWN]
    lead = pick(live, p.lead_unit_id)
    own = pick(live, person.unit_id) if person.unit_id and org_access.can_report_for(person, person.unit_id) else None
    own = own if own is not None and own.status in LIVE_STATUSES else None
    send_backs = list(p.send_backs.select_related("unit", "by", "ruled_by"))
    pending_sb = [sb for sb in send_backs if sb.ruling == Ruling.PENDING]
    for d in duties:
        d.clock = clock(d, now)  # type: ignore[attr-defined]
    forms: dict[str, Any] = {}
    if office:
        if p.status == Status.PENDING:
            forms["reject_form"] = given.get("reject_form") or reject_form()
            forms["duplicate_form"] = given.get("duplicate_form") or DuplicateForm()
            forms["duplicates"] = duplicate_choices(p)
        if p.status == Status.ACCEPTED:
            forms["dispatch_form"] = given.get("dispatch_form") or DispatchForm()
            forms["suggested"] = [{"unit": u, "pct": round(s * 100)} for u, s in suggest_units(p, k=3)]
        if pending_sb:
            forms["rule_form"] = given.get("rule_form") or rule_form()
        if p.status == Status.REPLIED:
            forms["visit_form"] = given.get("visit_form") or VisitForm()
    if own is not None:
        signed, is_open = own.signed_at is not None, own.status == DutyStatus.OPEN
        assert own.created_at is not None
        forms["may_sign"] = not signed
        if is_open and p.status in UNIT_ACTIVE and now <= own.created_at + timedelta(hours=dispatch.send_back_hours()):
            forms["send_back_form"] = given.get("send_back_form") or SendBackForm()
            forms["send_back_until"] = own.created_at + timedelta(hours=dispatch.send_back_hours())
        if signed and is_open:
            forms["progress_form"] = given.get("progress_form") or progress_form()
            if own.role == HandlingRole.LEAD and p.status in UNIT_ACTIVE:
                forms["reply_form"] = given.get("reply_form") or ReplyForm(initial={"submission_key": new_key()})
    context = {
        "problem": p,
        "code": dispatch.code_of(p),
        "office": office,
        "duties": duties,
        "lead": lead,
        "lead_clock": clock(lead, now),
        "own": own,
        "send_backs": send_backs,
        "reports": list(
            Report.objects.filter(duty__in=[d.pk for d in duties], request_completion=False).select_related(
                "author", "duty__unit"
            )
        )
        if duties
        else [],
        "replies": list(p.replies.select_related("unit", "by")),
        "visits": list(p.visits.select_related("unit", "by")),
        "duplicates_of_this": list(p.duplicates.order_by("pk")),
        "attachments": files.listed("problem", [p.pk]).get(p.pk, []),
        "timeline": list(
            Event.objects.filter(subject_type="problem", subject_id=p.pk)
            .select_related("actor", "unit")
            .order_by("-at", "-id")[:TIMELINE_MAX]
        ),
        "reporter": access.reporter_of(person, p),  # audited when there is one to read
        "may_close": office and p.status == Status.VISITED,
        "may_expose": office and not p.hot and p.status not in (Status.PENDING, Status.REJECTED, Status.DUPLICATE),
        "may_list": office and p.list_id is None and lead is not None and p.status != Status.CLOSED,
        "error": error,
        "now": now,
        **forms,
    }
    return render(request, "public/problem_detail.html", context, status=status)


@login_required
@require_safe
def problem(request: Request, pk: int) -> HttpResponse:
    return _page(request, visible_problem(request, pk))


@login_required
@require_safe
def attachment(request: Request, attachment_id: int) -> HttpResponse:
    """A problem's photo, for whoever may see the problem (checked before the bytes are read)."""
    att = Attachment.objects.filter(pk=attachment_id, subject_type="problem").defer("data").first()
    if att is None or not access.visible(request.user).filter(pk=att.subject_id).exists():
        raise Http404(_("No such file, or not one you may see."))
    return files.download(Attachment.objects.get(pk=att.pk))


# ---------------------------------------------------------------- the actions


def _refused(request: Request, pk: int, err: ServiceError, **forms: Any) -> HttpResponse:
    if err.status == 403:
        raise PermissionDenied(err.message) from err
    if err.status == 404:
        raise Http404(err.message)
    for form in forms.values():
        form.show_refusal(err)
    return _page(request, visible_problem(request, pk), err.status, err.message, **forms)


def _done(request: Request, p: Problem, text: str, *, back: bool = False) -> HttpResponse:
    messages.success(request, text)
    if back and request.POST.get("next") == "triage":
        return redirect("public:triage")
    return redirect("public:problem", p.pk)


def _act(
    request: Request, pk: int, name: str, form: Any, call: Callable[[Problem, dict], Any], text: str, **kw: Any
) -> HttpResponse:
    """Parse `form` (None: no fields), call the service, redirect back with `text`; or the page again."""
    p = visible_problem(request, pk)
    forms = {name: form} if form is not None else {}
    if form is not None and not form.is_valid():
        return _page(request, p, 400, INVALID, **forms)
    try:
        call(p, form.cleaned_data if form is not None else {})
    except ServiceError as err:
        return _refused(request, pk, err, **forms)
    return _done(request, p, text, **kw)


def _unit_of(request: Request) -> int:
    if not request.user.unit_id:
        raise PermissionDenied(_("Only the unit's own liaison or head may do this."))
    return request.user.unit_id


@login_required
@require_POST
def accept(request: Request, pk: int) -> HttpResponse:
    return _act(request, pk, "", None, lambda p, c: intake.do_accept(request.user, p), _("Accepted."), back=True)


@login_required
@require_POST
def reject(request: Request, pk: int) -> HttpResponse:
    form = reject_form(request.POST)
    return _act(
        request,
        pk,
        "reject_form",
        form,
        lambda p, c: intake.do_reject(request.user, p, c["reason"]),
        _("Rejected."),
        back=True,
    )


@login_required
@require_POST
def duplicate(request: Request, pk: int) -> HttpResponse:
    form = DuplicateForm(request.POST)
    return _act(
        request,
        pk,
        "duplicate_form",
        form,
        lambda p, c: intake.do_mark_duplicate(request.user, p, c["of"]),
        _("Marked as a duplicate."),
        back=True,
    )


@login_required
@require_POST
def dispatch_to(request: Request, pk: int) -> HttpResponse:
    form = DispatchForm(request.POST)

    def call(p: Problem, c: dict) -> None:
        dispatch.do_dispatch(request.user, p, c["unit"].pk, [u.pk for u in c["co_units"]], c["deadline"])

    return _act(request, pk, "dispatch_form", form, call, _("Dispatched: the unit is to sign for it."))


@login_required
@require_POST
def rule(request: Request, pk: int) -> HttpResponse:
    form = rule_form(request.POST)
    return _act(
        request,
        pk,
        "rule_form",
        form,
        lambda p, c: dispatch.do_rule(request.user, p, c["unit"].pk),
        _("Ruled: the owner holds the problem."),
    )


@login_required
@require_POST
def visit(request: Request, pk: int) -> HttpResponse:
    form = VisitForm(request.POST)

    def call(p: Problem, c: dict) -> None:
        solved = c["solved"] == "yes"
        try:
            handling.do_visit(request.user, p, c["satisfaction"], solved, c["note"], c["reopen"])
        except Conflict:
            # The same visit posted twice: the first one stands.
            last = p.visits.order_by("-at", "-pk").first()
            same = (last.by_id, last.satisfaction, last.solved, last.note) if last else None
            if same != (request.user.pk, c["satisfaction"], solved, c["note"]):
                raise

    return _act(request, pk, "visit_form", form, call, _("Return visit recorded."))


@login_required
@require_POST
def close(request: Request, pk: int) -> HttpResponse:
    return _act(request, pk, "", None, lambda p, c: handling.do_close(request.user, p), _("Closed."))


@login_required
@require_POST
def expose(request: Request, pk: int) -> HttpResponse:
    return _act(
        request, pk, "", None, lambda p, c: handling.do_expose(request.user, p), _("Marked for public exposure.")
    )


@login_required
@require_POST
def to_list(request: Request, pk: int) -> HttpResponse:
    p = visible_problem(request, pk)
    try:
        rlist, created = handling.do_to_list(request.user, p)
    except ServiceError as err:
        return _refused(request, pk, err)
    if created:
        messages.success(request, _("Responsibility list {code} published from this problem.").format(code=rlist.code))
    return redirect("lists:loop", rlist.pk)


@login_required
@require_POST
def sign(request: Request, pk: int) -> HttpResponse:
    unit = _unit_of(request)
    return _act(
        request,
        pk,
        "",
        None,
        lambda p, c: handling.do_sign(request.user, p, unit),
        _("Signed for: the deadline runs from now."),
    )


@login_required
@require_POST
def send_back(request: Request, pk: int) -> HttpResponse:
    unit = _unit_of(request)
    form = SendBackForm(request.POST)

    def call(p: Problem, c: dict) -> None:
        try:
            dispatch.do_send_back(request.user, p, unit, c["reason"], c["basis"])
        except Conflict:
            # The same send-back posted twice: the first one stands.
            if not p.send_backs.filter(unit_id=unit, by=request.user, reason=c["reason"], basis=c["basis"]).exists():
                raise

    return _act(request, pk, "send_back_form", form, call, _("Sent back: the office re-dispatches or rules."))


@login_required
@require_POST
def progress(request: Request, pk: int) -> HttpResponse:
    unit = _unit_of(request)
    form = progress_form(request.POST)

    def call(p: Problem, c: dict) -> None:
        key = c["submission_key"] or None
        try:
            handling.do_progress(request.user, p, unit, c["text"], submission_key=key)
        except Conflict:
            # The same report posted twice: the service recounts the progress, so the replay differs from
            # the stored report and is refused; the first one stands.
            duty = dispatch.live_duty(p, unit)
            if not (key and duty and duty.reports.filter(submission_key=key, done=c["text"]).exists()):
                raise

    return _act(request, pk, "progress_form", form, call, _("Progress reported."))


@login_required
@require_POST
def reply(request: Request, pk: int) -> HttpResponse:
    unit = _unit_of(request)
    form = ReplyForm(request.POST)

    def call(p: Problem, c: dict) -> None:
        handling.do_reply(request.user, p, unit, c["text"], submission_key=c["submission_key"] or None)

    return _act(request, pk, "reply_form", form, call, _("Replied: the office's return visit follows."))


urlpatterns: list[URLPattern] = [
    path("<int:pk>/", problem, name="problem"),
    path("files/<int:attachment_id>", attachment, name="attachment"),
    path("<int:pk>/accept", accept, name="accept"),
    path("<int:pk>/reject", reject, name="reject"),
    path("<int:pk>/duplicate", duplicate, name="duplicate"),
    path("<int:pk>/dispatch", dispatch_to, name="dispatch"),
    path("<int:pk>/rule", rule, name="rule"),
    path("<int:pk>/visit", visit, name="visit"),
    path("<int:pk>/close", close, name="close"),
    path("<int:pk>/expose", expose, name="expose"),
    path("<int:pk>/to-list", to_list, name="to_list"),
    path("<int:pk>/sign", sign, name="sign"),
    path("<int:pk>/send-back", send_back, name="send_back"),
    path("<int:pk>/progress", progress, name="progress"),
    path("<int:pk>/reply", reply, name="reply"),
]
