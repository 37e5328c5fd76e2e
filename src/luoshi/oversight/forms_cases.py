"""The web forms of the restricted cases. They only parse input; the rules live in oversight.cases and
oversight.cases_records. A new record's form carries a fresh submission key: posting it twice stores once."""

import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from luoshi.lists.forms import SEARCH, PersonChoiceField, UnitChoiceField, UnitsChoiceField, units
from luoshi.lists.models import ListStatus, ResponsibilityList
from luoshi.org.models import Person
from luoshi.oversight import forms_period as period
from luoshi.oversight.models import Finding, Incident, MeasureKind, ReasonKind, TalkKind, Violation
from luoshi.oversight.models_cases import PERSON_MEASURES, UNIT_MEASURES
from luoshi.oversight.queries_cases import TABS
from luoshi.pages import BootstrapMixin, DateInput

SEARCH_MANY = {**SEARCH, "size": 6, "data-placeholder": _("Type to search…")}


def new_key() -> str:
    return uuid.uuid4().hex


def people() -> QuerySet[Person]:
    return Person.objects.filter(is_active=True).select_related("unit").order_by("unit_id", "name", "pk")


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj} · {obj.unit.name}" if obj.unit else str(obj)


class PersonOfUnitField(PersonChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        where = " · ".join(x for x in (obj.unit.name if obj.unit else "", obj.title) if x)
        return f"{obj} · {where}" if where else str(obj)


class ListsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ResponsibilityList) -> str:
        return f"{obj.code or ''} {obj.title}".strip()


class FindingsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Finding) -> str:
        return f"{obj.code} {obj.description[:40]}"


class IncidentsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Incident) -> str:
        return f"{obj.title} ({obj.happened_on:%Y-%m-%d})"


class ViolationsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Violation) -> str:
        return f"{obj.person} · {obj.found_on:%Y-%m-%d} · {obj.description[:30]}"


def _lists() -> QuerySet[ResponsibilityList]:
    return ResponsibilityList.objects.exclude(status=ListStatus.DRAFT).only("pk", "code", "title").order_by("-pk")


class ReasonsMixin(forms.Form):
    """What the case cites, one picker per kind; `reasons()` gives them as (kind, id)."""

    lists = ListsField(
        label=_("Responsibility lists"),
        queryset=_lists(),
        required=False,
        widget=forms.SelectMultiple(attrs=SEARCH_MANY),
    )
    findings = FindingsField(
        label=_("Inspection findings"),
        queryset=Finding.objects.only("pk", "code", "description"),
        required=False,
        widget=forms.SelectMultiple(attrs=SEARCH_MANY),
    )
    incidents = IncidentsField(
        label=_("Incidents"),
        queryset=Incident.objects.only("pk", "title", "happened_on"),
        required=False,
        widget=forms.SelectMultiple(attrs=SEARCH_MANY),
    )
    REASON_FIELDS = {"lists": ReasonKind.LIST, "findings": ReasonKind.FINDING, "incidents": ReasonKind.INCIDENT}

    def reasons(self) -> list[tuple[str, int]]:
        data: dict[str, Any] = self.cleaned_data
        return [(str(kind), obj.pk) for name, kind in self.REASON_FIELDS.items() for obj in data.get(name) or ()]


class SubjectMixin(forms.Form):
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=units(),
        required=False,
        widget=forms.Select(attrs=SEARCH),
        help_text=_("The unit (its head), or the person's unit."),
    )
    person = PersonOfUnitField(
        label=_("Person"),
        queryset=people(),
        required=False,
        widget=forms.Select(attrs=SEARCH),
        help_text=_("Leave empty for the unit's head."),
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("unit") and not data.get("person") and "unit" not in self.errors:
            self.add_error("unit", _("Name the unit or the person."))
        return data


class TalkForm(BootstrapMixin, SubjectMixin, ReasonsMixin):
    kind = forms.ChoiceField(label=_("Kind"), choices=TalkKind.choices, initial=TalkKind.REMINDER)
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    talked_by = PersonOfUnitField(
        label=_("Talked by"), queryset=people(), required=False, widget=forms.Select(attrs=SEARCH)
    )
    record = forms.CharField(label=_("Record"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    followup = forms.CharField(
        label=_("Follow-up required"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the unit must report on; with a deadline, the unit owes the report as a duty."),
    )
    followup_deadline = forms.DateField(label=_("Follow-up by"), required=False, widget=DateInput())
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    field_order = ["kind", "unit", "person", "held_on", "talked_by", "record", "lists", "findings", "incidents"]


class IncidentForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("What happened"), max_length=200)
    happened_on = forms.DateField(label=_("Happened on"), widget=DateInput())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    units = UnitsChoiceField(
        label=_("Units involved"), queryset=units(), required=False, widget=forms.SelectMultiple(attrs=SEARCH_MANY)
    )
    people = PeopleChoiceField(
        label=_("People involved"), queryset=people(), required=False, widget=forms.SelectMultiple(attrs=SEARCH_MANY)
    )
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


class ViolationForm(BootstrapMixin, forms.Form):
    person = PersonOfUnitField(label=_("Person"), queryset=people(), widget=forms.Select(attrs=SEARCH))
    unit = UnitChoiceField(
        label=_("Unit"),
        queryset=units(),
        required=False,
        widget=forms.Select(attrs=SEARCH),
        help_text=_("Where the person served, if not the person's present unit."),
    )
    found_on = forms.DateField(label=_("Found on"), widget=DateInput())
    description = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 4}))
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one input (the dossier's documents); checked by files.check_uploads."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list:
        items = data if isinstance(data, list | tuple) else [data] if data else []
        if self.required and not items:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(FilesField, self).clean(item, initial) for item in items]


MEASURE_CHOICES = [(m, MeasureKind(m).label) for m in dict.fromkeys((*UNIT_MEASURES, *PERSON_MEASURES))]


class AccountabilityForm(BootstrapMixin, SubjectMixin, ReasonsMixin):
    measures = forms.MultipleChoiceField(
        label=_("Measures"),
        choices=MEASURE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "For a unit: self-examination, notice, reorganisation. For a person: notice, admonition, "
            "organisational handling, a Party or government sanction."
        ),
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    body = forms.CharField(label=_("Deciding body"), max_length=100)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    public = forms.BooleanField(label=_("Made public"), required=False)
    violations = ViolationsField(
        label=_("Violations"),
        queryset=Violation.objects.select_related("person"),
        required=False,
        widget=forms.SelectMultiple(attrs=SEARCH_MANY),
    )
    documents = FilesField(label=_("Dossier"), required=False, help_text=_("Images or PDFs; at most 9 at once."))
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    REASON_FIELDS = {**ReasonsMixin.REASON_FIELDS, "violations": ReasonKind.VIOLATION}
    field_order = ["unit", "person", "measures", "decided_on", "body", "summary", "public"]


class DossierForm(BootstrapMixin, forms.Form):
    documents = FilesField(label=_("Add to the dossier"), help_text=_("Images or PDFs; at most 9 at once."))


class FollowupReportForm(BootstrapMixin, forms.Form):
    done = forms.CharField(label=_("Follow-up report"), widget=forms.Textarea(attrs={"rows": 4}))
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


class DecideForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("return", _("Return"))], widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for returning"), required=False, widget=forms.TextInput)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("decision") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say what is still missing."))
        return data


class CaseFilterForm(BootstrapMixin, forms.Form):
    tab = forms.ChoiceField(choices=[(t, t) for t in TABS], required=False, widget=forms.HiddenInput)
    unit = UnitChoiceField(
        label=_("Unit"), queryset=units(), required=False, empty_label=_("All units"), widget=forms.Select(attrs=SEARCH)
    )
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind of talk"), choices=[("", _("All")), *TalkKind.choices], required=False)
    # The cockpit's drill-downs: `from`/`to` for start/end; a leader's supervised units' cases.
    leader = period.leader_field()

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(period.remap(self, data, "start", "end"), *args, **kwargs)
        period.name_errors(self)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The period ends before it begins."))
        return data
