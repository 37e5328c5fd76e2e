"""The inspection campaigns' pages: the index, a new campaign (the office's), one campaign (its team, the
units inspected, its draws with their seeds, its findings), the random draw, and the finding categories
(the office's list). The findings' own pages are in views_findings, whose patterns join these.

Thin views: parse with a form, find the record the person may see (else 404), call the one service,
redirect back with a message; a refusal re-renders the form with the service's message and its status."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi.errors import ServiceError
from luoshi.oversight import findings, inspections, queries_findings, views_findings
from luoshi.oversight.forms_inspections import (
    CategoryEditForm,
    CategoryForm,
    DrawForm,
    InspectionFilterForm,
    InspectionForm,
    new_key,
)
from luoshi.oversight.models import Draw, Finding, FindingCategory, Inspection, Method
from luoshi.pages import Request, form_errors, office_only, paginate


def _inspection(request: Request, inspection_id: int) -> Inspection:
    found = queries_findings.visible_inspections(request.user).filter(pk=inspection_id).first()
    if found is None:
        raise Http404(_("No such inspection, or not one you may see."))
    return found


# ---------------------------------------------------------------- the index


@login_required
@require_safe
def index(request: Request) -> HttpResponse:
    """The campaigns the person may see, newest first; for each, its findings (a unit: its own) and how
    many are closed. Four queries whatever the number of rows."""
    person = request.user
    form = InspectionFilterForm(request.GET)
    context: dict[str, Any] = {"form": form, "office": person.is_office}
    if not form.is_valid():
        context.update(errors=form_errors(form), rows=[], page=None, total=0)
        return render(request, "oversight/inspection_index.html", context, status=400)
    c = form.cleaned_data
    start, end, leader = c["period_from"], c["period_to"], c["leader"]
    context.update(leader=leader, show=c["show"])
    if c["show"] == "units":  # the cockpit's "units inspected": each unit once
        page = paginate(queries_findings.inspected_units(person, start, end, leader), request.GET.get("page"))
        context.update(page=page, units=list(page.object_list), total=page.paginator.count)
        return render(request, "oversight/inspection_index.html", context)
    qs = queries_findings.filtered_inspections(person, start, end, leader).select_related("leader")
    unit_id = queries_findings.unit_of(person)
    if queries_findings.sees_all(person):
        counted = Q()
    else:  # the team's campaigns whole; others: the unit's own findings
        counted = Q(pk__in=queries_findings.team_inspection_ids(person)) | Q(findings__unit_id=unit_id or 0)
    qs = qs.annotate(
        n_units=Count("inspected", distinct=True),
        n_findings=Count("findings", filter=counted, distinct=True),
        n_closed=Count("findings", filter=counted & Q(findings__closed_at__isnull=False), distinct=True),
    ).order_by("-period_from", "-id")
    page = paginate(qs, request.GET.get("page"))
    context.update(page=page, rows=list(page.object_list), total=page.paginator.count)
    return render(request, "oversight/inspection_index.html", context)


# ---------------------------------------------------------------- a new campaign


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def inspection_new(request: Request) -> HttpResponse:
    office_only(request)
    if request.method != "POST":
        today = timezone.localdate()
        initial = {"submission_key": new_key(), "period_from": today, "methods": ["discussion", "documents"]}
        return _form_page(request, InspectionForm(initial=initial))
    form = InspectionForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, 400, _("Please correct the errors below."))
    c = form.cleaned_data
    data = inspections.InspectionInput(
        title=c["title"],
        leader=c["leader"],
        period_from=c["period_from"],
        period_to=c["period_to"],
        methods=c["methods"],
        team_units=list(c["team_units"]),
        members=list(c["members"]),
        units=list(c["units"]),
        scope=c["scope"],
    )
    try:
        inspection, created = inspections.do_create_inspection(
            request.user, data, submission_key=c["submission_key"] or None
        )
    except ServiceError as err:
        form.show_refusal(err)
        return _form_page(request, form, err.status, err.message)
    if created:
        messages.success(request, _("Inspection {code} created.").format(code=inspection.code))
    else:
        messages.info(request, _("This inspection was already created; it is stored once."))
    return redirect("oversight:inspection", inspection.pk)


def _form_page(request: Request, form: InspectionForm, status: int = 200, error: str = "") -> HttpResponse:
    return render(request, "oversight/inspection_form.html", {"form": form, "error": error}, status=status)


# ---------------------------------------------------------------- one campaign


def _detail(
    request: Request, inspection: Inspection, draw_form: DrawForm | None = None, status: int = 200, error: str = ""
) -> HttpResponse:
    person = request.user
    whole = queries_findings.sees_whole(person, inspection)
    inspection = (
        Inspection.objects.select_related("leader", "created_by")
        .prefetch_related("team_units", "members__unit")
        .get(pk=inspection.pk)
    )
    found = queries_findings.with_duties(
        queries_findings.visible_findings(person)
        .filter(inspection=inspection)
        .select_related("unit", "category", "list")
        .order_by("code")
    )
    page = paginate(found, request.GET.get("page"))
    rows = list(page.object_list)
    for f in rows:
        f.state = findings.status(f, queries_findings.duty_of(f))
    inspected = list(inspection.inspected.select_related("unit", "draw").order_by("unit_id")) if whole else []
    may_manage = inspections.may_manage(person, inspection)
    context: dict[str, Any] = {
        "inspection": inspection,
        "whole": whole,
        "inspected": inspected,
        "draws": list(Draw.objects.filter(inspection=inspection).select_related("drawn_by")) if whole else [],
        "page": page,
        "rows": rows,
        "may_record": findings.may_record(person, inspection),
        "draw_form": (draw_form or DrawForm(initial={"submission_key": new_key(), "count": 1})) if may_manage else None,
        "methods": [label for value, label in _method_labels() if value in inspection.methods],
        "error": error,
        "today": timezone.localdate(),
    }
    return render(request, "oversight/inspection_detail.html", context, status=status)


def _method_labels() -> list[tuple[str, str]]:
    return [(str(v), str(label)) for v, label in Method.choices]


@login_required
@require_safe
def inspection(request: Request, inspection_id: int) -> HttpResponse:
    return _detail(request, _inspection(request, inspection_id))


@login_required
@require_POST
def inspection_draw(request: Request, inspection_id: int) -> HttpResponse:
    found = _inspection(request, inspection_id)
    if not inspections.may_manage(request.user, found):
        raise PermissionDenied(_("Only the supervision office or the team's leader draws the units."))
    form = DrawForm(request.POST)
    if not form.is_valid():
        return _detail(request, found, form, 400, " ".join(form_errors(form)))
    c = form.cleaned_data
    if c["draw_from"] == "units":
        data = inspections.DrawInput(count=c["count"], units=[u.pk for u in c["scope_units"]], seed=c["seed"] or None)
    else:
        parent = c["parent"].pk if c["parent"] else None
        data = inspections.DrawInput(count=c["count"], kind=c["draw_from"], parent=parent, seed=c["seed"] or None)
    try:
        draw, created = inspections.do_draw(request.user, found, data, submission_key=c["submission_key"] or None)
    except ServiceError as err:
        form.show_refusal(err)
        return _detail(request, found, form, err.status, err.message)
    if created:
        messages.success(request, _("{n} units drawn with the seed {seed}.").format(n=len(draw.drawn), seed=draw.seed))
    else:
        messages.info(request, _("This draw was already made; it is stored once."))
    return redirect("oversight:inspection", found.pk)


# ---------------------------------------------------------------- the categories


def _categories_page(
    request: Request,
    form: CategoryForm | None = None,
    edit: tuple[int, CategoryEditForm] | None = None,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    rows = list(FindingCategory.objects.all())
    counts = _category_counts()
    for c in rows:
        c.n_findings = counts.get(c.pk, 0)  # type: ignore[attr-defined]
        if edit and edit[0] == c.pk:
            c.form = edit[1]  # type: ignore[attr-defined]
        else:
            c.form = CategoryEditForm(  # type: ignore[attr-defined]
                initial={"name": c.name, "position": c.position, "active": c.active}, auto_id=f"id_cat{c.pk}_%s"
            )
    context = {
        "rows": rows,
        "form": form or CategoryForm(initial={"submission_key": new_key()}),
        "error": error,
    }
    return render(request, "oversight/category_index.html", context, status=status)


def _category_counts() -> dict[int, int]:
    return dict(Finding.objects.values_list("category_id").annotate(n=Count("pk")).order_by())


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def categories(request: Request) -> HttpResponse:
    """The office's list of categories: add one, rename, reorder, take one out of use."""
    office_only(request)
    if request.method != "POST":
        return _categories_page(request)
    form = CategoryForm(request.POST)
    if not form.is_valid():
        return _categories_page(request, form, status=400, error=_("Please correct the errors below."))
    try:
        category, created = findings.do_add_category(
            request.user, form.cleaned_data["name"], submission_key=form.cleaned_data["submission_key"] or None
        )
    except ServiceError as err:
        form.show_refusal(err)
        return _categories_page(request, form, status=err.status, error=err.message)
    if created:
        messages.success(request, _("Category “{name}” added.").format(name=category.name))
    return redirect("oversight:categories")


@login_required
@require_POST
def category_edit(request: Request, category_id: int) -> HttpResponse:
    office_only(request)
    category = FindingCategory.objects.filter(pk=category_id).first()
    if category is None:
        raise Http404(_("No such category."))
    form = CategoryEditForm(request.POST, auto_id=f"id_cat{category.pk}_%s")
    if not form.is_valid():
        return _categories_page(
            request, edit=(category.pk, form), status=400, error=_("Please correct the errors below.")
        )
    c = form.cleaned_data
    try:
        findings.do_update_category(request.user, category, name=c["name"], position=c["position"], active=c["active"])
    except ServiceError as err:
        form.show_refusal(err)
        return _categories_page(request, edit=(category.pk, form), status=err.status, error=err.message)
    messages.success(request, _("Category saved."))
    return redirect("oversight:categories")


urlpatterns: list[URLPattern] = [
    path("inspections/", index, name="inspections"),
    path("inspections/new", inspection_new, name="inspection_new"),
    path("inspections/<int:inspection_id>/", inspection, name="inspection"),
    path("inspections/<int:inspection_id>/draw", inspection_draw, name="inspection_draw"),
    path("finding-categories/", categories, name="categories"),
    path("finding-categories/<int:category_id>", category_edit, name="category_edit"),
    *views_findings.urlpatterns,
]
