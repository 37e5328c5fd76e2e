"""`{% may_open_notice unit_id list_leader_id as ok %}`: may the signed-in person open the notices of
that unit on that list? Pages that show other units' steps (the loop's timeline) link only those."""

from django import template

from luoshi.duties.queries import EscalationScope, escalation_scope

register = template.Library()


@register.simple_tag(takes_context=True)
def may_open_notice(context: template.Context, unit_id: int | None, list_leader_id: int | None) -> bool:
    request = context.get("request")
    user = getattr(request, "user", None)
    if unit_id is None or user is None or not user.is_authenticated:
        return False
    scope: EscalationScope | None = getattr(request, "_escalation_scope", None)
    if scope is None:  # once per request, however many steps the page shows
        scope = escalation_scope(user)
        request._escalation_scope = scope  # type: ignore[union-attr]
    return scope.may_see(unit_id, list_leader_id)


@register.filter
def duty_url(duty) -> str:
    """The page of the duty's owner (a list's loop page …), from the owners' registry."""
    from luoshi.duties import owners

    return owners.url_of(duty) if duty is not None else ""
