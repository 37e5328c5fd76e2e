"""Two checks on every signed-in request, after django_otp.middleware.OTPMiddleware:

- the session's idle timeout and absolute age (luoshi.org.sessions): a session over either is logged out
  (a "logout" event with the reason) and sent to the login page with a message; the API answers 401;
- a person who must change his password (after an administrator's reset, or an expired one) reaches only
  the change-password page (and logout, the two-factor code pages, static files, the language switch);
  the API answers session users 403, except the change of password itself.

Requests with `Authorization: Bearer` are the token's (luoshi.api.BearerToken), not the session's: they
pass untouched, with such a session's user set aside so that a bad token cannot fall back on it.
"""

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from luoshi.org import passwords, sessions
from luoshi.org.signin import LOGOUT_REASON

# The recovery codes are shown once, right after enrolment: a forced password change waits for them.
OPEN_PAGES = ("account:password", "logout", "admin:logout", "two_factor:enrol", "two_factor:codes", "two_factor:verify")
OPEN_PREFIXES = ("/i18n/", "/favicon.ico")
API_OPEN = ("/api/v1/me/password",)


class IdentityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open: tuple[str, ...] | None = None

    def open_paths(self) -> tuple[str, ...]:
        if self._open is None:  # reversed on the first request, when the URLconf is loaded
            self._open = tuple(reverse(name) for name in OPEN_PAGES)
        return self._open

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(settings.STATIC_URL or "/static/"):
            return self.get_response(request)
        api = path.startswith("/api/")
        if api and request.headers.get("Authorization", "").lower().startswith("bearer "):
            if request.user.is_authenticated and passwords.must_change(request.user):
                request.user = AnonymousUser()
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        if reason := sessions.ended(request.session):
            return self.sign_out(request, reason, api)
        sessions.touch(request.session)
        if passwords.must_change(user):
            if api and path not in API_OPEN:
                return JsonResponse(
                    {
                        "detail": _("Change your password first (your account page, or POST /api/v1/me/password)."),
                        "field": None,
                    },
                    status=403,
                )
            if not api and not self.is_open(path):
                return self.send_to(request, reverse("account:password"))
        return self.get_response(request)

    def is_open(self, path: str) -> bool:
        return path.startswith(OPEN_PREFIXES) or path in self.open_paths()

    def sign_out(self, request: HttpRequest, reason: str, api: bool) -> HttpResponse:
        target = request.get_full_path() if request.method == "GET" and not request.headers.get("HX-Request") else ""
        setattr(request, LOGOUT_REASON, reason)
        logout(request)  # records "logout" with the reason (luoshi.org.signin)
        if api:
            return JsonResponse({"detail": _("The session has ended: sign in again."), "field": None}, status=401)
        minutes = settings.LUOSHI_IDLE_MINUTES
        text = (
            _("You were signed out after %(minutes)d minutes without activity.") % {"minutes": minutes}
            if reason == "idle"
            else _("Your session has ended: please sign in again.")
        )
        # MessageMiddleware comes later in the chain and does not see this answer: keep the message here.
        storage = default_storage(request)
        storage.add(messages.INFO, text)
        url = reverse("login") + (f"?{urlencode({'next': target})}" if target else "")
        response = self.send_to(request, url)
        storage.update(response)
        return response

    @staticmethod
    def send_to(request: HttpRequest, url: str) -> HttpResponse:
        if request.headers.get("HX-Request"):  # htmx would swap the page into a fragment: load it whole
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        if request.method == "GET" and url.startswith(reverse("account:password")):
            current = urlsplit(request.get_full_path())
            if current.path not in ("/", reverse("account:password")):
                url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
