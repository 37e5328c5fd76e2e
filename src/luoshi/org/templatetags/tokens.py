"""`{% load tokens %}{% tokens_panel %}`: the signed-in person's API tokens, a form for a new one and revoke
buttons, for his own account page (and /account/tokens/)."""

from typing import Any

from django import template
from django.conf import settings

from luoshi.org.tokens import NAME_MAX, tokens_of

register = template.Library()


@register.inclusion_tag("org/tokens_panel.html", takes_context=True)
def tokens_panel(context: template.Context) -> dict[str, Any]:
    request = context["request"]
    now_tokens = list(tokens_of(request.user))
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "tokens": [(t, t.state()) for t in now_tokens],
        "max_days": settings.LUOSHI_TOKEN_DAYS,
        "name_max": NAME_MAX,
        "token_error": context.get("token_error"),
        "token_field": context.get("token_field"),
        "token_name": context.get("token_name", ""),
        "token_days": context.get("token_days", ""),
    }
