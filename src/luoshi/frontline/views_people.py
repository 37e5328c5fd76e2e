"""The pages on people at the frontline: stationed cadres (the office's list and form), a person's posting
history (the office and the organisation department; a person his or her own), the placements tracked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi.errors import ServiceError
from luoshi.frontline import access, config, services_people
from luoshi.frontline.forms import EndForm, PostingForm, StationingForm, new_key
from luoshi.frontline.models import Posting, Stationing
from luoshi.frontline.rule import placement_state
from luoshi.org.models import Person
from luoshi.pages import Request, form_errors, paginate


def _officer(request: Request) -> Person:
    if not access.is_personnel_officer(request.user):
        raise PermissionDenied(
            _("Postings and selection rounds are the supervision office's and the organisation department's.")
        )
    return request.user


# ---------------------------------------------------------------- stationed cadres


@login_required
@require_http_methods(["GET", "POST"])
def stationed(request: Request) -> HttpResponse:
    """Who is stationed at which major project site, from–to; the office adds them here."""
    if not access.sees_stationing(request.user):
        raise PermissionDenied(_("Stationed cadres are the office's, the organisation department's and the leaders'."))
    steer = access.may_steer_stationing(request.user)
    status, error = 200, None
    form = StationingForm(initial={"submission_key": new_key(), "start": timezone.localdate()}) if steer else None
    if request.method == "POST":
        if not steer:
            raise PermissionDenied(_("Only the supervision office records stationed cadres."))
        form = StationingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services_people.do_station(
                    request.user,
                    person=data["person"],
                    project=data["project"],
                    task=data["task"],
                    start=data["start"],
                    end=data["end"],
                    submission_key=data["submission_key"] or None,
                )
            except ServiceError as err:
                status, error = err.status, err.message
                form.show_refusal(err)
            else:
                messages.success(request, _("Stationed cadre recorded."))
                return redirect("frontline:stationed")
        else:
            status, error = 400, _("Please correct the errors below.")
    today = timezone.localdate()
    current = request.GET.get("all") != "1"
    qs = Stationing.objects.select_related("person__unit", "task").order_by("-start", "-id")
    if current:
        qs = qs.filter(Q(end=None) | Q(end__gte=today))
    page = paginate(qs, request.GET.get("page"))
    context = {"page": page, "form": form, "error": error, "current": current, "today": today, "steer": steer}
    return render(request, "frontline/stationed.html", context, status=status)


@login_required
@require_POST
def end_stationing(request: Request, stationing_id: int) -> HttpResponse:
    s = Stationing.objects.filter(pk=stationing_id).first()
    if s is None:
        raise Http404(_("No such stationed cadre."))
    form = EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form_errors(form)))
        return redirect("frontline:stationed")
    try:
        services_people.do_end_stationing(request.user, s, form.cleaned_data["end"])
    except ServiceError as err:
        if err.status == 403:
            raise PermissionDenied(err.message) from err
        messages.error(request, err.message)
    else:
        messages.success(request, _("The stationing has ended."))
    return redirect("frontline:stationed")


# ---------------------------------------------------------------- postings


def _history(person: Person):
    today, categories = timezone.localdate(), config.frontline_categories()
    rows = list(
        Posting.objects.filter(person=person).select_related("unit", "placement_for__selection").order_by("start", "id")
    )
    return [
        (p, p.category in categories, placement_state(p.end, p.planned_end, today) if p.placement_for_id else None)
        for p in rows
    ]


@login_required
@require_http_methods(["GET", "POST"])
def postings(request: Request, person_id: int) -> HttpResponse:
    """A person's posting history; the office and the organisation department add to it."""
    if not access.may_see_postings_of(request.user, person_id):
        raise PermissionDenied(_("A person sees his or her own postings only."))
    person = Person.objects.select_related("unit").filter(pk=person_id).first()
    if person is None:
        raise Http404(_("No such person."))
    officer = access.is_personnel_officer(request.user)
    status, error = 200, None
    form = PostingForm(initial={"submission_key": new_key(), "unit": person.unit_id}) if officer else None
    if request.method == "POST":
        _officer(request)
        form = PostingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services_people.do_add_posting(
                    request.user,
                    person=person,
                    unit=data["unit"],
                    post=data["post"],
                    category=data["category"],
                    level=data["level"],
                    start=data["start"],
                    end=data["end"],
                    submission_key=data["submission_key"] or None,
                )
            except ServiceError as err:
                status, error = err.status, err.message
                form.show_refusal(err)
            else:
                messages.success(request, _("Posting added."))
                return redirect("frontline:postings", person.pk)
        else:
            status, error = 400, _("Please correct the errors below.")
    context = {"person": person, "rows": _history(person), "form": form, "error": error, "officer": officer}
    return render(request, "frontline/postings.html", context, status=status)


@login_required
@require_safe
def my_postings(request: Request) -> HttpResponse:
    return redirect("frontline:postings", request.user.pk)


@login_required
@require_POST
def end_posting(request: Request, posting_id: int) -> HttpResponse:
    """A posting (or a placement: it is then completed) ends; back to where the form was."""
    _officer(request)
    p = Posting.objects.filter(pk=posting_id).first()
    if p is None:
        raise Http404(_("No such posting."))
    form = EndForm(request.POST)
    back = request.POST.get("back", "")
    target = (
        reverse("frontline:placements")
        if back == "placements"
        else reverse("frontline:selection", args=[p.placement_for.selection_id])
        if back == "selection" and p.placement_for
        else reverse("frontline:postings", args=[p.person_id])
    )
    if not form.is_valid():
        messages.error(request, " ".join(form_errors(form)))
        return redirect(target)
    try:
        services_people.do_end_posting(request.user, p, form.cleaned_data["end"])
    except ServiceError as err:
        messages.error(request, err.message)
    else:
        messages.success(request, _("The posting has ended."))
    return redirect(target)


@login_required
@require_safe
def placements(request: Request) -> HttpResponse:
    """Every frontline placement given to a candidate, tracked to completion: running, overdue, ended."""
    _officer(request)
    today = timezone.localdate()
    wanted = request.GET.get("state", "")
    qs = Posting.objects.exclude(placement_for=None).select_related("person", "unit", "placement_for__selection")
    if wanted == "running":
        qs = qs.filter(end=None, planned_end__gte=today)
    elif wanted == "overdue":
        qs = qs.filter(end=None, planned_end__lt=today)
    elif wanted == "ended":
        qs = qs.exclude(end=None)
    else:
        wanted = ""
    page = paginate(qs.order_by("planned_end", "id"), request.GET.get("page"))
    rows = [(p, placement_state(p.end, p.planned_end, today)) for p in page.object_list]
    tabs = [("", _("All")), ("running", _("running")), ("overdue", _("overdue")), ("ended", _("ended"))]
    context = {"page": page, "rows": rows, "state": wanted, "today": today, "tabs": tabs}
    return render(request, "frontline/placements.html", context)
