"""Template tags of the shell: the navbar's links, marked when they lead to the page shown."""

from dataclasses import dataclass

from django import template
from django.http import HttpRequest
from django.urls import NoReverseMatch, Resolver404, get_script_prefix, resolve, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from luoshi.org import access
from luoshi.org.models import Person, Role

register = template.Library()


@dataclass(frozen=True)
class Menu:
    """What the navbar offers a person: each role sees the pages where it has work, and no empty ones."""

    office: bool  # steers lists, urges units: the supervision office
    lead: bool  # a leader: his lists and the supervision orders on them
    unit: bool  # a unit's liaison or head: the unit's work and what was urged on it
    admin: bool  # the system administrator: units, people, settings (no business: 三员分立)
    business: bool = True  # lists, overview, league, inbox: not for the administrators and the auditor
    security: bool = False  # the security administrator: people's roles, lockouts
    audit_url: str | None = None  # the auditor's trail, once its pages are installed
    cases: bool = False  # the restricted cases (约谈问责): the office, the discipline role, unit heads
    case_officer: bool = False  # inspections' campaigns and 登台剖析: the office and the discipline role
    personnel: bool = False  # postings and selection rounds (赛场选马): the office and the organisation role
    cockpit: bool = False  # the leaders' screen and the year in figures: the office and the leaders


def _audit_url() -> str | None:
    for name in ("audit:index", "audit:trail"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def menu_for(person: Person) -> Menu:
    return Menu(
        office=person.is_office,
        lead=person.has_role(Role.LEADER),
        unit=bool(person.unit_id) and person.has_role(Role.LIAISON, Role.UNIT_HEAD),
        admin=access.can_manage_org(person),
        business=not access.kept_from_business(person),
        security=access.can_manage_security(person),
        audit_url=_audit_url() if access.can_audit(person) else None,
        cases=person.has_role(Role.OFFICE, Role.DISCIPLINE, Role.UNIT_HEAD),
        case_officer=person.has_role(Role.OFFICE, Role.DISCIPLINE),
        personnel=person.has_role(Role.OFFICE, Role.ORGANISATION),
        cockpit=person.has_role(Role.OFFICE, Role.LEADER),
    )


@register.simple_tag
def nav_menu(person: Person) -> Menu:
    return menu_for(person)


def _here(context: template.Context) -> str:
    request: HttpRequest | None = context.get("request")
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


@register.simple_tag(takes_context=True)
def nav_link(context: template.Context, view_name: str, label: str, dropdown: bool = False) -> SafeString:
    """An item of the navbar (or of one of its dropdowns), marked as the current page where it is."""
    css = "dropdown-item" if dropdown else "nav-link"
    current = view_name == _here(context)
    link = format_html(
        '<a class="{}{}" href="{}"{}>{}</a>',
        css,
        " active" if current else "",
        reverse(view_name),
        mark_safe(' aria-current="page"') if current else "",
        label,
    )
    return format_html("<li{}>{}</li>", "" if dropdown else mark_safe(' class="nav-item"'), link)


@register.simple_tag(takes_context=True)
def nav_toggle(context: template.Context, label: str, *view_names: str) -> SafeString:
    """A dropdown's toggle, marked active when one of its items is the page shown."""
    active = " active" if _here(context) in view_names else ""
    return format_html(
        '<a class="nav-link dropdown-toggle{}" href="#" role="button" data-bs-toggle="dropdown" '
        'aria-expanded="false">{}</a>',
        active,
        label,
    )


@register.simple_tag(takes_context=True)
def page_above(context: template.Context) -> str:
    """The nearest page above the address shown (/lists/146/report → /lists/146/): where "back" leads."""
    request: HttpRequest | None = context.get("request")
    path = request.path_info if request is not None else "/"
    while path.strip("/") and not path.startswith("/api/"):
        path = path.rstrip("/").rsplit("/", 1)[0] + "/"
        try:
            match = resolve(path)
        except Resolver404:
            continue
        if match.url_name not in {"logout", "favicon"}:
            return get_script_prefix().rstrip("/") + path
    return reverse("home")
