"""The request's client address, for the events recorded while it is served (events.services.record)."""

import ipaddress
from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_address: ContextVar[str | None] = ContextVar("luoshi_request_address", default=None)


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or with LUOSHI_PROXY_COUNT proxies in front, the address the outermost one saw."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "LUOSHI_PROXY_COUNT", 0)
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        if len(hops) >= proxies:
            address = hops[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def current_address() -> str | None:
    return _address.get()


class RequestContext:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _address.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            _address.reset(token)
