"""Creating a list (a draft), editing and deleting drafts: the office's work before publishing.

Post/redirect/get throughout: a saved form lands on the draft's own page, so a reload shows the draft and
never posts again; a repeated post (a double click) stores one draft.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from luoshi.duties.models import HandlingRole
from luoshi.errors import NotFound, ServiceError
from luoshi.lists import drafts, queries, services
from luoshi.lists.forms import ListForm, MilestoneFormSet
from luoshi.lists.models import ListStatus, ResponsibilityList
from luoshi.lists.views_loop import _refused, _visible
from luoshi.org import access
from luoshi.pages import Request, office_only

CREATE_TEMPLATE = "lists/create.html"


def _milestones(formset) -> list[services.MilestoneInput]:
    rows = (f.cleaned_data for f in formset.forms if f.cleaned_data)
    return [services.MilestoneInput(r["due_date"], r["title"]) for r in rows if r.get("due_date") or r.get("title")]


def _fields(form: ListForm, milestones) -> dict:
    """The form's fields as the services take them (do_create_list's keywords, a draft's changes)."""
    data = form.cleaned_data
    return {
        **{name: data[name] for name in drafts.DRAFT_FIELDS if name not in ("co_units", "milestones")},
        "co_units": list(data["co_units"]),
        "milestones": _milestones(milestones),
    }


def _to_loop(request: Request, list_id: int, message: str) -> HttpResponse:
    """Post/redirect/get: the browser lands on the draft's own address, so a reload shows it."""
    messages.success(request, message)
    url = reverse("lists:loop", args=[list_id])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: Request) -> HttpResponse:
    office_only(request)
    status, error = 200, None
    if request.method == "POST":
        form = ListForm(request.POST)
        milestones = MilestoneFormSet(request.POST, prefix="milestones")
        if form.is_valid() and milestones.is_valid():
            try:
                rlist = services.do_create_list(
                    request.user,
                    **_fields(form, milestones),
                    submission_key=form.cleaned_data["submission_key"] or None,
                )
            except ServiceError as err:
                status, error = err.status, err.message
                form.show_refusal(err)
            else:
                return _to_loop(
                    request, rlist.pk, _("Saved as a draft. Check it, then publish it to the handling units.")
                )
        else:
            status, error = 400, _("Please correct the errors below.")
    else:
        form = ListForm(initial={"submission_key": ListForm.new_key()})
        milestones = MilestoneFormSet(prefix="milestones")
    context = {"form": form, "milestones": milestones, "error": error}
    return render(request, CREATE_TEMPLATE, context, status=status)


def _draft_initial(rlist: ResponsibilityList) -> tuple[dict, list[dict]]:
    obligations = list(rlist.duties.all())
    initial = {
        "source": rlist.source,
        "title": rlist.title,
        "content": rlist.content,
        "leader": rlist.leader_id,
        "lead_unit": next((ob.unit_id for ob in obligations if ob.role == HandlingRole.LEAD), None),
        "co_units": [ob.unit_id for ob in obligations if ob.role == HandlingRole.CO],
        "deadline": rlist.deadline,
        "report_every_days": rlist.report_every_days,
    }
    return initial, [{"due_date": m.due_date, "title": m.title} for m in rlist.milestones.all()]


@login_required
@require_http_methods(["GET", "POST"])
def edit_draft(request: Request, list_id: int) -> HttpResponse:
    """The create form again, filled in from the draft; saving changes only what changed."""
    rlist = _visible(request, list_id)
    office_only(request)
    if rlist.status != ListStatus.DRAFT:
        return _refused(request, rlist, 409, _("Only a draft can be edited; this list is already published."))
    status, error = 200, None
    if request.method == "POST":
        form = ListForm(request.POST)
        milestones = MilestoneFormSet(request.POST, prefix="milestones")
        if form.is_valid() and milestones.is_valid():
            try:
                drafts.do_update_draft(request.user, rlist, _fields(form, milestones))
            except ServiceError as err:
                status, error = err.status, err.message
                form.show_refusal(err)
            else:
                return _to_loop(request, rlist.pk, _("Draft saved."))
        else:
            status, error = 400, _("Please correct the errors below.")
    else:
        initial, milestone_rows = _draft_initial(rlist)
        form = ListForm(initial=initial)
        milestones = MilestoneFormSet(prefix="milestones", initial=milestone_rows)
    context = {"form": form, "milestones": milestones, "error": error, "rlist": rlist}
    return render(request, CREATE_TEMPLATE, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def delete_draft(request: Request, list_id: int) -> HttpResponse:
    """GET asks for confirmation (works without JavaScript), POST deletes. A second POST (a double
    click, a resent form) finds the draft gone and says so rather than failing."""
    office = access.can_steer_lists(request.user)
    rlist = queries.visible_lists(request.user).filter(pk=list_id).first()
    if rlist is None and request.method == "POST" and office:
        return _already_deleted(request)
    rlist = _visible(request, list_id)
    office_only(request)
    if rlist.status != ListStatus.DRAFT:
        message = _("Only a draft can be deleted; a published list stays on the books until it is struck off.")
        return _refused(request, rlist, 409, message)
    if request.method == "POST":
        try:
            drafts.do_delete_draft(request.user, rlist)
        except NotFound:
            return _already_deleted(request)
        except ServiceError as err:
            return _refused(request, _visible(request, list_id), err.status, err.message)
        messages.success(request, _("The draft “{title}” was deleted.").format(title=rlist.title))
        url = reverse("lists:index")
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    return render(request, "lists/delete_draft.html", {"rlist": rlist})


def _already_deleted(request: Request) -> HttpResponse:
    messages.info(request, _("This draft no longer exists; it may have been deleted already."))
    url = reverse("lists:index")
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
