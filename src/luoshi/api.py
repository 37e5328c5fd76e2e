"""The JSON API under /api/v1: one NinjaAPI, token (or session) auth, each app's routers."""

from collections.abc import Callable
from datetime import timedelta

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth, django_auth

from luoshi.errors import NotAllowed, ServiceError
from luoshi.events.services import record
from luoshi.org import access
from luoshi.org.models import ApiToken, Person, hash_token


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        """A live token (neither expired nor revoked) of an active person; its first use is an event."""
        found = ApiToken.objects.select_related("person").filter(key_hash=hash_token(token)).first()
        now = timezone.now()
        if found is None or found.state(now) != "active" or not found.person.is_active:
            # 401, not the next auth's answer: a caller who sends a token authenticates by it (without this,
            # a revoked token's POST fell through to the session auth and got its CSRF refusal, 403).
            raise AuthenticationError
        # At most one write a minute per token, not one per request.
        if found.last_used_at is None:
            # Conditional, so that two first requests at once record one first use.
            if ApiToken.objects.filter(pk=found.pk, last_used_at__isnull=True).update(last_used_at=now):
                record(
                    found.person,
                    "token.first_used",
                    "token",
                    found.pk,
                    unit_id=found.person.unit_id,
                    after={"person": found.person_id, "prefix": found.prefix},
                )
        elif now - found.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.person
        return found.person


def _refuse_privileged(person: Person) -> None:
    if access.kept_from_business(person):
        # Raised from an auth callback: ninja answers it with the ServiceError handler (403).
        raise NotAllowed("The system administrator, security administrator and auditor see no business data.")


class BusinessBearer(BearerToken):
    """The business routers' token auth: the three privileged roles (三员) are refused with 403."""

    def authenticate(self, request: HttpRequest, token: str):
        person = super().authenticate(request, token)
        if person is not None:
            _refuse_privileged(person)
        return person


class BusinessSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None):
        person = super().authenticate(request, key)
        if person is not None:
            _refuse_privileged(person)
        return person


BUSINESS = [BusinessBearer(), BusinessSession()]

api = NinjaAPI(
    title="Luoshi API",
    version="1",
    description="Responsibility lists, direct reports, acceptance and strike-off. "
    "Authenticate with `Authorization: Bearer <token>` (`luoshi token create USERNAME`).",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)


_SOURCES = ("body", "payload", "query", "path", "header", "data", "filters", "params", "ninja_pagination")


def _field_of(error: dict) -> str:
    loc = [str(p) for p in error.get("loc", []) if p not in _SOURCES]
    return ".".join(loc) or "body"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"field": _field_of(e), "message": e.get("msg", "")} for e in exc.errors]
    first = errors[0] if errors else {"field": "body", "message": "invalid"}
    return api.create_response(
        request,
        {"detail": f"{first['field']}: {first['message']}", "field": first["field"], "errors": errors},
        status=400,
    )


@api.exception_handler(ServiceError)
def on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=exc.status)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": "Authentication required."}, status=401)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return api.create_response(request, {"detail": "The request body is too large.", "field": "body"}, status=400)


class JsonErrorsMiddleware:
    """Under /api/, Django's own error pages (an unknown path, a bad Host, an over-size form, a 500) answer
    the API's JSON shape `{detail, field}` instead of HTML. Installed first, so it sees them all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path_info.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            json = JsonResponse({"detail": response.reason_phrase, "field": None}, status=response.status_code)
            for header in ("Allow", "WWW-Authenticate", "Retry-After"):
                if header in response:
                    json[header] = response[header]
            return json
        return response


def _add_routers() -> None:
    from luoshi.duties.api import router as escalation_router
    from luoshi.duties.api import stats_router as league_router
    from luoshi.lists.api import extensions_router, lists_router, stats_router
    from luoshi.lists.api_changes import transfer_requests_router
    from luoshi.lists.api_documents import router as documents_router
    from luoshi.notify.api import me_router as notify_settings_router
    from luoshi.notify.api import router as notify_router
    from luoshi.org.api import router as org_router
    from luoshi.web.api import router as me_router

    # No login: the public form's challenge, its submission, a tracking code's status. First, because the
    # form's submissions are the busiest path and Django tries the patterns in order.
    api.add_router("/", "luoshi.public.api_public.router", auth=None)
    api.add_router("/", org_router)
    # The business (auth=BUSINESS): none of it for the system and security administrators and the auditor.
    api.add_router("/lists", lists_router, auth=BUSINESS)
    api.add_router("/lists", documents_router, auth=BUSINESS)  # closing records (PDF, DOCX)
    api.add_router("/lists", "luoshi.lists.api_drafting.router", auth=BUSINESS)  # drafts from a pasted text
    api.add_router("/extensions", extensions_router, auth=BUSINESS)
    api.add_router("/transfer-requests", transfer_requests_router, auth=BUSINESS)
    api.add_router("/stats", stats_router, auth=BUSINESS)
    api.add_router("/stats", league_router, auth=BUSINESS)
    api.add_router("/escalations", escalation_router, auth=BUSINESS)
    api.add_router("/duties", "luoshi.duties.api_duties.router", auth=BUSINESS)  # every kind's duties; signing
    api.add_router("/notifications", notify_router, auth=BUSINESS)
    api.add_router("/me", me_router, auth=BUSINESS)  # the person's own work (web.todo)
    api.add_router("/me", notify_settings_router, auth=BUSINESS)  # /me/notification-settings
    api.add_router("/audit", "luoshi.events.api.router")  # the auditor's reading of the trail
    api.add_router("/me", "luoshi.org.api_tokens.router")  # /me/tokens: one's own API tokens
    api.add_router("/", "luoshi.org.api_two_factor.router")  # /me/two-factor, /people/{id}/two-factor/reset
    api.add_router("/", "luoshi.org.api_identity.router")  # passwords, logout everywhere, lockouts
    # The master ledger: ledgers, programmes, tasks, reports and links; the cycle; workbooks.
    api.add_router("/", "luoshi.ledger.api.router", auth=BUSINESS)
    api.add_router("/", "luoshi.ledger.api_cycle.router", auth=BUSINESS)
    api.add_router("/", "luoshi.ledger.api_yearend.router", auth=BUSINESS)
    api.add_router("/", "luoshi.ledger.api_sheets.router", auth=BUSINESS)
    # Oversight: inspections and findings; talks, incidents, violations, accountability; 登台剖析.
    api.add_router("/", "luoshi.oversight.api_inspections.router", auth=BUSINESS)
    api.add_router("/", "luoshi.oversight.api_cases.router", auth=BUSINESS)
    api.add_router("/", "luoshi.oversight.api_analysis.router", auth=BUSINESS)
    # Frontline work: leaders' days, stationed cadres, postings and the promotion rule.
    api.add_router("/", "luoshi.frontline.api.router", auth=BUSINESS)
    # Public problems: intake, triage, dispatch, handling; programmes; the three rates; Open311 keys.
    api.add_router("/", "luoshi.public.api_problems.router", auth=BUSINESS)
    api.add_router("/", "luoshi.public.api_programmes.router", auth=BUSINESS)
    api.add_router("/", "luoshi.public.api_rates.router", auth=BUSINESS)
    # Categories, weights and Open311 clients' keys: the admin's too (the services check the role).
    api.add_router("/", "luoshi.cockpit.api.router", auth=BUSINESS)  # /stats/cockpit
    api.add_router("/", "luoshi.cockpit.api_summary.router", auth=BUSINESS)  # /stats/summary
    api.add_router("/", "luoshi.cockpit.api_bulletins.router", auth=BUSINESS)  # /bulletins

    api.add_router("/", "luoshi.public.api_open311.router")
    api.add_router("/", "luoshi.public.api_settings.router")


_add_routers()
