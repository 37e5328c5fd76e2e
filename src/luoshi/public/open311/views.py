"""Open311 GeoReport v2 under /open311/v2/, without login: discovery, services (the categories) and their
definitions, POST requests (form-encoded, with an api_key the office issued), GET requests by filter and
by id, tokens (a problem's tracking code). Every answer is XML or JSON as the path's extension asks;
errors are <errors><error><code/><description/></error></errors> with 400 (a missing or bad argument),
403 (api_key) or 404 (no such service, request or token); each description starts with the argument it is
about. jurisdiction_id is accepted and ignored: the specification lets a one-jurisdiction server do so
(and FixMyStreet sends the one it was configured with)."""

import hashlib
from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from luoshi.errors import InvalidInput, NotAllowed, NotFound, ServiceError
from luoshi.events.models import Event
from luoshi.public import categories, intake
from luoshi.public.intake import Submission
from luoshi.public.models import ENDED, Category, Channel, Problem
from luoshi.public.open311 import filters, keys, queries, render
from luoshi.public.open311.render import Items
from luoshi.text import check_text

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Before any category changed, the discovery's changeset is this release's.
FIRST_CHANGESET = datetime(2026, 1, 1, tzinfo=timezone.get_fixed_timezone(480))
MEDIA_URL_MAX = 1000
# do_submit's fields by the argument they came from.
ARGUMENT = {
    "content": "description",
    "place": "address_string",
    "lat": "lat",
    "lon": "long",
    "reporter_name": "first_name",
    "reporter_contact": "email",
    "category": "service_code",
}

View = Callable[..., HttpResponse]


def described(e: ServiceError) -> str:
    return f"{ARGUMENT.get(e.field, e.field)}: {e.message}" if e.field else e.message


def endpoint(*methods: str) -> Callable[[View], View]:
    """The view answers in its format, in the language the client asks for (Accept-Language, as the
    API does), and turns a refusal into Open311's errors. CSRF does not apply: clients are not browsers
    and a POST carries its api_key."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def answer(request: HttpRequest, *args: object, fmt: str = "xml", **kwargs: object) -> HttpResponse:
            language = translation.get_language_from_request(request)
            with translation.override(language):
                if request.method not in (*methods, "HEAD" if "GET" in methods else ""):
                    response = render.errors(fmt, 405, _("Use {methods}.").format(methods=", ".join(methods)))
                    response["Allow"] = ", ".join(methods)
                else:
                    try:
                        response = view(request, *args, fmt=fmt, **kwargs)
                    except ServiceError as e:
                        status = e.status if e.status in (400, 403, 404) else 400
                        response = render.errors(fmt, status, described(e))
            response["Content-Language"] = language
            return response

        return answer

    return decorate


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    changed = Event.objects.filter(subject_type="problem_category").order_by("-at").values_list("at", flat=True)
    changeset = render.w3c(changed.first() or FIRST_CHANGESET)
    url = request.build_absolute_uri(reverse("open311:root"))
    return render.respond(
        fmt,
        "discovery",
        {
            "changeset": changeset,
            "contact": _("The city's supervision office answers questions about this service."),
            "key_service": _("Ask the supervision office for an api_key: it issues one to each client."),
            "endpoints": Items(
                "endpoint",
                [
                    {
                        "specification": SPECIFICATION,
                        "url": url,
                        "changeset": changeset,
                        "type": "production",
                        "formats": Items("format", ["text/xml", "application/json"]),
                    }
                ],
            ),
        },
    )


def _service(c: Category) -> dict:
    return {
        "service_code": c.code,
        "service_name": c.name,
        "description": c.description,
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": "",
    }


@endpoint("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    return render.respond(
        fmt, "services", Items("service", [_service(c) for c in Category.objects.filter(active=True)])
    )


def _category(code: str) -> Category:
    # Only a well-formed code reaches the database (a NUL in a query is a PostgreSQL error, not a 404).
    found = Category.objects.filter(code=code, active=True).first() if categories.CODE.match(code) else None
    if found is None:
        raise NotFound(_("No such service."), "service_code")
    return found


@endpoint("GET")
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """No service has metadata: the definition of any is its code and no attributes."""
    c = _category(code)
    return render.respond(fmt, "service_definition", {"service_code": c.code, "attributes": Items("attribute", [])})


@endpoint("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    return create(request, fmt) if request.method == "POST" else search(request, fmt)


def search(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET requests: by ids (which override every other argument), or by services, statuses and a range
    of requested_datetime (the last 90 days unless given); the most recent 1000 at most."""
    found = queries.public()
    if asked := filters.ids(request.GET):
        found = found.filter(pk__in=asked)
    else:
        codes = filters.service_codes(request.GET)
        wanted = filters.statuses(request.GET)
        start, end = filters.window(request.GET, timezone.now())
        found = found.filter(created_at__gte=start, created_at__lt=end)
        if codes:
            found = found.filter(category__code__in=codes)
        if wanted == {"open"}:
            found = found.exclude(status__in=ENDED)
        elif wanted == {"closed"}:
            found = found.filter(status__in=ENDED)
    rows = [queries.request_of(p) for p in found[: queries.MAX_RESULTS]]
    return render.respond(fmt, "service_requests", Items("request", rows))


@endpoint("GET")
def request_detail(request: HttpRequest, pk: str, fmt: str) -> HttpResponse:
    number = int(pk) if pk.isascii() and pk.isdigit() and len(pk) <= 10 else 0
    found = queries.public().filter(pk=number).first() if 0 < number < 2**31 else None
    if found is None:
        raise NotFound(_("No such request."), "service_request_id")
    return render.respond(fmt, "service_requests", Items("request", [queries.request_of(found)]))


@endpoint("GET")
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """A token is a problem's tracking code: the id of the public request it stands for."""
    code = intake.normal_code(token)
    pk = Problem.objects.filter(queries.public_q(), code=code).values_list("pk", flat=True).first() if code else None
    if pk is None:
        raise NotFound(_("No such token."), "token")
    return render.respond(fmt, "service_requests", Items("request", [{"service_request_id": str(pk), "token": code}]))


def _argument(request: HttpRequest, name: str) -> str:
    return check_text(request.POST.get(name, ""), name, multiline=name == "description")


def _name(request: HttpRequest) -> str:
    first, last = _argument(request, "first_name"), _argument(request, "last_name")
    if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
        return last + first  # a Chinese name: the family name first, no space
    return " ".join(p for p in (first, last) if p)


def _content(request: HttpRequest) -> str:
    description = _argument(request, "description")
    media = _argument(request, "media_url")
    if media:
        if not media.lower().startswith(("http://", "https://")) or len(media) > MEDIA_URL_MAX or " " in media:
            raise InvalidInput(_("Give an http or https address."), "media_url")
        description = f"{description}\n\n{media}" if description else ""  # a photo alone describes nothing
    return description


def _submission_key(request: HttpRequest, key_pk: int) -> str | None:
    """An Idempotency-Key header, per client key: the same POST sent twice stores one problem."""
    sent = check_text(request.headers.get("Idempotency-Key", ""), "Idempotency-Key", multiline=False)
    if len(sent) > 64:
        raise InvalidInput(_("At most {n} characters.").format(n=64), "Idempotency-Key")
    return hashlib.sha256(f"open311:{key_pk}:{sent}".encode()).hexdigest() if sent else None


def create(request: HttpRequest, fmt: str) -> HttpResponse:
    """POST requests: a problem of the channel "open311", from the client whose key it is."""
    key = keys.key_for(request.POST.get("api_key") or request.GET.get("api_key"))
    if key is None:
        raise NotAllowed(_("Missing or invalid api_key: ask the office for one."), "api_key")
    code = request.POST.get("service_code", "").strip()
    if not code:
        raise InvalidInput(_("Give the service_code of one of the services."), "service_code")
    category = _category(code)
    lat, lon = request.POST.get("lat", "").strip(), request.POST.get("long", "").strip()
    address = _argument(request, "address_string") or _argument(request, "address_id")
    if not (lat or lon or address):
        raise InvalidInput(_("Give lat and long, an address_string or an address_id."), "lat")
    contact = [_argument(request, "email"), _argument(request, "phone")]
    problem, created = intake.do_submit(
        None,
        Submission(
            channel=Channel.OPEN311,
            category=category.name,
            content=_content(request),
            place=address,
            reporter_name=_name(request),
            reporter_contact=queries.CONTACT_SEPARATOR.join(c for c in contact if c),
            lat=lat or None,
            lon=lon or None,
        ),
        client=key,
        submission_key=_submission_key(request, key.pk),
    )
    notice = " ".join(
        (queries.service_notice(category, problem.urgent), _("Tracking code: {code}.").format(code=problem.code))
    )
    row = {"service_request_id": str(problem.pk), "service_notice": notice, "account_id": ""}
    return render.respond(fmt, "service_requests", Items("request", [row]), status=201 if created else 200)


@endpoint("GET", "POST")
def unknown(request: HttpRequest, rest: str, fmt: str = "xml") -> HttpResponse:
    fmt = "json" if rest.endswith(".json") else "xml"
    return render.errors(fmt, 404, _("No such resource: see discovery.xml."))
