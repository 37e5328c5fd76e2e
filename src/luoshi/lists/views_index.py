"""The list index (with its exports), a unit's inbox, a leader's page and the overview figures.

Reads only, all through lists.queries (the index's parameters are parsed by lists.filters); each page runs a fixed number of queries whatever the number of rows.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_htmx.http import push_url

from luoshi.duties.lights import LIGHTS
from luoshi.duties.models import Duty, DutyStatus
from luoshi.events.services import record_export
from luoshi.lists import exports, filters, queries
from luoshi.lists.models import ListStatus
from luoshi.lists.paging import ListPages
from luoshi.lists.services import owner_type
from luoshi.org import access
from luoshi.org.models import Role
from luoshi.pages import Request, paginate


def _vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


# ---------------------------------------------------------------- index and export


@login_required
def index(request: Request) -> HttpResponse:
    today = timezone.localdate()
    options = filters.FilterOptions.for_person(request.user)
    f = filters.parse_filters(request.GET, options)
    page_number = filters.page_number(request.GET, f.errors)
    context = {
        "selects": filters.selects(request.user, options, request.GET, f.year if "year" not in f.errors else None),
        "filters": f,
        "errors": list(f.errors.values()),
        "htmx_target": "index-results",
        "day_values": [(n, request.GET[n].strip()) for n in filters.DAY_PARAMS if request.GET.get(n, "").strip()],
    }
    status = 200
    if f.errors:
        status = 400
    else:
        qs = queries.filtered_lists(request.user, f, today)
        counts = queries.index_status_counts(request.user, f, today)
        known = counts[f.status or "all"] if queries.tallied_filters(request.user, f) else None
        page = paginate(ListPages(qs, f.sort, today), page_number, known)
        context.update(
            page=page,
            rows=exports.decorate(page.object_list, today),
            tabs=filters.status_tabs(request.user, counts, f.status),
            sort=f.sort,
            sorts=filters.sort_links(f.sort),
            today=today,
        )
    partial = request.htmx and request.htmx.target == "index-results" and not request.htmx.history_restore_request
    if not partial:
        return _vary(render(request, "lists/index.html", context, status=status))
    response = render(request, "lists/_index_results.html", context, status=status)
    # The address pushed to the browser's history: without the form's empty fields.
    query = urlencode([(k, v) for k, v in request.GET.items() if isinstance(v, str) and v.strip()])
    return _vary(push_url(response, f"{request.path}?{query}" if query else request.path))


@login_required
def export(request: Request, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Exports are CSV or XLSX."))
    today = timezone.localdate()
    options = filters.FilterOptions.for_person(request.user)
    f = filters.parse_filters(request.GET, options)
    if f.errors:
        return HttpResponse("\n".join(f.errors.values()) + "\n", status=400, content_type="text/plain; charset=utf-8")
    rows = exports.decorate(queries.index_rows(queries.filtered_lists(request.user, f, today), f.sort, today), today)
    if fmt == "csv":
        response = exports.as_csv(rows)
    else:
        response = exports.as_xlsx(rows, exports.filter_summary(f, options.leaders, options.units))
    record_export(request.user, "lists", fmt, **{k: v for k, v in vars(f).items() if k != "errors"})
    return response


# ---------------------------------------------------------------- a unit's inbox


@dataclass
class InboxRow:
    """One of the unit's obligations on its page, with its light and how far off its dates are."""

    ob: Duty
    light: str | None
    due_in: int | None  # days until the next report is due (negative: overdue)
    overdue_days: int
    late_days: int  # days past the deadline while still open

    @classmethod
    def of(cls, ob: Duty, today: date) -> "InboxRow":
        due_in = (ob.next_report_due - today).days if ob.next_report_due else None
        return cls(
            ob,
            queries.obligation_light(ob, today, ListStatus.IN_PROGRESS),  # the inbox shows lists in progress
            due_in,
            -due_in if due_in is not None and due_in < 0 else 0,
            (today - ob.deadline).days if ob.is_open and ob.deadline < today else 0,
        )

    @property
    def working(self) -> bool:
        return self.ob.status == DutyStatus.OPEN


@login_required
def inbox(request: Request) -> HttpResponse:
    user = request.user
    if not user.unit_id:
        raise Http404(_("You belong to no unit."))
    today = timezone.localdate()
    wanted = request.GET.get("light", "").strip()
    if wanted and wanted not in LIGHTS:
        message = _("Unknown light “%(value)s”: choose green, yellow or red.") % {"value": wanted}
        return render(request, "lists/inbox.html", {"errors": [message], "unit": user.unit}, status=400)

    rows = [InboxRow.of(ob, today) for ob in queries.unit_inbox(user)]
    light_counts = {light: sum(1 for r in rows if r.working and r.light == light) for light in LIGHTS}
    shown = [r for r in rows if not wanted or (r.working and r.light == wanted)]
    groups = [
        (_("To report"), [r for r in shown if r.working]),
        (_("Waiting for acceptance"), [r for r in shown if r.ob.status == DutyStatus.COMPLETION_REQUESTED]),
        (_("Accepted, list still open"), [r for r in shown if r.ob.status == DutyStatus.COMPLETED]),
    ]
    context = {
        "unit": user.unit,
        "groups": [(title, group) for title, group in groups if group],
        "total": len(shown),
        "light_tabs": [(value, label, light_counts[value]) for value, label in filters.lights()],
        "wanted": wanted,
        "can_report": access.can_report_for(user, user.unit_id),
        "today": today,
    }
    return render(request, "lists/inbox.html", context)


# ---------------------------------------------------------------- a leader's page


@login_required
def leader(request: Request) -> HttpResponse:
    user = request.user
    if not user.has_role(Role.LEADER):
        raise Http404(_("This page is for leaders."))
    today = timezone.localdate()
    supervised = Duty.objects.filter(owner_type=owner_type(), unit__in=user.supervised_units.values("pk")).values(
        "owner_id"
    )
    scopes = {
        "all": Q(leader=user) | Q(pk__in=supervised),
        "mine": Q(leader=user),
        "units": Q(pk__in=supervised),
    }
    errors = []
    scope = request.GET.get("scope", "").strip() or "all"
    if scope not in scopes:
        errors.append(_("Unknown view “%(value)s”.") % {"value": scope})
    # Lists on the books by default; struck-off ones are kept apart, behind their own tab.
    status = request.GET.get("status", "").strip()
    if status and status not in ListStatus.values:
        errors.append(_("Unknown status “%(value)s”.") % {"value": status})
    page_errors: dict[str, str] = {}
    page_number = filters.page_number(request.GET, page_errors)
    sort = filters.parse_sort(request.GET, page_errors)
    errors += page_errors.values()
    if errors:
        return render(request, "lists/leader.html", {"errors": errors}, status=400)

    base = queries.visible_lists(user)
    scope_counts = base.aggregate(**{name: Count("pk", filter=q) for name, q in scopes.items()})
    in_scope = base.filter(scopes[scope])
    counts = queries.status_counts(in_scope)
    closed = status == ListStatus.CLOSED
    qs = in_scope.filter(status=ListStatus.CLOSED) if closed else in_scope.exclude(status=ListStatus.CLOSED)
    page = paginate(ListPages(qs, sort, today), page_number)
    # Leaders never see drafts: what is not struck off is in progress.
    tabs = [
        {
            "value": "",
            "label": ListStatus.IN_PROGRESS.label,
            "count": counts["all"] - counts["closed"],
            "active": not closed,
        },
        {"value": ListStatus.CLOSED, "label": ListStatus.CLOSED.label, "count": counts["closed"], "active": closed},
    ]
    labels = {"all": _("All my lists"), "mine": _("I am responsible"), "units": _("My supervised units")}
    context = {
        "scopes": [
            {"value": name, "label": labels[name], "count": scope_counts[name], "active": name == scope}
            for name in scopes
        ],
        "scope": scope,
        "tabs": tabs,
        "closed": closed,
        "closed_count": counts["closed"],
        "sort": sort,
        "sorts": filters.sort_links(sort),
        "supervised_units": list(user.supervised_units.order_by("id")),
        "page": page,
        "rows": exports.decorate(page.object_list, today),
        "today": today,
        "htmx_target": "",
    }
    return render(request, "lists/leader.html", context)


# ---------------------------------------------------------------- overview


@login_required
def overview(request: Request) -> HttpResponse:
    today = timezone.localdate()
    years = set(queries.published_years(request.user))
    years.add(today.year)
    raw = request.GET.get("year", "").strip()
    year: int | None = today.year
    if raw == "all":
        year = None
    elif raw:
        year = filters.parse_int(raw)
        if year is None or not filters.MIN_YEAR <= year <= filters.MAX_YEAR:
            message = _("Unknown year “%(value)s”: give a year such as %(year)s.") % {"value": raw, "year": today.year}
            return render(
                request, "lists/overview.html", {"errors": [message], "years": sorted(years, reverse=True)}, status=400
            )
    years.add(year or today.year)

    figures = queries.overview(request.user, year, today)
    no_leader = _("No responsible leader")
    per_leader = [
        {**row, "name": no_leader if row["leader_id"] is None else row["leader__name"] or f"#{row['leader_id']}"}
        for row in figures["per_leader"]
    ]
    per_unit = [{**row, "name": row["unit__name"]} for row in figures["per_unit"]]
    keys = ("issued", "completed", "in_progress", "overdue")

    def series(rows: list[dict]) -> dict:
        return {"names": [r["name"] for r in rows], **{k: [r[k] for r in rows] for k in keys}}

    data = {
        "labels": {
            "issued": _("Issued"),
            "completed": _("Completed"),
            "in_progress": _("In progress"),
            "overdue": _("Overdue"),
        },
        "leaders": series(per_leader),
        "units": series(per_unit),
    }
    context = {
        "year": year,
        "year_value": "all" if year is None else str(year),
        "years": sorted(years, reverse=True),
        "totals": figures["lists"],
        "per_leader": per_leader,
        "per_unit": per_unit,
        "data": data,
    }
    return render(request, "lists/overview.html", context)
