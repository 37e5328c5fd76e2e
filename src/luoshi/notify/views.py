from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.notify.models import Notification
from luoshi.notify.services import do_mark_read
from luoshi.pages import Request


@login_required
def inbox(request: Request) -> HttpResponse:
    """Everyone's own inbox: urges, orders, reminders and proposals addressed to them."""
    qs = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "notify/inbox.html", {"page": page, "unread_only": bool(request.GET.get("unread"))})


@login_required
@require_POST
def mark_read(request: Request) -> HttpResponse:
    """Mark one (`id`) or all of one's notifications read, then follow its link if asked."""
    raw = request.POST.get("id", "")
    if raw and not raw.isdigit():
        return HttpResponseBadRequest(_("Unknown notification."))
    do_mark_read(request.user, [int(raw)] if raw else None)
    target = request.POST.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return redirect(target if target and safe else "notify:inbox")
