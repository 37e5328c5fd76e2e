from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from luoshi.pages import Request


@login_required
def home(request: Request) -> HttpResponse:
    """Each role lands where its work is: the office on the index, a unit on its inbox."""
    user = request.user
    if user.is_office:
        return redirect("lists:index")
    if user.has_role("leader"):
        return redirect("lists:leader")
    if user.unit_id:
        return redirect("lists:inbox")
    return redirect("lists:index")


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico points at the static icon (which WhiteNoise serves), so no page logs a 404 for it."""
    return HttpResponsePermanentRedirect(static("luoshi/favicon.ico"))
