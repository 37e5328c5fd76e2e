"""/account/: the person's own page (name, unit, roles; the password; logging out everywhere; the two-factor
and API-token panels), the change of password, and the security administrator's lockouts."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luoshi.errors import ServiceError
from luoshi.org import access, lockout, passwords
from luoshi.org.models import Role
from luoshi.org.sessions import do_logout_everywhere
from luoshi.pages import Request


@login_required
@require_GET
def index(request: Request) -> HttpResponse:
    person = request.user
    roles = [str(Role(r).label) for r in person.roles if r in Role.values]
    return render(
        request,
        "org/account.html",
        {"person": person, "roles": roles, "password_expires": passwords.expires_at(person)},
    )


class PasswordForm(forms.Form):
    old = forms.CharField(label=gettext_lazy("Current password"), max_length=passwords.PASSWORD_MAX, strip=False)
    new = forms.CharField(label=gettext_lazy("New password"), max_length=passwords.PASSWORD_MAX, strip=False)
    new2 = forms.CharField(label=gettext_lazy("New password again"), max_length=passwords.PASSWORD_MAX, strip=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("new") and data.get("new2") is not None and data["new"] != data["new2"]:
            self.add_error("new2", _("The two new passwords differ."))
        return data


def _next(request: Request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def password(request: Request) -> HttpResponse:
    person = request.user
    form = PasswordForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                passwords.do_change_password(person, old=form.cleaned_data["old"], new=form.cleaned_data["new"])
            except ServiceError as e:
                form.add_error(e.field if e.field in form.fields else None, e.message)
            else:
                update_session_auth_hash(request, person)  # this session stays; the others end
                messages.success(request, _("Your password is changed. Your API tokens were revoked."))
                return redirect(_next(request) or "account:index")
        status = 400
    reason = "reset" if person.must_change_password else "expired" if passwords.is_expired(person) else None
    return render(
        request,
        "org/password.html",
        {"form": form, "reason": reason, "help_texts": _help_texts(), "next": _next(request)},
        status=status,
    )


def _help_texts() -> list[str]:
    from django.contrib.auth.password_validation import password_validators_help_texts

    return password_validators_help_texts()


@login_required
@require_POST
def logout_everywhere(request: Request) -> HttpResponse:
    do_logout_everywhere(request.user, request.user)
    logout(request)
    messages.info(request, _("You are signed out on every device."))
    return redirect("login")


def _security(request: Request) -> None:
    if not access.can_manage_security(request.user):
        raise PermissionDenied(_("Only the security administrator sees and releases lockouts."))


def _lockouts_page(request: Request, status: int = 200) -> HttpResponse:
    context = {
        "lockouts": lockout.lockout_list(request.user),
        "failures": lockout.username_limit(),
        "address_failures": lockout.address_limit(),
        "minutes": int(lockout.cool_off().total_seconds() // 60),
    }
    return render(request, "org/lockouts.html", context, status=status)


@login_required
@require_GET
def lockouts(request: Request) -> HttpResponse:
    _security(request)
    return _lockouts_page(request)


@login_required
@require_POST
def release(request: Request) -> HttpResponse:
    _security(request)
    try:
        released = lockout.do_release_lockout(
            request.user, request.POST.get("scope", ""), request.POST.get("value", "")
        )
    except ServiceError as e:
        messages.error(request, e.message)
        return _lockouts_page(request, e.status)
    if released:
        messages.success(request, _("Released: sign-in is open again."))
    else:
        messages.info(request, _("It was no longer locked."))
    return redirect("account:lockouts")
