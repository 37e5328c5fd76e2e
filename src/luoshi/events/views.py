"""The auditor's pages under /audit/: the trail (filters, pages), one event, the chain's verification
and the export (CSV, XLSX). Nobody else may open them (403), the administrators included (三员分立);
nothing here edits or deletes an event."""

import json
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events import exports, trail
from luoshi.events.models import Anchor, Event
from luoshi.org.models import Person
from luoshi.pages import BootstrapMixin, DateInput, Request, form_errors, paginate

ANCHORS_SHOWN = 50


def auditor_only(request: Request) -> None:
    try:
        trail.check_auditor(request.user)
    except NotAllowed as e:
        raise PermissionDenied(e.message) from None


class TrailForm(BootstrapMixin, forms.Form):
    """The filters, named as the API names them (`from`, `to`, `actor`, `kind`). The actor is a person's
    id or username; dates are days in Beijing time (an ISO time typed in the address works too)."""

    actor = forms.CharField(label=gettext_lazy("Actor (username or id)"), required=False, max_length=150)
    kind = forms.CharField(label=gettext_lazy("Kind (or its beginning)"), required=False, max_length=trail.KIND_MAX)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in (("from", gettext_lazy("From")), ("to", gettext_lazy("To"))):
            self.fields[name] = forms.CharField(
                label=label, required=False, max_length=trail.MOMENT_MAX, widget=DateInput()
            )
            self.fields[name].widget.attrs["class"] = "form-control"
        self.order_fields(["from", "to", "actor", "kind"])
        self.filters = trail.TrailFilters()
        self.actor_person: Person | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            actor = self._actor(data.get("actor") or "")
            self.filters = trail.parse(data.get("from"), data.get("to"), actor, data.get("kind"))
        except InvalidInput as e:
            self.add_error(e.field if e.field in self.fields else None, e.message)
        return data

    def _actor(self, raw: str) -> int | None:
        if not raw:
            return None
        if raw.isdigit():
            actor = int(raw)
            trail.check_actor(actor)
            self.actor_person = Person.objects.filter(pk=actor).first()
            return actor
        self.actor_person = Person.objects.filter(username=raw).first()
        if self.actor_person is None:
            raise InvalidInput(_("No such person."), "actor")
        return self.actor_person.pk


def _form(request: Request) -> TrailForm:
    auditor_only(request)
    form = TrailForm(request.GET)
    form.is_valid()
    return form


@login_required
@require_safe
def trail_page(request: Request) -> HttpResponse:
    """The trail, newest first, a page at a time: a fixed number of queries."""
    form = _form(request)
    if form.errors:
        return render(request, "events/trail.html", {"form": form}, status=400)
    page = paginate(trail.events(form.filters).select_related("actor"), request.GET.get("page"))
    return render(request, "events/trail.html", {"form": form, "page": page, "actor": form.actor_person})


def _lines(values: dict[str, Any]) -> list[tuple[str, str]]:
    """An event's before or after as "key: value" lines; nested values as compact JSON."""
    return [
        (str(key), value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        for key, value in sorted(values.items())
    ]


@login_required
@require_safe
def event_page(request: Request, event_id: int) -> HttpResponse:
    auditor_only(request)
    event = get_object_or_404(Event.objects.select_related("actor", "unit"), pk=event_id)
    context = {
        "event": event,
        "before": _lines(event.before or {}),
        "after": _lines(event.after or {}),
    }
    return render(request, "events/event.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify_page(request: Request) -> HttpResponse:
    """GET: the stored anchors and the button; POST: runs the verification (an event) and shows its result."""
    auditor_only(request)
    verification = trail.do_verify(request.user) if request.method == "POST" else None
    context = {
        "verification": verification,
        "anchors": list(Anchor.objects.order_by("-seq")[:ANCHORS_SHOWN]),
        "anchor_count": Anchor.objects.count(),
    }
    return render(request, "events/verify.html", context)


@login_required
@require_safe
def export(request: Request, fmt: str) -> HttpResponseBase:
    """The filtered trail as CSV (UTF-8 with BOM) or XLSX; the export itself is an event."""
    if fmt not in ("csv", "xlsx"):
        raise Http404(_("Exports are CSV or XLSX."))
    form = _form(request)
    if form.errors:
        return HttpResponse("\n".join(form_errors(form)) + "\n", status=400, content_type="text/plain; charset=utf-8")
    trail.do_record_export(request.user, form.filters, fmt)
    return exports.as_csv(form.filters) if fmt == "csv" else exports.as_xlsx(form.filters)
