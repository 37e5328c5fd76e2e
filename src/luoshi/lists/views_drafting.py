"""Drafts from a text (the office's): paste a 批示 or minutes, or upload its .docx / PDF / .txt, "read" it into
an editable preview of the items (lists.drafting.reader), correct what is wrong, and "create drafts" stores
the document and all the kept items as drafts in one step (lists.drafting_services).

One form carries the whole page: the text stays in its box between "read" and "create" (an upload's text is
put there), so nothing waits in the session; the form's submission key makes a double click store once.
Reading has no side effects: "read again" of a document read before is a plain link.
"""

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRedirect

from luoshi.errors import InvalidInput, ServiceError
from luoshi.lists import drafting_services, drafting_upload
from luoshi.lists.drafting import Reading
from luoshi.lists.drafting_services import MAX_TEXT, DraftItem
from luoshi.lists.forms import SEARCH, PersonChoiceField, UnitChoiceField, UnitsChoiceField, leaders, units
from luoshi.lists.models import ListStatus, Source, SourceText
from luoshi.lists.views_import import BODY_SLACK, CappedUpload
from luoshi.org.models import Person
from luoshi.pages import CHOOSE, BootstrapMixin, DateInput, Request, office_only

TEMPLATE = "lists/drafting.html"
DOCUMENT_TEMPLATE = "lists/drafting_document.html"
HISTORY = 20
# Fields marked "not recognised" in the preview when the reader left them empty.
MARKED = ("leader", "lead_unit", "deadline")
MAX_NOTES = 20_000
# Each row posts a dozen fields and Django takes at most 1,000 (DATA_UPLOAD_MAX_NUMBER_FIELDS) in a request.
MAX_PAGE_ITEMS = 40
SHOWN = ("source", "leader", "lead_unit", "co_units", "deadline")  # fields whose evidence is shown


class DocumentForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Text of the instruction or minutes"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 10, "id": "drafting-text"}),
    )
    file = forms.FileField(
        label=gettext_lazy("Or upload it (.docx, text PDF, .txt)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": drafting_upload.ACCEPT, "id": "drafting-upload"}),
    )
    as_of = forms.DateField(label=gettext_lazy("Document date"), required=False, widget=DateInput())
    source = forms.ChoiceField(
        label=gettext_lazy("Source"), required=False, choices=[("", gettext_lazy("As read")), *Source.choices]
    )
    name = forms.CharField(max_length=drafting_services.MAX_NAME, required=False, widget=forms.HiddenInput)
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


@dataclass
class Choices:
    """The pickers' options, read once for every row of the preview (a constant number of queries)."""

    leader_ids: list[int]
    leader_choices: list[Any]
    unit_choices: list[Any]

    @classmethod
    def load(cls) -> "Choices":
        people = leaders()
        leader = PersonChoiceField(queryset=people, required=False, empty_label=_("— none —"))
        unit = UnitChoiceField(queryset=units(), empty_label=CHOOSE)
        unit_choices = list(cast(Iterable[Any], unit.choices))
        return cls([p.pk for p in people], list(cast(Iterable[Any], leader.choices)), unit_choices)


class ItemForm(BootstrapMixin, forms.Form):
    include = forms.BooleanField(label=gettext_lazy("Create"), required=False, initial=True)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    content = forms.CharField(
        label=gettext_lazy("Content and requirements"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    source = forms.ChoiceField(label=gettext_lazy("Source"), choices=Source.choices)
    leader = PersonChoiceField(
        label=gettext_lazy("Responsible leader"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=gettext_lazy("— none —"),
        widget=forms.Select(attrs=SEARCH),
    )
    lead_unit = UnitChoiceField(label=gettext_lazy("Lead unit"), queryset=units(), widget=forms.Select(attrs=SEARCH))
    co_units = UnitsChoiceField(
        label=gettext_lazy("Co-handling units"),
        queryset=units(),
        required=False,
        widget=forms.SelectMultiple(attrs={**SEARCH, "data-placeholder": gettext_lazy("Type to search…")}),
    )
    deadline = forms.DateField(label=gettext_lazy("Deadline"), widget=DateInput())
    report_every_days = forms.IntegerField(
        label=gettext_lazy("Report every (days)"), initial=30, min_value=1, max_value=366
    )
    excerpt = forms.CharField(required=False, max_length=drafting_services.MAX_EXCERPT, widget=forms.HiddenInput)
    notes = forms.CharField(required=False, max_length=MAX_NOTES, widget=forms.HiddenInput)

    def __init__(self, *args: Any, choices: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        leader = self.fields["leader"]
        assert isinstance(leader, PersonChoiceField)
        leader.queryset = Person.objects.filter(pk__in=choices.leader_ids)
        for name, options in (
            ("leader", choices.leader_choices),
            ("lead_unit", choices.unit_choices),
            ("co_units", choices.unit_choices[1:]),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = options  # rendered from the shared list; validated against the queryset

    @property
    def included(self) -> bool:
        if not self.is_bound:
            return True
        return self.fields["include"].widget.value_from_datadict(self.data, self.files, self.add_prefix("include"))

    @property
    def parsed_notes(self) -> dict[str, Any]:
        """The reading's evidence, unrecognised fields and flags, carried through a round trip for show."""
        raw = self["notes"].value() or ""
        try:
            notes = json.loads(raw) if raw else {}
        except ValueError:
            return {}
        if not isinstance(notes, dict):
            return {}
        evidence = notes.get("evidence")
        evidence = {str(k): str(v) for k, v in evidence.items()} if isinstance(evidence, dict) else {}
        evidence = {k: v for k, v in evidence.items() if k in SHOWN}  # a title's words are the text itself
        marked = [str(f) for f in notes.get("unrecognised", []) if f in MARKED] if isinstance(notes, dict) else []
        flags = [str(f) for f in notes.get("flags", [])] if isinstance(notes.get("flags"), list) else []
        return {"evidence": evidence, "unrecognised": marked, "flags": flags}

    def item(self) -> DraftItem:
        data = self.cleaned_data
        return DraftItem(
            title=data["title"],
            content=data["content"],
            source=data["source"],
            leader=data["leader"],
            lead_unit=data["lead_unit"],
            co_units=list(data["co_units"]),
            deadline=data["deadline"],
            report_every_days=data["report_every_days"],
            excerpt=data["excerpt"],
        )


ItemFormSet = forms.formset_factory(ItemForm, extra=0, max_num=MAX_PAGE_ITEMS, absolute_max=MAX_PAGE_ITEMS)
PREFIX = "items"


def _initial(reading: Reading) -> list[dict[str, Any]]:
    rows = []
    for p in reading.items:
        marked = [f for f in MARKED if getattr(p, f) in (None, []) and not p.confidence.get(f)]
        notes = {"evidence": p.evidence, "unrecognised": marked, "flags": p.flags}
        rows.append(
            {
                "include": True,
                "title": p.title[:200],
                "content": p.content,
                "source": p.source,
                "leader": p.leader,
                "lead_unit": p.lead_unit,
                "co_units": list(p.co_units),
                "deadline": p.deadline,
                "report_every_days": 30,
                "excerpt": p.excerpt,
                "notes": json.dumps(notes, ensure_ascii=False),
            }
        )
    return rows


def _history() -> list[SourceText]:
    """The office's recent documents, with how many lists each made (one query)."""
    return list(
        SourceText.objects.defer("text")
        .annotate(
            opening=Substr("text", 1, 60),
            list_count=Count("lists"),
            drafts=Count("lists", Q(lists__status=ListStatus.DRAFT)),
        )
        .select_related("created_by")
        .order_by("-pk")[:HISTORY]
    )


def _page(
    request: Request,
    form: DocumentForm,
    formset: Any = None,
    *,
    status: int = 200,
    error: str | None = None,
    reading: Reading | None = None,
) -> HttpResponse:
    rows = []
    if formset is not None:
        for f in formset.forms:
            notes = f.parsed_notes
            for name in notes["unrecognised"]:
                f.fields[name].widget.attrs["aria-describedby"] = f"{f[name].auto_id}_note"
            rows.append({"form": f, **notes, "asap": "deadline_asap" in notes["flags"]})
    context = {
        "form": form,
        "formset": formset,
        "rows": rows,
        "error": error,
        "reading": reading,
        "history": _history(),
        "max_text": MAX_TEXT,
    }
    return render(request, TEMPLATE, context, status=status)


@csrf_exempt  # checked by _post, once the capped upload handler is in place (as the Excel import)
@login_required
@require_http_methods(["GET", "POST"])
def from_text(request: Request) -> HttpResponse:
    office_only(request)
    if request.method == "GET":
        return _get(request)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    too_large = _("The file is larger than 5 MB.")
    if declared > drafting_upload.MAX_BYTES + 4 * MAX_TEXT + BODY_SLACK:
        return _page(request, DocumentForm(), status=400, error=too_large)
    capped = CappedUpload(request)
    handlers = request.upload_handlers
    assert isinstance(handlers, list)  # still a list: nothing has read the body yet
    handlers.insert(0, capped)
    return _post(request, capped)


def _get(request: Request) -> HttpResponse:
    key = uuid.uuid4().hex
    again = request.GET.get("again", "")
    if not again:
        return _page(request, DocumentForm(initial={"submission_key": key}))
    st = SourceText.objects.filter(pk=int(again)).first() if again.isdigit() and len(again) < 10 else None
    if st is None:
        return _page(request, DocumentForm(initial={"submission_key": key}), status=404, error=_("No such document."))
    form = DocumentForm(initial={"text": st.text, "name": st.name, "submission_key": key, "source": st.source})
    return _read(request, form, st.text, as_of=st.as_of, source=st.source, name=st.name, key=key)


@csrf_protect
def _post(request: Request, capped: CappedUpload) -> HttpResponse:
    form = DocumentForm(request.POST, request.FILES)
    if capped.too_large:
        return _page(request, DocumentForm(request.POST), status=400, error=_("The file is larger than 5 MB."))
    if not form.is_valid():
        return _page(request, form, status=400, error=_("Please correct the errors below."))
    data = form.cleaned_data
    if request.POST.get("action") == "create":
        return _create(request, form)
    text, name = data["text"], data["name"]
    if upload := data["file"]:
        try:
            text, name = drafting_upload.read_upload(upload.read(drafting_upload.MAX_BYTES + 1), upload.name or "")
        except InvalidInput as err:
            form.add_error("file", err.message)
            return _page(request, form, status=400, error=err.message)
    if not text.strip():
        form.add_error("text", _("Paste the text, or upload the document."))
        return _page(request, form, status=400, error=_("Paste the text, or upload the document."))
    key = data["submission_key"] or uuid.uuid4().hex
    shown = DocumentForm(
        initial={**{k: v for k, v in data.items() if k != "file"}, "text": text, "name": name, "submission_key": key}
    )
    return _read(request, shown, text, as_of=data["as_of"], source=data["source"] or None, name=name, key=key)


def _read(
    request: Request, form: DocumentForm, text: str, *, as_of: date | None, source: str | None, name: str, key: str
) -> HttpResponse:
    try:
        reading = drafting_services.read_text(request.user, text, as_of=as_of, source=source)
    except InvalidInput as err:
        return _page(request, form, status=400, error=err.message)
    form.initial.update({"as_of": reading.as_of, "source": reading.source, "name": name, "submission_key": key})
    if not reading.items:
        return _page(request, form, status=400, error=_("No items were found in this text."), reading=reading)
    if len(reading.items) > MAX_PAGE_ITEMS:
        error = _("The text holds %(n)d items; a preview takes at most %(max)d: split the document.") % {
            "n": len(reading.items),
            "max": MAX_PAGE_ITEMS,
        }
        return _page(request, form, status=400, error=error, reading=reading)
    formset = ItemFormSet(initial=_initial(reading), prefix=PREFIX, form_kwargs={"choices": Choices.load()})
    return _page(request, form, formset, reading=reading)


def _create(request: Request, form: DocumentForm) -> HttpResponse:
    data = form.cleaned_data
    formset = ItemFormSet(request.POST, prefix=PREFIX, form_kwargs={"choices": Choices.load()})
    if not formset.management_form.is_valid():
        return _page(request, form, status=400, error=_("The preview was damaged: read the text again."))
    kept = [f for f in formset.forms if f.included]
    bad = [f for f in kept if not f.is_valid()]
    if not kept or bad:
        error = _("Keep at least one item.") if not kept else _("Please correct the items marked below.")
        return _page(request, form, formset, status=400, error=error)
    if data["as_of"] is None or not data["source"]:
        error = _("Give the document's date and its source.")
        return _page(request, form, formset, status=400, error=error)
    try:
        st, lists, _created = drafting_services.do_create_drafts_from_text(
            request.user,
            text=data["text"],
            name=data["name"],
            source=data["source"],
            as_of=data["as_of"],
            items=[f.item() for f in kept],
            submission_key=data["submission_key"] or None,
        )
    except ServiceError as err:
        _show_on_item(err, kept)
        return _page(request, form, formset, status=err.status, error=err.message)
    count = len(lists)
    messages.success(
        request,
        ngettext(
            "%(count)d draft created from the text. Check it, then publish it.",
            "%(count)d drafts created from the text. Check them, then publish them.",
            count,
        )
        % {"count": count},
    )
    url = reverse("lists:from_text_document", args=[st.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _show_on_item(err: ServiceError, kept: list[ItemForm]) -> None:
    """A service's `items.N.field` on that row's field of the kept rows."""
    parts = (err.field or "").split(".")
    if len(parts) == 3 and parts[0] == "items" and parts[1].isdigit() and int(parts[1]) < len(kept):
        f = kept[int(parts[1])]
        if parts[2] in f.fields:
            f.add_error(parts[2], err.message)
            f.mark_invalid()


@login_required
@require_safe
def document(request: Request, source_text_id: int) -> HttpResponse:
    """A document read before: its text and the lists made from it, with links."""
    office_only(request)
    st = SourceText.objects.select_related("created_by").filter(pk=source_text_id).first()
    if st is None:
        raise Http404(_("No such document."))
    lists = list(st.lists.order_by("pk"))
    return render(request, DOCUMENT_TEMPLATE, {"st": st, "lists": lists, "today": timezone.localdate()})
