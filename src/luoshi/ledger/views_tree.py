"""The ledger's list pages: the ledgers by year (the office creates, opens, adds programmes), a
ledger's tree with its filters and counts, and the summaries per programme and per leader.

Reads go through ledger.page_data (a fixed number of queries whatever the ledger's size); writes through
ledger.services, whose refusals come back as the form's field errors with the service's status.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi.duties.models import Duty, DutyStatus
from luoshi.errors import Conflict, ServiceError
from luoshi.ledger import page_data, queries, services
from luoshi.ledger.forms import LedgerForm, ProgrammeForm, TreeFilterForm
from luoshi.ledger.models import Ledger, LedgerStatus
from luoshi.ledger.queries import TaskFilters
from luoshi.pages import Request

# The other pages of a ledger, by their URL names, shown on the index once they exist.
OTHER_PAGES = (
    ("ledger:import", gettext_lazy("Import from Excel")),
    ("ledger:copy", gettext_lazy("Copy last year's structure")),
    ("ledger:cycle", gettext_lazy("Quarter board")),
    ("ledger:snapshots", gettext_lazy("Snapshots")),
    ("ledger:handin", gettext_lazy("Year-end hand-in")),
    ("ledger:carried", gettext_lazy("Carried over")),
)


def visible_ledger(request: Request, ledger_id: int) -> Ledger:
    ledger = queries.visible_ledgers(request.user).filter(pk=ledger_id).first()
    if ledger is None:
        raise Http404(_("No such ledger, or not one you may see."))
    return ledger


def office_only(request: Request) -> None:
    if not request.user.is_office:
        raise PermissionDenied(_("This page is for the supervision office."))


def other_pages(ledger: Ledger) -> list[tuple[str, str]]:
    found = []
    for name, label in OTHER_PAGES:
        try:
            found.append((str(label), reverse(name, args=[ledger.pk])))
        except NoReverseMatch:
            continue
    return found


# ---------------------------------------------------------------- the index


def _index(request: Request, status: int = 200, **bound: object) -> HttpResponse:
    user = request.user
    rows = page_data.index_rows(user)
    office = user.is_office
    today = timezone.localdate()
    years = {r.ledger.year for r in rows}
    next_year = today.year if today.year not in years else max(years) + 1
    for row in rows:
        row.pages = other_pages(row.ledger) if office else []  # type: ignore[attr-defined]  # the office's pages
        if office and row.ledger.status != LedgerStatus.CLOSED:
            form = bound.get(f"programme_{row.ledger.pk}")
            row.programme_form = form or ProgrammeForm(auto_id=f"id_prog{row.ledger.pk}_%s")  # type: ignore[attr-defined]
    context = {
        "rows": rows,
        "office": office,
        "ledger_form": bound.get("ledger_form")
        or (
            LedgerForm(initial={"year": next_year, "title": _("Master ledger of {year}").format(year=next_year)})
            if office
            else None
        ),
        "error": bound.get("error", ""),
        "confirm": bound.get("confirm"),
    }
    return render(request, "ledger/index.html", context, status=status)


@login_required
@require_safe
def index(request: Request) -> HttpResponse:
    return _index(request)


@login_required
@require_POST
def create(request: Request) -> HttpResponse:
    office_only(request)
    form = LedgerForm(request.POST)
    if not form.is_valid():
        return _index(request, 400, ledger_form=form)
    year, title = form.cleaned_data["year"], form.cleaned_data["title"]
    try:
        ledger = services.do_create_ledger(request.user, year=year, title=title)
    except ServiceError as err:
        same = Ledger.objects.filter(year=year, title=title.strip(), created_by=request.user).first()
        if isinstance(err, Conflict) and same is not None:  # the same form sent twice: stored once
            messages.info(request, _("This ledger was already created; it is stored once."))
            return redirect("ledger:tree", same.pk)
        form.show_refusal(err)
        return _index(request, err.status, ledger_form=form, error=err.message)
    messages.success(
        request, _("The ledger “{title}” is being built: add its tasks, then open it.").format(title=ledger)
    )
    return redirect("ledger:tree", ledger.pk)


@login_required
@require_POST
def add_programme(request: Request, ledger_id: int) -> HttpResponse:
    office_only(request)
    ledger = visible_ledger(request, ledger_id)
    form = ProgrammeForm(request.POST, auto_id=f"id_prog{ledger.pk}_%s")
    if not form.is_valid():
        return _index(request, 400, **{f"programme_{ledger.pk}": form})
    name = form.cleaned_data["name"]
    try:
        services.do_add_programme(request.user, ledger, name)
    except ServiceError as err:
        if isinstance(err, Conflict) and ledger.programmes.filter(name=name.strip()).exists():
            messages.info(request, _("The programme “{name}” is already in this ledger.").format(name=name))
            return redirect(reverse("ledger:index") + f"#ledger-{ledger.pk}")
        form.show_refusal(err)
        return _index(request, err.status, error=err.message, **{f"programme_{ledger.pk}": form})
    messages.success(request, _("Programme “{name}” added.").format(name=name))
    return redirect(reverse("ledger:index") + f"#ledger-{ledger.pk}")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def open_ledger(request: Request, ledger_id: int) -> HttpResponse:
    """年初建账 done: a confirmation page, then the ledger opens and every unit's duties start."""
    office_only(request)
    ledger = visible_ledger(request, ledger_id)
    if request.method != "POST" and ledger.status != LedgerStatus.DRAFT:
        messages.info(request, _("The ledger is already open."))
        return redirect("ledger:tree", ledger.pk)
    if request.method == "POST":
        try:
            services.do_open_ledger(request.user, ledger)
        except ServiceError as err:
            ledger.refresh_from_db()
            if ledger.status == LedgerStatus.OPEN:
                messages.info(request, _("The ledger is already open."))
                return redirect("ledger:tree", ledger.pk)
            return _confirm(request, ledger, err.message, err.status)
        messages.success(request, _("The ledger is open: the units report on their tasks from now on."))
        return redirect("ledger:tree", ledger.pk)
    return _confirm(request, ledger)


def _confirm(request: Request, ledger: Ledger, error: str = "", status: int = 200) -> HttpResponse:
    """The index with the confirmation of opening this ledger: what opening it starts."""
    duties = Duty.objects.filter(
        owner_type_id=services.task_type_id(),
        owner_id__in=ledger.tasks.values("pk"),
        status=DutyStatus.PENDING,
    )
    confirm = {
        "ledger": ledger,
        "tasks": ledger.tasks.count(),
        "duties": duties.count(),
        "units": duties.values("unit_id").distinct().count(),
    }
    return _index(request, status, confirm=confirm, error=error)


# ---------------------------------------------------------------- the tree


def parse_filters(form: TreeFilterForm) -> TaskFilters:
    data = form.cleaned_data
    carried = {"yes": True, "no": False}.get(data.get("carried") or "")
    return TaskFilters(
        programme=form.id_of("programme"),
        leader=form.id_of("leader"),
        unit=form.id_of("unit"),
        light=data.get("light") or None,
        forecast=data.get("forecast") or None,
        carried=carried,
        q=data.get("q") or "",
        state=data.get("state") or None,
        portfolio=data.get("portfolio"),
        done_from=data.get("from"),
        done_to=data.get("to"),
    )


def query_of(form: TreeFilterForm, **changes: str | None) -> str:
    """The tree's query string for these filters changed by `changes` (None drops one), without the page."""
    values = {k: v for k, v in form.cleaned_data.items() if k != "page" and v not in (None, "")}
    if "portfolio" in values:
        values["portfolio"] = str(values["portfolio"].pk)
    for k, v in changes.items():
        if v is None:
            values.pop(k, None)
        else:
            values[k] = v
    return urlencode({k: str(v) for k, v in values.items()})


def count_links(form: TreeFilterForm) -> dict[str, str]:
    links = {"tasks": query_of(form, light=None, forecast=None)}
    for light in ("green", "yellow", "red"):
        links[f"light_{light}"] = query_of(form, light=light, forecast=None)
        links[f"forecast_{light}"] = query_of(form, forecast=light, light=None)
    return links


@login_required
@require_safe
def tree(request: Request, ledger_id: int) -> HttpResponse:
    ledger = visible_ledger(request, ledger_id)
    today = timezone.localdate()
    form = TreeFilterForm(request.GET, **page_data.tree_options(request.user, ledger))
    context: dict = {"ledger": ledger, "form": form, "office": request.user.is_office, "today": today}
    if not form.is_valid():
        return render(request, "ledger/tree.html", context, status=400)
    f = parse_filters(form)
    tp = page_data.tree_page(request.user, ledger, f, form.cleaned_data.get("page") or 1, today)
    counts = page_data.counts(request.user, ledger, f, today)
    context.update(
        tp=tp,
        counts=counts,
        # The rows that match, every level: the cockpit's numbers link here with the same count.
        total=tp.page.paginator.count if tp.mode == "flat" else counts["tasks"],
        portfolio=f.portfolio,
        links=count_links(form),
        query=query_of(form),
        filtered=not page_data.is_plain(f) or bool(f.programme),
    )
    return render(request, "ledger/tree.html", context)


# ---------------------------------------------------------------- summaries


def _summary(request: Request, ledger_id: int, kind: str) -> HttpResponse:
    ledger = visible_ledger(request, ledger_id)
    today: date = timezone.localdate()
    if kind == "programmes":
        rows = page_data.by_programme(request.user, ledger, today)
    else:
        rows = page_data.by_leader(request.user, ledger, today)
    context = {
        "ledger": ledger,
        "rows": rows,
        "totals": page_data.totals(rows, today),
        "key": "programme" if kind == "programmes" else "leader",
        "kind": kind,
    }
    return render(request, f"ledger/summary_{kind}.html", context)


@login_required
@require_safe
def programmes(request: Request, ledger_id: int) -> HttpResponse:
    return _summary(request, ledger_id, "programmes")


@login_required
@require_safe
def leaders(request: Request, ledger_id: int) -> HttpResponse:
    return _summary(request, ledger_id, "leaders")


urlpatterns = [
    path("", index, name="index"),
    path("new", create, name="create"),
    path("<int:ledger_id>/", tree, name="tree"),
    path("<int:ledger_id>/open", open_ledger, name="open"),
    path("<int:ledger_id>/programmes/add", add_programme, name="programme_add"),
    path("<int:ledger_id>/programmes/", programmes, name="programmes"),
    path("<int:ledger_id>/leaders/", leaders, name="leaders"),
]
