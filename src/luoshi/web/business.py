"""The business pages (lists, duties, escalations, notices, league) refuse the system and security
administrators and the auditor (三员分立): each view of an included URL module is wrapped with the check."""

from collections.abc import Callable, Iterable
from functools import wraps
from importlib import import_module
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern
from django.utils.translation import gettext as _

from luoshi.org import access


def business_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)  # keeps csrf_exempt and the like
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if user.is_authenticated and access.kept_from_business(user):
            raise PermissionDenied(_("The administrators and the auditor see no business data."))
        return view(request, *args, **kwargs)

    return guarded


def business_only(module_name: str, *, except_names: Iterable[str] = ()) -> tuple[list[Any], str]:
    """For include(): the module's URL patterns, each view guarded but those named in except_names (e.g. the
    system administrator's settings pages that live beside the business)."""
    module = import_module(module_name)
    exempt = set(except_names)
    patterns = [
        URLPattern(p.pattern, business_view(p.callback), p.default_args, p.name)
        if isinstance(p, URLPattern) and p.name not in exempt
        else p
        for p in module.urlpatterns
    ]
    return patterns, module.app_name
