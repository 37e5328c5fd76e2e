"""/account/tokens/: one's own API tokens (the panel of the account page, on a page of its own), a new one
(shown once, on the answer to the form: never stored, never in an address) and revoking one."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from luoshi.errors import InvalidInput, ServiceError
from luoshi.org import tokens
from luoshi.pages import Request
from luoshi.schemas import MAX_ID


@login_required
@require_GET
def index(request: Request) -> HttpResponse:
    return render(request, "org/tokens.html")


@never_cache  # the answer shows the token: no cache keeps it
@login_required
@require_POST
def create(request: Request) -> HttpResponse:
    """Each submission issues one token (a second click is a second token, both listed and revocable)."""
    name = request.POST.get("name", "")
    raw_days = request.POST.get("days", "").strip()
    context: dict[str, object] = {"token_name": name, "token_days": raw_days}
    try:
        if raw_days and not (raw_days.isascii() and raw_days.isdigit() and len(raw_days) <= 6):
            raise InvalidInput(_("A number of days, please."), "days")
        token, raw = tokens.issue_row(
            request.user, actor=request.user, name=name, days=int(raw_days) if raw_days else None
        )
    except ServiceError as e:
        context |= {"token_error": e.message, "token_field": e.field}
        return render(request, "org/tokens.html", context, status=e.status)
    return render(request, "org/tokens.html", {"new_token": raw, "new_token_row": token})


@login_required
@require_POST
def revoke(request: Request, token_id: int) -> HttpResponse:
    """One's own token; another person's is not found. Revoking twice is revoking once."""
    token = tokens.tokens_of(request.user).filter(pk=min(token_id, MAX_ID)).select_related("person").first()
    if token is None:
        raise Http404(_("No such token."))
    tokens.revoke(token, actor=request.user, reason="owner")
    target = request.POST.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if target and safe else "tokens:index")
