from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from luoshi.pages import Request
from luoshi.web.todo import COUNT_LIMIT, Item, todo_for


@dataclass(frozen=True)
class Card:
    """An item as the home page shows it: its date in words of its kind, and whether it is late."""

    item: Item
    when: str
    late: bool


# What an item's date means, by kind (see todo.Item.due).
WHEN = {
    "report_due": gettext_lazy("Due %(day)s"),
    "other_due": gettext_lazy("Due %(day)s"),
    "urge": gettext_lazy("Respond by %(day)s"),
    "order": gettext_lazy("Respond by %(day)s"),
    "completion_returned": gettext_lazy("Due %(day)s"),
    "extension_decided": gettext_lazy("Decided %(day)s"),
    "completion_request": gettext_lazy("Asked %(day)s"),
    "extension_request": gettext_lazy("Asked %(day)s"),
    "ready_to_close": gettext_lazy("Deadline %(day)s"),
    "red_list": gettext_lazy("Due %(day)s"),
    "talk_proposal": gettext_lazy("Proposed %(day)s"),
    "delivery_failed": gettext_lazy("Failed %(day)s"),
    "list": gettext_lazy("Due %(day)s"),
}
# Kinds whose date, once past, means the person is late.
LATE_KINDS = {"report_due", "urge", "order", "completion_returned", "list"}
# Where the whole of a capped section is.
MORE = {
    "report_due": "lists:inbox",
    "urge": "escalation:unit",
    "completion_returned": "lists:inbox",
    "red_list": "lists:index",
    "talk_proposal": "escalation:talks",
    "list": "lists:leader",
}


def _card(item: Item, today: date) -> Card:
    when = WHEN[item.kind] % {"day": item.due.isoformat()} if item.due else ""
    return Card(item, when, bool(item.due and item.due < today and item.kind in LATE_KINDS))


@login_required
@require_safe
def home(request: Request) -> HttpResponse:
    """The person's work (待办), phone first: each role's sections, red first, one tap to settle each."""
    today = timezone.localdate()
    todo = todo_for(request.user, today)
    sections = [
        {
            "kind": s.kind,
            "label": s.label,
            # a count that reached COUNT_LIMIT is a lower bound: "1000+"
            "count": f"{s.count}+" if s.count >= COUNT_LIMIT else s.count,
            "cards": [_card(item, today) for item in s.items],
            "more": s.count - len(s.items),
            "more_plus": s.count >= COUNT_LIMIT,
            "more_url": reverse(MORE[s.kind]) + ("?light=red" if s.kind == "red_list" else "")
            if s.kind in MORE
            else "",
        }
        for s in todo.sections
        if s.items
    ]
    context = {"todo": todo, "sections": sections, "today": today, "has_roles": bool(todo.counts)}
    return render(request, "web/home.html", context)


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico points at the static icon (which WhiteNoise serves), so no page logs a 404 for it."""
    return HttpResponsePermanentRedirect(static("luoshi/favicon.ico"))
