"""The second factor, enforced: a person whose role needs two factors (LUOSHI_TWO_FACTOR_ROLES) and who has
signed in with the password alone reaches only enrolment or verification (and logout, static files, the
language switch) until he gives a code. After django_otp.middleware.OTPMiddleware, which tells whether the
session is verified.

The API under /api/ answers such a session 401 (JSON); requests with `Authorization: Bearer` are the
token's, not the session's, and pass (luoshi.api.BearerToken authenticates them), with the unverified
session's user set aside, so that a bad token cannot fall back on it.
"""

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from luoshi.org import two_factor
from luoshi.org.models import Person

# These pages stay open to an unverified session (URL names; the rest of /account/two-factor/ does not).
OPEN_PAGES = ("two_factor:enrol", "two_factor:verify", "logout", "admin:logout")
OPEN_PREFIXES = ("/i18n/", "/favicon.ico")


class TwoFactorRequired:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open: tuple[str, ...] | None = None

    def open_paths(self) -> tuple[str, ...]:
        if self._open is None:  # reversed on the first request, when the URLconf is loaded
            self._open = tuple(reverse(name) for name in OPEN_PAGES)
        return self._open

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Cheap tests first: no query at all when two factors are off, or for static files.
        if not two_factor.required_roles() or self.is_open(request.path_info):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated or not two_factor.needs_two_factor(user) or two_factor.session_verified(user):
            return self.get_response(request)
        if request.path_info.startswith("/api/"):
            if request.headers.get("Authorization", "").lower().startswith("bearer "):
                request.user = AnonymousUser()  # the token's person or nobody; never this unverified session
                return self.get_response(request)
            return JsonResponse(
                {"detail": _("Give the second factor's code on the web, or use an API token."), "field": None},
                status=401,
            )
        return self.send_to_code_page(request, user)

    def is_open(self, path: str) -> bool:
        static = settings.STATIC_URL or "/static/"
        return path.startswith((static, *OPEN_PREFIXES)) or path in self.open_paths()

    def send_to_code_page(self, request: HttpRequest, user: Person) -> HttpResponse:
        page = "two_factor:verify" if two_factor.is_enrolled(user) else "two_factor:enrol"
        url = reverse(page)
        htmx = bool(request.headers.get("HX-Request"))
        if htmx:  # back to the page the fragment was asked from, not to the fragment
            current = urlsplit(request.headers.get("HX-Current-URL", ""))
            target = current.path + (f"?{current.query}" if current.query else "")
        else:
            target = request.get_full_path() if request.method == "GET" else ""
        if target:
            url += "?" + urlencode({"next": target})
        if htmx:
            # htmx would swap the code page into a fragment: ask it to load the whole page instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
