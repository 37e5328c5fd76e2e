"""`{% load two_factor %}{% two_factor_panel %}`: whether the signed-in person's two factors are on, with the
forms to renew the recovery codes and to remove (and enrol again), for his account page."""

from typing import Any

from django import template

from luoshi.org import two_factor

register = template.Library()


@register.inclusion_tag("org/two_factor/panel.html", takes_context=True)
def two_factor_panel(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "status": two_factor.status_of(request.user),
        "error": context.get("two_factor_error"),
        "form": context.get("two_factor_form"),
    }
