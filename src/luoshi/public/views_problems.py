"""The public problems' pages: the index (filters; the office and the leaders see all, a unit's people
their unit's, as its work queue: to sign for, to reply, sent back), the hotline operator's entry form (one
submit takes the call in, and may accept and dispatch it), the office's triage queue, and the index as
Excel. One problem's page and its actions are in views_problem_actions, whose patterns join these.

Every list costs the same number of queries whatever its length: the page's rows, their duties in one
query, the counts in one aggregate."""

import re
from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from luoshi.duties import owners
from luoshi.duties.models import LIVE_STATUSES, Duty, DutyStatus, HandlingRole
from luoshi.errors import ServiceError
from luoshi.events.services import record_export
from luoshi.files import services as files
from luoshi.org.models import Person
from luoshi.pages import Request, form_errors, office_only, paginate
from luoshi.public import access, dispatch, exports, intake, intake_queue, queries, views_problem_actions
from luoshi.public.forms_problems import QUEUES, HotlineForm, ProblemFilterForm, new_key
from luoshi.public.intake import Submission
from luoshi.public.models import Problem, SendBack, Status
from luoshi.schemas import MAX_ID

RECENT = 5  # the operator's last entries beside the form
WT = re.compile(r"^WT0*(\d{1,10})$", re.IGNORECASE)


# ---------------------------------------------------------------- filtering


def _unit_duties(unit_id: int) -> QuerySet[Duty]:
    return Duty.objects.filter(owner_type_id=owners.content_type_id("problem"), unit_id=unit_id).exclude(
        status=DutyStatus.WITHDRAWN
    )


def queue_q(unit_id: int, queue: str) -> Q:
    """A unit's work queue: not yet signed for; signed, its reply owed (the lead unit); sent back by it."""
    if queue == "sign":
        waiting = _unit_duties(unit_id).filter(signed_at__isnull=True, status__in=LIVE_STATUSES)
        return Q(pk__in=waiting.values("owner_id"))
    if queue == "reply":
        owed = _unit_duties(unit_id).filter(role=HandlingRole.LEAD, status=DutyStatus.OPEN, signed_at__isnull=False)
        return Q(pk__in=owed.values("owner_id"), status__in=(Status.DISPATCHED, Status.HANDLING))
    if queue == "sent_back":
        return Q(pk__in=SendBack.objects.filter(unit_id=unit_id).values("problem_id"))
    return Q()


def text_q(q: str) -> Q:
    """The words in the content or the place, or the number (WT000123), or the tracking code."""
    cond = Q(content__icontains=q) | Q(place__icontains=q)
    if (m := WT.match(q.strip())) and 0 < int(m.group(1)) <= MAX_ID:
        cond |= Q(pk=int(m.group(1)))
    if code := intake.normal_code(q):
        cond |= Q(code=code)
    return cond


def _day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filtered(person: Person, c: dict[str, Any]) -> QuerySet[Problem]:
    """The problems the person may see, by the filters (the work queue apart)."""
    qs = access.visible(person)
    for name in ("status", "channel"):
        if c.get(name):
            qs = qs.filter(**{name: c[name]})
    if c.get("category"):
        qs = qs.filter(category=c["category"])
    if c.get("unit") and access.sees_all(person):
        qs = qs.filter(pk__in=_unit_duties(c["unit"].pk).values("owner_id"))
    if c.get("hot"):
        qs = qs.filter(hot=True)
    if c.get("date_from"):
        qs = qs.filter(created_at__gte=_day_start(c["date_from"]))
    if c.get("date_to"):
        qs = qs.filter(created_at__lt=_day_start(c["date_to"] + timedelta(days=1)))
    if c.get("q"):
        qs = qs.filter(text_q(c["q"]))
    # The cockpit's drill-downs (public.queries holds the definitions the cockpit counts with).
    if c.get("leader"):
        qs = qs.filter(queries.leader_q(c["leader"].pk))
    if c.get("outcome"):
        qs = qs.filter(outcome=c["outcome"])
    if c.get("on_time"):
        qs = qs.filter(queries.on_time_q() if c["on_time"] == "1" else ~queries.on_time_q())
    if c.get("visited_from") or c.get("visited_to"):
        qs = qs.filter(queries.day_range_q("visited_at", c.get("visited_from"), c.get("visited_to")))
    return qs


def _unit_of_queue(person: Person) -> int | None:
    """The unit whose work queue the index is: a unit's people (the office and leaders see all)."""
    return None if access.sees_all(person) else person.unit_id


# ---------------------------------------------------------------- the index


@login_required
@require_safe
def index(request: Request) -> HttpResponse:
    person = request.user
    form = ProblemFilterForm(request.GET)
    unit_id = _unit_of_queue(person)
    context: dict[str, Any] = {
        "form": form,
        "sees_all": access.sees_all(person),
        "office": access.is_office(person),
        "unit_id": unit_id,
    }
    if not form.is_valid():
        context.update(errors=form_errors(form), rows=[], page=None, tabs=[])
        return render(request, "public/problem_index.html", context, status=400)
    c = form.cleaned_data
    base = filtered(person, c)
    queue = c["queue"] if unit_id else ""
    count = None
    if unit_id:  # the work queue's tabs, counted in one query
        counts = base.order_by().aggregate(
            all=Count("pk"), **{k: Count("pk", filter=queue_q(unit_id, k)) for k, _label in QUEUES}
        )
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("queue", None)
        context["tabs"] = [
            {"value": k, "label": label, "count": counts[k or "all"], "active": queue == k}
            for k, label in [("", _("All")), *QUEUES]
        ]
        context["query"] = query.urlencode()
        count = counts[queue or "all"]
    elif context["office"]:
        context["pending"] = Problem.objects.filter(status=Status.PENDING).count()
    qs = base.filter(queue_q(unit_id, queue)) if unit_id and queue else base
    page = paginate(
        qs.select_related("category", "lead_unit").order_by("-created_at", "-pk"), request.GET.get("page"), count
    )
    rows = list(page.object_list)
    _with_clocks(rows, unit_id)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    context.update(rows=rows, page=page, export_query=export_query.urlencode())
    return render(request, "public/problem_index.html", context)


def _with_clocks(rows: list[Problem], unit_id: int | None) -> None:
    """Each row's lead duty, the person's unit's own, and the clock shown (the unit's own first)."""
    now = timezone.now()
    duties = exports.duties_by_problem(p.pk for p in rows)
    for p in rows:
        mine = duties.get(p.pk, [])
        p.own_duty = exports.pick(mine, unit_id)  # type: ignore[attr-defined]
        lead = exports.pick(mine, p.lead_unit_id)
        p.clock = exports.clock(p.own_duty or lead, now)  # type: ignore[attr-defined]


@login_required
@require_safe
def export(request: Request) -> HttpResponse | FileResponse:
    """The filtered index as Excel; the reporter's columns only where the person may read the reporter."""
    person = request.user
    form = ProblemFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponse(" ".join(form_errors(form)), status=400, content_type="text/plain; charset=utf-8")
    c = form.cleaned_data
    unit_id = _unit_of_queue(person)
    qs = filtered(person, c)
    if unit_id and c["queue"]:
        qs = qs.filter(queue_q(unit_id, c["queue"]))
    chosen = {k: (v.pk if hasattr(v, "pk") else v) for k, v in c.items()}
    record_export(person, "problems", "xlsx", **chosen)
    return exports.as_xlsx(person, qs.order_by("-created_at", "-pk"), timezone.now())


# ---------------------------------------------------------------- the hotline's entry form


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def hotline(request: Request) -> HttpResponse:
    """The operator's form: saved, it comes back fresh (the next call is waiting) with the code saved."""
    office_only(request)
    if request.method != "POST":
        saved = _saved(request)
        # During a live programme the calls come from one episode: the next form keeps its channel.
        initial = {"channel": saved.channel, "broadcast": saved.broadcast_id} if saved else {"channel": "hotline"}
        form = HotlineForm(initial={**initial, "submission_key": new_key()})
        return _hotline_page(request, form, saved=saved)
    form = HotlineForm(request.POST, request.FILES)
    if not form.is_valid():
        return _hotline_page(request, form, 400, _("Please correct the errors below."))
    c = form.cleaned_data
    person = request.user
    submission = Submission(
        channel=c["channel"],
        category=c["category"].name,
        content=c["content"],
        place=c["place"],
        reporter_name=c["reporter_name"],
        reporter_contact=c["reporter_contact"],
        lat=c["lat"] or None,
        lon=c["lon"] or None,
        urgent=c["urgent"],
        reporter_consents=c["reporter_consents"],
        broadcast=c["broadcast"].pk if c["broadcast"] else None,
    )
    try:
        checked = files.check_uploads(c["photos"], "photos", files.IMAGE_TYPES)
        with transaction.atomic():  # taken in, its photos, accepted and dispatched: all or nothing
            p, created = intake.do_submit(person, submission, submission_key=c["submission_key"] or None)
            if created and checked:
                files.store(checked, "problem", p.pk, person, p.created_at)
            if created and c["dispatch_now"]:
                intake.do_accept(person, p)
                dispatch.do_dispatch(person, p, c["unit"].pk, [u.pk for u in c["co_units"]], c["deadline"])
    except ServiceError as err:
        form.show_refusal(err)
        return _hotline_page(request, form, err.status, err.message)
    if not created:
        messages.info(request, _("This call was already saved; it is stored once."))
    return redirect(f"{reverse('public:hotline')}?saved={p.pk}")


def _saved(request: Request) -> Problem | None:
    """The problem the last submit saved (?saved=), shown above the fresh form."""
    raw = request.GET.get("saved", "")
    if raw.isdigit() and 0 < int(raw) <= MAX_ID:
        return Problem.objects.select_related("lead_unit").filter(pk=int(raw)).first()
    return None


def _hotline_page(
    request: Request, form: HotlineForm, status: int = 200, error: str = "", saved: Problem | None = None
) -> HttpResponse:
    recent = list(
        Problem.objects.filter(created_by=request.user)
        .select_related("category")
        .order_by("-created_at", "-pk")[:RECENT]
    )
    context = {
        "form": form,
        "error": error,
        "saved": saved,
        "saved_code": dispatch.code_of(saved) if saved else "",
        "recent": [(p, dispatch.code_of(p)) for p in recent],
    }
    return render(request, "public/problem_hotline.html", context, status=status)


# ---------------------------------------------------------------- triage


@login_required
@require_safe
def triage(request: Request) -> HttpResponse:
    """The problems awaiting triage, oldest first, each with accept, reject (a reason) and "duplicate of";
    the possible duplicates of each row come in by htmx as it scrolls into view (triage_duplicates), so
    the page itself costs the same queries however long the queue."""
    office_only(request)
    # What the public form queued and no worker has taken in yet (a demo runs none) is taken in first.
    while intake_queue.take_in():
        pass
    qs = Problem.objects.filter(status=Status.PENDING).select_related("category", "broadcast__programme")
    page = paginate(qs.order_by("created_at", "pk"), request.GET.get("page"))
    rows = list(page.object_list)
    for p in rows:
        p.wt = dispatch.code_of(p)
        p.reject_form = views_problem_actions.reject_form(prefix=f"id_reject{p.pk}")
    return render(request, "public/problem_triage.html", {"page": page, "rows": rows})


@login_required
@require_safe
def triage_duplicates(request: Request, pk: int) -> HttpResponse:
    """One pending problem's possible duplicates with the "duplicate of" form (a fragment for htmx)."""
    office_only(request)
    p = views_problem_actions.visible_problem(request, pk)
    context = {"problem": p, "duplicates": views_problem_actions.duplicate_choices(p), "next": "triage"}
    return render(request, "public/problem_duplicates.html", context)


urlpatterns: list[URLPattern] = [
    path("", index, name="index"),
    path("new/", hotline, name="hotline"),
    path("triage/", triage, name="triage"),
    path("export.xlsx", export, name="export"),
    path("<int:pk>/duplicates", triage_duplicates, name="triage_duplicates"),
    *views_problem_actions.urlpatterns,
]
