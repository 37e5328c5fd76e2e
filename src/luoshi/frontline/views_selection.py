"""The pages of selection rounds (赛场选马): the rounds and a new one, a round's candidate list (each read an
audited event), more candidates, and a frontline placement for a candidate without frontline experience."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from luoshi.errors import ServiceError
from luoshi.events.services import audit_read
from luoshi.frontline import access, services_people
from luoshi.frontline.forms import CandidatesForm, PlacementForm, SelectionForm, frontline_choices, new_key
from luoshi.frontline.models import Candidate, Selection
from luoshi.frontline.queries import rounds
from luoshi.frontline.rule import ENDED, placement_state
from luoshi.pages import Request, paginate


def _officer(request: Request) -> None:
    if not access.is_personnel_officer(request.user):
        raise PermissionDenied(
            _("Postings and selection rounds are the supervision office's and the organisation department's.")
        )


@login_required
@require_http_methods(["GET", "POST"])
def selections(request: Request) -> HttpResponse:
    """The rounds (how many candidates, how many eligible) and the form of a new round."""
    _officer(request)
    status, error = 200, None
    if request.method == "POST":
        form = SelectionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                s, _created = services_people.do_create_selection(
                    request.user,
                    kind=data["kind"],
                    title=data["title"],
                    candidates=list(data["candidates"]),
                    submission_key=data["submission_key"] or None,
                )
            except ServiceError as err:
                status, error = err.status, err.message
                form.show_refusal(err)
            else:
                messages.success(request, _("Selection round created; each candidate checked against the rule."))
                return redirect("frontline:selection", s.pk)
        else:
            status, error = 400, _("Please correct the errors below.")
    else:
        form = SelectionForm(initial={"submission_key": new_key()})
    qs = Selection.objects.annotate(
        n_candidates=Count("candidates"), n_eligible=Count("candidates", filter=Q(candidates__eligible=True))
    ).order_by("-created_at", "-id")
    page = paginate(qs, request.GET.get("page"), count=Selection.objects.count())
    return render(request, "frontline/selections.html", {"page": page, "form": form, "error": error}, status=status)


def _page(
    request: Request,
    selection_id: int,
    add_form: CandidatesForm | None = None,
    status: int = 200,
    error: str | None = None,
) -> HttpResponse:
    """The round's candidate list (an audited read), each candidate's check and frontline placement."""
    s = rounds().filter(pk=selection_id).first()
    if s is None:
        raise Http404(_("No such selection round."))
    audit_read(request.user, "selection", s.pk)  # every read of a candidate list
    today = timezone.localdate()
    rows = []
    for c in s.candidates.all():
        placements = list(c.placements.all())
        latest = placements[-1] if placements else None
        state = placement_state(latest.end, latest.planned_end, today) if latest else None
        rows.append(
            {"c": c, "placement": latest, "state": state, "may_place": not c.eligible and state in (None, ENDED)}
        )
    context = {
        "s": s,
        "rows": rows,
        "eligible": sum(1 for c in s.candidates.all() if c.eligible),
        "add_form": add_form or CandidatesForm(),
        "today": today,
        "categories": [label for _value, label in frontline_choices()],
        "error": error,
    }
    return render(request, "frontline/selection.html", context, status=status)


@login_required
@require_safe
def selection(request: Request, selection_id: int) -> HttpResponse:
    _officer(request)
    return _page(request, selection_id)


@login_required
@require_POST
def add_candidates(request: Request, selection_id: int) -> HttpResponse:
    _officer(request)
    s = Selection.objects.filter(pk=selection_id).first()
    if s is None:
        raise Http404(_("No such selection round."))
    form = CandidatesForm(request.POST)
    if not form.is_valid():
        return _page(request, selection_id, form, 400, _("Please correct the errors below."))
    try:
        added = services_people.do_add_candidates(request.user, s, list(form.cleaned_data["candidates"]))
    except ServiceError as err:
        form.show_refusal(err)
        return _page(request, selection_id, form, err.status, err.message)
    messages.success(request, _("Candidates added: {n}.").format(n=len(added)))
    return redirect("frontline:selection", selection_id)


@login_required
@require_http_methods(["GET", "POST"])
def place(request: Request, selection_id: int, candidate_id: int) -> HttpResponse:
    """A frontline placement for a candidate without frontline experience, tracked to its end."""
    _officer(request)
    c = (
        Candidate.objects.select_related("person__unit", "selection")
        .filter(pk=candidate_id, selection_id=selection_id)
        .first()
    )
    if c is None:
        raise Http404(_("No such candidate in this round."))
    status, error = 200, None
    if request.method == "POST":
        form = PlacementForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services_people.do_place(
                    request.user,
                    c,
                    unit=data["unit"],
                    post=data["post"],
                    category=data["category"],
                    level=data["level"],
                    start=data["start"],
                    planned_end=data["planned_end"],
                    submission_key=data["submission_key"] or None,
                )
            except ServiceError as err:
                status, error = err.status, err.message
                form.show_refusal(err)
            else:
                messages.success(request, _("Frontline placement given; it is tracked until it ends."))
                return redirect("frontline:selection", selection_id)
        else:
            status, error = 400, _("Please correct the errors below.")
    else:
        today = timezone.localdate()
        form = PlacementForm(
            initial={"submission_key": new_key(), "start": today, "planned_end": today + timedelta(days=365)}
        )
    return render(request, "frontline/place.html", {"c": c, "form": form, "error": error}, status=status)
