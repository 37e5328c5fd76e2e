"""The report page (报送), made for a phone: one unit's report on one list, prefilled from its last report.

From the to-do home a routine report is three taps: open the item, tap the "no change" chip (or type what
was done), tap 报送. Progress, difficulties and next steps start as the last report left them, each
editable; what was done starts empty, as every report must say it anew. Asking for completion is its own
button that files with progress 100: no box to tick, no 100 to type. After filing, the person is back on
the to-do home, where the next item is on top.
"""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from luoshi.duties import services as duty_services
from luoshi.duties.models import Duty, DutyStatus
from luoshi.errors import ServiceError
from luoshi.events.models import Event
from luoshi.lists import queries
from luoshi.lists.models import ListStatus, ResponsibilityList
from luoshi.org import access
from luoshi.pages import BootstrapMixin, Request
from luoshi.schemas import TEXT_MAX

TEMPLATE = "lists/report.html"
# The chips' sentences: "no change" is a valid report, and still says in words that work goes on.
NO_CHANGE = gettext_lazy("No change since the last report; work goes on as planned.")
FINISHED = gettext_lazy("All the work is finished, as the list required.")
CHIPS = {"no_change": (gettext_lazy("No change: on plan"), NO_CHANGE), "finished": (gettext_lazy("Finished"), FINISHED)}
ACTIONS = ("report", "complete")


class QuickReportForm(BootstrapMixin, forms.Form):
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    progress = forms.IntegerField(
        label=gettext_lazy("Progress (%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
    )
    done = forms.CharField(
        label=gettext_lazy("Work done since the last report"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    difficulties = forms.CharField(
        label=gettext_lazy("Difficulties"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("As in the last report; change it if it changed."),
    )
    next_steps = forms.CharField(
        label=gettext_lazy("Next steps"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )

    @staticmethod
    def new_key() -> str:
        return uuid.uuid4().hex


def _duty(request: Request, list_id: int, unit_id: int) -> tuple[ResponsibilityList, Duty]:
    """The list (if visible) and the unit's duty on it; 404 otherwise, 403 for someone not of the unit."""
    rlist = queries.visible_lists(request.user).filter(pk=list_id).first()
    if rlist is None:
        raise Http404(_("No such list, or not one you may see."))
    duty = (
        rlist.duties.exclude(status=DutyStatus.WITHDRAWN)
        .select_related("unit", "last_report", "last_report__author")
        .filter(unit_id=unit_id)
        .first()
    )
    if duty is None:
        raise Http404(_("This unit does not handle this list."))
    if not access.can_report_for(request.user, unit_id):
        raise PermissionDenied(_("Only the unit's own liaison or head may report for it."))
    return rlist, duty


def _initial(duty: Duty) -> dict:
    last = duty.last_report
    return {
        "submission_key": QuickReportForm.new_key(),
        "progress": duty.progress,
        "done": "",
        "difficulties": last.difficulties if last else "",
        "next_steps": last.next_steps if last else "",
    }


def _news(duty: Duty) -> dict:
    """Why the unit may be here besides the routine: its completion was returned (and why), or its
    extension request was decided. Two small queries, on this duty only."""
    news: dict = {"returned": None, "extension": None}
    if duty.status == DutyStatus.OPEN and duty.last_report and duty.last_report.request_completion:
        news["returned"] = (
            Event.objects.filter(
                subject_type="list", subject_id=duty.owner_id, kind="completion.returned", after__duty=duty.pk
            )
            .order_by("-at", "-id")
            .first()
        )
    news["extension"] = duty.extensions.order_by("-requested_at", "-id").first()
    return news


def _render(
    request: Request, rlist: ResponsibilityList, duty: Duty, form: QuickReportForm, status: int = 200, error: str = ""
) -> HttpResponse:
    today = timezone.localdate()
    open_for_reports = rlist.status == ListStatus.IN_PROGRESS and duty.status in (
        DutyStatus.OPEN,
        DutyStatus.COMPLETION_REQUESTED,
    )
    context = {
        "rlist": rlist,
        "duty": duty,
        "last": duty.last_report,
        "form": form if open_for_reports else None,
        "light": queries.obligation_light(duty, today, rlist.status),
        "today": today,
        "overdue": bool(duty.next_report_due and duty.next_report_due < today and duty.status == DutyStatus.OPEN),
        "chips": [(key, label, sentence) for key, (label, sentence) in CHIPS.items()],
        "next": _next(request),
        "error": error,
        **_news(duty),
    }
    return render(request, TEMPLATE, context, status=status)


def _next(request: Request) -> str:
    """Where to go after filing: a local address passed as ?next=, or the to-do home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and safe else reverse("home")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_page(request: Request, list_id: int, unit_id: int) -> HttpResponse:
    rlist, duty = _duty(request, list_id, unit_id)
    if request.method != "POST":
        return _render(request, rlist, duty, QuickReportForm(initial=_initial(duty)))

    if "chip" in request.POST:
        # A chip without JavaScript: the same form again, its "work done" filled in; nothing is filed.
        chip = CHIPS.get(request.POST["chip"], CHIPS["no_change"])
        initial = {name: request.POST.get(name, "") for name in QuickReportForm.base_fields}
        return _render(request, rlist, duty, QuickReportForm(initial={**initial, "done": str(chip[1])}))
    action = request.POST.get("action", "report")
    if action not in ACTIONS:
        form = QuickReportForm(request.POST)
        message = _("Unknown action “%(value)s”: file a report or ask for completion.") % {"value": action[:40]}
        return _render(request, rlist, duty, form, 400, message)

    data = request.POST.copy()
    completing = action == "complete"
    if completing:
        data["progress"] = "100"  # the button says it: the work is finished
    form = QuickReportForm(data)
    if not form.is_valid():
        return _render(request, rlist, duty, form, 400, _("Please correct the errors below."))
    cleaned = form.cleaned_data
    try:
        _report, created = duty_services.do_report(
            request.user,
            duty,
            progress=cleaned["progress"],
            done=cleaned["done"],
            difficulties=cleaned["difficulties"],
            next_steps=cleaned["next_steps"],
            request_completion=completing,
            submission_key=cleaned["submission_key"] or None,
        )
    except ServiceError as err:
        form.show_refusal(err)
        return _render(request, rlist, duty, form, err.status, err.message)
    if not created:
        messages.info(request, _("This report was already filed; it is stored once."))
    elif completing:
        messages.success(
            request,
            _("Report on “{title}” filed. The office has been asked to accept completion.").format(title=duty.title),
        )
    else:
        messages.success(request, _("Report on “{title}” filed.").format(title=duty.title))
    return redirect(_next(request))
