"""The public problems' settings page, beside the business so that the system administrator reaches it:
the categories with their service levels (the administrator or the office edits them), the three rates'
weights (the administrator's), and the dispatch suggestion's measured top-1 / top-3 accuracy (measured on
demand and kept until the history changes). A form posted twice stores once."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from luoshi.errors import Conflict, ServiceError
from luoshi.org import access
from luoshi.pages import Request
from luoshi.public import categories, rates, suggest
from luoshi.public.forms_rates import CategoryLevelsForm, CategoryNewForm, WeightsForm, new_key
from luoshi.public.models import Category
from luoshi.public.views_rates import percent

INVALID = _("Please correct the errors below.")
LEVELS = ("respond_hours", "urgent_respond_hours", "resolve_workdays")
KEY_SECONDS = 24 * 3600  # how long a new category's form token is remembered


def _may_open(request: Request) -> None:
    if not (access.can_manage_org(request.user) or access.can_steer_lists(request.user)):
        raise PermissionDenied(_("This page is for administrators and the supervision office."))


def _edit_form(c: Category, data: Any = None) -> CategoryLevelsForm:
    initial = {**{k: getattr(c, k) for k in LEVELS}, "description": c.description, "active": c.active}
    return CategoryLevelsForm(data, initial=initial, auto_id=f"id_cat{c.pk}_%s")


def _page(
    request: Request,
    *,
    new: CategoryNewForm | None = None,
    edit: tuple[int, CategoryLevelsForm] | None = None,
    weights_form: WeightsForm | None = None,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    rows = list(Category.objects.order_by("position", "pk"))
    forms = {c.pk: edit[1] if edit and edit[0] == c.pk else _edit_form(c) for c in rows}
    is_admin = access.can_manage_org(request.user)
    w = rates.weights()
    accuracy = suggest.cached_accuracy()
    context = {
        "rows": [(c, forms[c.pk]) for c in rows],
        "new_form": new
        or CategoryNewForm(
            initial={
                "submission_key": new_key(),
                "respond_hours": 24,
                "urgent_respond_hours": 2,
                "resolve_workdays": 15,
            }
        ),
        "weights": w,
        "weights_form": (weights_form or WeightsForm(initial=rates.vars_of(w))) if is_admin else None,
        "accuracy": accuracy,
        "top1_pct": percent(accuracy["top1"]),
        "top3_pct": percent(accuracy["top3"]),
        "error": error,
    }
    return render(request, "public/settings.html", context, status=status)


@login_required
@require_safe
def settings_page(request: Request) -> HttpResponse:
    _may_open(request)
    return _page(request)


def _seen_key(key: str) -> str:
    return f"public.category_new:{key}"


@login_required
@require_POST
def category_new(request: Request) -> HttpResponse:
    """A new category with its service levels. The same form posted twice stores once: its token is
    remembered, and a category with the same name, code and levels is taken for the first posting."""
    _may_open(request)
    form = CategoryNewForm(request.POST)
    if not form.is_valid():
        return _page(request, new=form, status=400, error=INVALID)
    c = form.cleaned_data
    key = c["submission_key"]
    if key and (pk := cache.get(_seen_key(key))) and Category.objects.filter(pk=pk).exists():
        messages.info(request, _("This category was already added; it is stored once."))
        return redirect("public:settings")
    levels = {k: c[k] for k in LEVELS}
    try:
        category = categories.do_add_category(
            request.user, c["name"], c["code"], timezone.now(), c["description"], **levels
        )
    except Conflict as err:
        same = Category.objects.filter(name=c["name"], code=c["code"].strip().lower(), **levels).exists()
        if same:
            messages.info(request, _("This category was already added; it is stored once."))
            return redirect("public:settings")
        form.show_refusal(err)
        return _page(request, new=form, status=err.status, error=err.message)
    except ServiceError as err:
        form.show_refusal(err)
        return _page(request, new=form, status=err.status, error=err.message)
    if key:
        cache.set(_seen_key(key), category.pk, KEY_SECONDS)
    messages.success(request, _("Category “{name}” added.").format(name=category.name))
    return redirect("public:settings")


@login_required
@require_POST
def category_edit(request: Request, pk: int) -> HttpResponse:
    """A category's service levels, description and use; the same values again change nothing."""
    _may_open(request)
    category = Category.objects.filter(pk=pk).first()
    if category is None:
        raise Http404(_("No such category."))
    form = _edit_form(category, request.POST)
    if not form.is_valid():
        return _page(request, edit=(category.pk, form), status=400, error=INVALID)
    c = form.cleaned_data
    try:
        _c, changed = categories.do_update_category(
            request.user,
            category,
            timezone.now(),
            description=c["description"],
            active=c["active"],
            **{k: c[k] for k in LEVELS},
        )
    except ServiceError as err:
        form.show_refusal(err)
        return _page(request, edit=(category.pk, form), status=err.status, error=err.message)
    if changed:
        messages.success(request, _("Category “{name}” saved.").format(name=category.name))
    else:
        messages.info(request, _("Nothing changed."))
    return redirect("public:settings")


@login_required
@require_POST
def weights(request: Request) -> HttpResponse:
    """The three rates' weights (summing to 100) and what a 基本满意 counts for: the administrator's."""
    if not access.can_manage_org(request.user):
        raise PermissionDenied(_("Only the system administrator sets the rates' weights."))
    form = WeightsForm(request.POST)
    if not form.is_valid():
        return _page(request, weights_form=form, status=400, error=INVALID)
    c = form.cleaned_data
    try:
        _w, changed = rates.do_set_weights(
            request.user, c["response"], c["resolution"], c["satisfaction"], c["basically_counts"], timezone.now()
        )
    except ServiceError as err:
        form.show_refusal(err)
        return _page(request, weights_form=form, status=err.status, error=err.message)
    if changed:
        messages.success(request, _("The weights are saved; the rankings use them at once."))
    else:
        messages.info(request, _("Nothing changed."))
    return redirect("public:settings")


urlpatterns: list[URLPattern] = [
    path("settings/", settings_page, name="settings"),
    path("settings/categories/new", category_new, name="category_new"),
    path("settings/categories/<int:pk>/", category_edit, name="category_edit"),
    path("settings/weights", weights, name="weights"),
]
