"""The citizens' pages, without login (mounted at /public/, namespace "citizen"): the report form (its script
posts to the no-login API with the proof of work), the page that shows a new tracking code, the box to type
a code in, a code's status page and the portal. None of them sets a cookie (no session, no CSRF token: the
form posts to the API, which ninja does not CSRF-check for auth=None), and the pages everybody sees alike
are cacheable by any cache (Cache-Control: public)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from luoshi.errors import NotFound
from luoshi.public import citizen, intake, pow, throttle
from luoshi.public import portal as portal_data
from luoshi.public.models import Category, Outcome, Status

MAX_AGE = 60
# The steps as the status page words them.
STEP_WORDS = {
    "received": pgettext_lazy("public step", "Received"),
    "accepted": pgettext_lazy("public step", "Accepted"),
    "rejected": pgettext_lazy("public step", "Not accepted"),
    "duplicate": pgettext_lazy("public step", "Merged with an earlier report of the same problem"),
    "dispatched": pgettext_lazy("public step", "Dispatched to {unit}"),
    "signed": pgettext_lazy("public step", "Signed for by {unit}"),
    "replied": pgettext_lazy("public step", "Replied by {unit}"),
    "visited": pgettext_lazy("public step", "Return visit made"),
    "reopened": pgettext_lazy("public step", "Return visit: sent back to be handled again"),
    "closed": pgettext_lazy("public step", "Closed: handling finished"),
}
# The statuses in the public's words (the office's labels say 分拣, 销号…).
STATUS_WORDS = {
    Status.PENDING: pgettext_lazy("public status", "Received, awaiting review"),
    Status.ACCEPTED: pgettext_lazy("public status", "Accepted"),
    Status.REJECTED: pgettext_lazy("public status", "Not accepted"),
    Status.DUPLICATE: pgettext_lazy("public status", "Merged with an earlier report"),
    Status.DISPATCHED: pgettext_lazy("public status", "Sent to the responsible unit"),
    Status.HANDLING: pgettext_lazy("public status", "Being handled"),
    Status.REPLIED: pgettext_lazy("public status", "Replied"),
    Status.VISITED: pgettext_lazy("public status", "Return visit made"),
    Status.CLOSED: pgettext_lazy("public status", "Closed"),
}
# The progress bar: how far along each status is.
PROGRESS = {
    Status.PENDING: 10,
    Status.ACCEPTED: 25,
    Status.DISPATCHED: 40,
    Status.HANDLING: 60,
    Status.REPLIED: 80,
    Status.VISITED: 90,
    Status.CLOSED: 100,
    Status.REJECTED: 100,
    Status.DUPLICATE: 100,
}


def _public(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    return response


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "public/citizen_not_found.html", status=404)


@require_GET
def form(request: HttpRequest) -> HttpResponse:
    context = {
        "categories": list(Category.objects.filter(active=True).values_list("name", "description")),
        "limits": {
            "content": intake.CONTENT_MAX,
            "place": intake.PLACE_MAX,
            "name": intake.NAME_MAX,
            "contact": intake.CONTACT_MAX,
        },
        "per_address": throttle.limit(),
        "minutes": int(throttle.window().total_seconds() // 60),
        "difficulty": pow.difficulty(),
    }
    return _public(render(request, "public/citizen_form.html", context))


@require_GET
def submitted(request: HttpRequest, code: str) -> HttpResponse:
    try:
        s = citizen.public_status(code)  # a problem, or a submission still in the queue
    except NotFound:
        return _not_found(request)
    response = render(request, "public/citizen_submitted.html", {"code": s.code})
    patch_cache_control(response, private=True, no_store=True)  # the sender's own page
    return response


@require_GET
def track(request: HttpRequest) -> HttpResponse:
    typed = request.GET.get("code", "")
    error = ""
    if typed:
        normal = intake.normal_code(typed[:100])
        if normal:
            return redirect("citizen:status", code=normal)
        error = _("A tracking code has 20 letters and digits, e.g. 7K3M-Q9XA-…; check what you typed.")
    response = render(request, "public/citizen_track.html", {"typed": typed[:100], "error": error})
    return response if error else _public(response)


@require_GET
def status(request: HttpRequest, code: str) -> HttpResponse:
    try:
        s = citizen.public_status(code)
    except NotFound:
        return _not_found(request)
    if s.code != code:
        return redirect("citizen:status", code=s.code)  # one address per problem, for the caches
    updates = [
        {
            "words": str(STEP_WORDS[u.step]).format(unit=u.unit or ""),
            "at": u.at,
            "original": u.original,
        }
        for u in s.updates
    ]
    context = {
        "s": s,
        "status_label": STATUS_WORDS[Status(s.status)],
        "progress": PROGRESS.get(Status(s.status), 0),
        "ended": s.status in (Status.CLOSED, Status.REJECTED),
        "updates": updates,
    }
    return _public(render(request, "public/citizen_status.html", context))


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


FIGURE_WORDS = {
    "received": pgettext_lazy("public figure", "Problems received"),
    "closed": pgettext_lazy("public figure", "Closed"),
    "solved_rate": pgettext_lazy("public figure", "Found solved"),
    "satisfaction_rate": pgettext_lazy("public figure", "Satisfaction"),
    "exposed": pgettext_lazy("public figure", "Hot issues exposed"),
}


def _ranking_rows(rows: list) -> list[dict]:
    return [
        {
            "rank": r.rank,
            "unit": r.unit.name,
            "response": _pct(r.response_rate),
            "resolution": _pct(r.resolution_rate),
            "satisfaction": _pct(r.satisfaction_rate),
            "score": "—" if r.score is None else f"{r.score:.1f}",
        }
        for r in rows
    ]


@require_GET
def portal(request: HttpRequest) -> HttpResponse:
    p = portal_data.cached()
    figures = []
    for key in p.shown:
        if key in FIGURE_WORDS:
            value = p.figures.get(key)
            shown = _pct(value) if key.endswith("_rate") else str(value)
            figures.append({"key": key, "label": str(FIGURE_WORDS[key]), "value": shown})
    hot = [
        {
            **vars(h),
            "status_label": STATUS_WORDS[Status(h.status)],
            "outcome_label": Outcome(h.outcome).label if h.outcome else "",
        }
        for h in p.hot
    ]
    context = {
        "figures": figures,
        "hot": hot,
        "month": p.month,
        "show_rankings": "rankings" in p.shown,
        "rankings": [
            {"id": "unit-rankings", "title": _("Rankings of units"), "rows": _ranking_rows(p.units)},
            {"id": "district-rankings", "title": _("Rankings of districts"), "rows": _ranking_rows(p.districts)},
        ],
    }
    return _public(render(request, "public/citizen_portal.html", context))


@require_GET
def language(request: HttpRequest, code: str) -> HttpResponse:
    """The language switch of the public pages: a link, so that the pages need no CSRF token (a cookie)."""
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("citizen:portal")
    response = HttpResponseRedirect(target)
    if code in {c for c, _name in settings.LANGUAGES}:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
    return response


urlpatterns = [
    path("", portal, name="portal"),
    path("report/", form, name="form"),
    path("report/sent/<str:code>/", submitted, name="submitted"),
    path("track/", track, name="track"),
    path("track/<str:code>/", status, name="status"),
    path("language/<str:code>/", language, name="language"),
]
