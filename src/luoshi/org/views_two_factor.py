"""/account/two-factor/: enrolment (QR code and key, confirmed by a code), the recovery codes (shown once),
verification after the password, and the person's own renew / remove (each asking for a current code).

The services (luoshi.org.two_factor) check and audit; these views parse the form and mark the session
verified (django_otp.login). luoshi.org.middleware_two_factor sends unverified sessions here.
"""

from typing import Any
from urllib.parse import urlencode

import django_otp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from luoshi.errors import Conflict, ServiceError
from luoshi.org import two_factor
from luoshi.pages import Request

# The fresh recovery codes between the form that made them and the page that shows them once (a redirect,
# so that a second click of the form, or a reload, neither makes other codes nor loses these).
SESSION_CODES = "luoshi_two_factor_codes"
SESSION_NEXT = "luoshi_two_factor_next"


def _next(request: Request) -> str:
    """The page first asked for, when it is one of ours; else home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _with_next(name: str, target: str) -> str:
    url = reverse(name)
    return url if target == reverse("home") else f"{url}?{urlencode({'next': target})}"


def _code(request: Request) -> str:
    return request.POST.get("code", "")


@never_cache  # the page shows the key
@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: Request) -> HttpResponse:
    person, target = request.user, _next(request)
    if two_factor.is_enrolled(person):
        if request.method == "POST":
            return redirect("two_factor:codes")  # a second click of the confirm button: the first one's codes
        return redirect(
            "two_factor:manage" if two_factor.session_verified(person) else _with_next("two_factor:verify", target)
        )
    if not two_factor.needs_two_factor(person):
        messages.info(request, _("Two factors are not required for your roles."))
        return redirect("two_factor:manage")
    context: dict[str, Any] = {"next": target}
    status = 200
    if request.method == "POST":
        try:
            codes = two_factor.do_enrol(person, _code(request))
        except Conflict:
            return redirect("two_factor:codes")
        except ServiceError as e:
            context |= {"error": e.message, "field": e.field}
            status = e.status
        else:
            django_otp.login(request, two_factor.app_device(person))
            request.session[SESSION_CODES] = codes
            request.session[SESSION_NEXT] = target
            return redirect("two_factor:codes")
    device = two_factor.pending_device(person)
    context |= {"qr": two_factor.qr_svg(device), "key": two_factor.key_text(device), "digits": device.digits}
    return render(request, "org/two_factor/enrol.html", context, status=status)


@never_cache  # the page shows the codes
@login_required
@require_GET
def codes(request: Request) -> HttpResponse:
    fresh = request.session.pop(SESSION_CODES, None) or []
    target = request.session.pop(SESSION_NEXT, None) or reverse("home")
    return render(
        request,
        "org/two_factor/codes.html",
        {"codes": [two_factor.show_code(c) for c in fresh], "next": target},
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: Request) -> HttpResponse:
    person, target = request.user, _next(request)
    if two_factor.session_verified(person):
        return redirect(target)
    if not two_factor.is_enrolled(person):
        return redirect(_with_next("two_factor:enrol", target))
    context: dict[str, Any] = {"next": target}
    status = 200
    if request.method == "POST":
        try:
            device = two_factor.do_verify(person, _code(request))
        except ServiceError as e:
            context |= {"error": e.message, "field": e.field}
            status = e.status
        else:
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code: %(left)d is left. Renew them on your account page.",
                        "You used a recovery code: %(left)d are left. Renew them on your account page.",
                        left,
                    )
                    % {"left": left},
                )
            return redirect(target)
    return render(request, "org/two_factor/verify.html", context, status=status)


@login_required
@require_GET
def manage(request: Request) -> HttpResponse:
    return render(request, "org/two_factor/manage.html")


@never_cache
@login_required
@require_POST
def renew(request: Request) -> HttpResponse:
    try:
        fresh = two_factor.do_renew_codes(request.user, _code(request))
    except ServiceError as e:
        return _manage_error(request, e, "renew")
    request.session[SESSION_CODES] = fresh
    request.session[SESSION_NEXT] = _account_page()
    return redirect("two_factor:codes")


@login_required
@require_POST
def remove(request: Request) -> HttpResponse:
    try:
        two_factor.do_remove(request.user, _code(request))
    except ServiceError as e:
        return _manage_error(request, e, "remove")
    if two_factor.needs_two_factor(request.user):
        messages.info(request, _("Two factors are off. Enrol your authenticator app again to continue."))
        return redirect("two_factor:enrol")
    messages.info(request, _("Two factors are off."))
    return redirect("two_factor:manage")


def _account_page() -> str:
    """The person's own page, which shows the panel (this area's page while that one is not installed)."""
    try:
        return reverse("account:index")
    except NoReverseMatch:
        return reverse("two_factor:manage")


def _manage_error(request: Request, e: ServiceError, form: str) -> HttpResponse:
    context = {"two_factor_error": e.message, "two_factor_form": form}
    return render(request, "org/two_factor/manage.html", context, status=e.status)
