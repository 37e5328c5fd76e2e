"""The engine's own pages on duties: signing for one in one tap (签收), and the office's list of the
units that have not signed. Each write goes through duties.signing; the list runs a fixed number of
queries whatever its length."""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from luoshi.duties import owners, signing
from luoshi.duties.access import visible_duties_q
from luoshi.duties.models import Duty
from luoshi.errors import NotAllowed, ServiceError
from luoshi.pages import Request, office_only, paginate
from luoshi.workdays import calendar


def _back(request: Request, duty: Duty) -> str:
    """Where the tap came from (`next`, on this site only), else the owner's page."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and safe else (owners.url_of(duty) or "/")


@login_required
@require_POST
def sign(request: Request, duty_id: int) -> HttpResponse:
    """One tap: the unit's liaison or head signs for the duty, then goes back to the owner's page. A second
    tap changes nothing and says so."""
    q = visible_duties_q(request.user)
    duty = (Duty.objects.filter(q) if q is not None else Duty.objects.all()).filter(pk=duty_id).first()
    if duty is None:
        raise Http404(_("No such duty, or not one you may see."))
    try:
        signed, now = signing.do_sign(request.user, duty)
    except NotAllowed as err:
        raise PermissionDenied(err.message) from None
    except ServiceError as err:  # nothing to sign for (any more): the owner's page says why
        messages.error(request, err.message)
        return redirect(_back(request, duty))
    if now:
        messages.success(request, _("Signed for: your unit has acknowledged this work."))
    else:
        day = timezone.localtime(signed.signed_at).strftime("%Y-%m-%d %H:%M") if signed.signed_at else ""
        messages.info(request, _("Already signed for on {day}: nothing changed.").format(day=day))
    return redirect(_back(request, duty))


@dataclass
class UnsignedRow:
    duty: Duty
    url: str
    kind: str
    assigned_at: datetime
    workdays_waiting: int
    sign_by: datetime
    late: bool


@login_required
@require_safe
def unsigned(request: Request) -> HttpResponse:
    """The office: open duties whose unit has not signed for them, the longest waiting first."""
    office_only(request)
    now = timezone.now()
    today: date = timezone.localdate(now)
    cal = calendar.load()
    page = paginate(signing.unsigned(), request.GET.get("page"))
    rows = []
    for d in page.object_list:
        assert d.created_at is not None  # signing.unsigned_q
        by = signing.sign_by(d.created_at, cal)
        kind = d.owner_kind
        label = str(owners.get(kind).label) if kind else ""
        waiting = signing.workdays_waiting(d.created_at, today, cal)
        rows.append(UnsignedRow(d, owners.url_of(d), label, d.created_at, waiting, by, by <= now))
    context = {"page": page, "rows": rows, "within": signing.within_workdays(), "show_kind": len(owners.kinds()) > 1}
    return render(request, "escalation/unsigned.html", context)
