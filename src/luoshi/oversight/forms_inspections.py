"""The web forms of inspections and findings. They only parse input; the rules live in
oversight.inspections and oversight.findings. A new record's form carries a fresh submission key:
posting it twice stores once."""

import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from luoshi.lists.forms import SEARCH, UnitChoiceField, UnitsChoiceField, units
from luoshi.org.models import Person, Unit, UnitKind
from luoshi.oversight import forms_period as period
from luoshi.oversight.models import FindingCategory, FindingStatus, Inspection, Method, Severity
from luoshi.pages import CHOOSE, BootstrapMixin, DateInput
from luoshi.schemas import MAX_ID

SEARCH_MANY = {**SEARCH, "size": 6, "data-placeholder": _("Type to search…")}
EVIDENCE_HELP = _("Photos (JPEG, PNG) or PDFs, at most 9 at once.")


def new_key() -> str:
    return uuid.uuid4().hex


def people() -> QuerySet[Person]:
    return Person.objects.filter(is_active=True).select_related("unit").order_by("unit_id", "name", "pk")


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj} · {obj.unit.name}" if obj.unit else str(obj)


class PeopleField(forms.ModelMultipleChoiceField):
    label_from_instance = PersonField.label_from_instance


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one input; checked by files.check_uploads (size, type, content)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list:
        items = data if isinstance(data, list | tuple) else [data] if data else []
        if self.required and not items:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(FilesField, self).clean(item, initial) for item in items]


def photo_input() -> MultipleFileInput:
    """A phone offers its camera and its photos (no `capture`: it would allow the camera only); PDFs may
    still be chosen."""
    return MultipleFileInput(attrs={"accept": "image/*,application/pdf"})


class InspectionForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    leader = PersonField(label=_("Team leader"), queryset=people(), widget=forms.Select(attrs=SEARCH))
    members = PeopleField(
        label=_("Team members"), queryset=people(), required=False, widget=forms.SelectMultiple(attrs=SEARCH_MANY)
    )
    team_units = UnitsChoiceField(
        label=_("Team units"), queryset=units(), required=False, widget=forms.SelectMultiple(attrs=SEARCH_MANY)
    )
    period_from = forms.DateField(label=_("From"), widget=DateInput)
    period_to = forms.DateField(label=_("To"), widget=DateInput)
    methods = forms.MultipleChoiceField(label=_("Methods"), choices=Method.choices, widget=forms.CheckboxSelectMultiple)
    units = UnitsChoiceField(
        label=_("Units inspected"),
        queryset=units(),
        required=False,
        widget=forms.SelectMultiple(attrs=SEARCH_MANY),
        help_text=_("Name the units now; more can be drawn at random on the inspection's page."),
    )
    scope = forms.CharField(label=_("Scope"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["methods"].widget.attrs["class"] = "form-check-input"


DRAW_FROM = [
    ("units", _("The units chosen below")),
    (UnitKind.DEPARTMENT, _("Every city department")),
    (UnitKind.DISTRICT, _("Every district and county")),
    (UnitKind.TOWN, _("Every town and street")),
]


class DrawForm(BootstrapMixin, forms.Form):
    draw_from = forms.ChoiceField(label=_("Draw from"), choices=DRAW_FROM)
    parent = UnitChoiceField(
        label=_("Only under"),
        queryset=Unit.objects.filter(kind=UnitKind.DISTRICT).order_by("id"),
        required=False,
        help_text=_("For towns and streets: those of one district or county."),
    )
    scope_units = UnitsChoiceField(
        label=_("Units"), queryset=units(), required=False, widget=forms.SelectMultiple(attrs=SEARCH_MANY)
    )
    count = forms.IntegerField(label=_("How many"), min_value=1, max_value=500)
    seed = forms.CharField(
        label=_("Seed"),
        max_length=64,
        required=False,
        help_text=_("Empty: a fresh seed is made. Anyone with the seed and the candidates can draw again."),
    )
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: FindingCategory) -> str:
        return obj.name


class FindingForm(BootstrapMixin, forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    category = CategoryChoiceField(label=_("Problem category"), queryset=FindingCategory.objects.filter(active=True))
    severity = forms.ChoiceField(label=_("Severity"), choices=[("", CHOOSE), *Severity.choices])
    description = forms.CharField(label=_("Problem"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    requirement = forms.CharField(
        label=_("Rectification requirement"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput)
    found_on = forms.DateField(label=_("Date found"), required=False, widget=DateInput, help_text=_("Today if empty."))
    evidence = FilesField(label=_("Evidence"), required=False, widget=photo_input(), help_text=EVIDENCE_HELP)
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, inspection: Inspection, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inspected = Unit.objects.filter(pk__in=inspection.inspected.values("unit_id")).select_related("parent")
        self.fields["unit"].queryset = inspected.order_by("id")  # type: ignore[attr-defined]


class RectifyReportForm(BootstrapMixin, forms.Form):
    done = forms.CharField(label=_("Rectification done"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 4}))
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    difficulties = forms.CharField(
        label=_("Difficulties"), max_length=20_000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_steps = forms.CharField(
        label=_("Next steps"), max_length=20_000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = FilesField(label=_("Photos or documents"), required=False, widget=photo_input(), help_text=EVIDENCE_HELP)
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


class VerifyForm(BootstrapMixin, forms.Form):
    verdict = forms.ChoiceField(
        choices=[("passed", _("Passed")), ("failed", _("Not passed"))], widget=forms.HiddenInput
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when not passed: what is not yet rectified."),
    )
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


class ExtensionForm(BootstrapMixin, forms.Form):
    new_deadline = forms.DateField(label=_("New deadline"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class DecideExtensionForm(BootstrapMixin, forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Refuse"))], coerce=lambda v: v == "1", widget=forms.HiddenInput
    )
    note = forms.CharField(label=_("Note"), max_length=5000, required=False)


class CategoryForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40)
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


class CategoryEditForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=40)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=1000)
    active = forms.BooleanField(label=_("In use"), required=False)


class FindingFilterForm(BootstrapMixin, forms.Form):
    inspection = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    unit = UnitChoiceField(label=_("Unit"), queryset=units(), required=False, widget=forms.Select(attrs=SEARCH))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *FindingStatus.choices])
    category = CategoryChoiceField(label=_("Problem category"), queryset=FindingCategory.objects.all(), required=False)
    severity = forms.ChoiceField(label=_("Severity"), required=False, choices=[("", _("Any")), *Severity.choices])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    # The cockpit's drill-downs: found from … to (`from`/`to`), a leader's supervised units' findings.
    found_from = forms.DateField(label=_("Found from"), required=False, widget=DateInput())
    found_to = forms.DateField(label=_("Found to"), required=False, widget=DateInput())
    leader = period.leader_field()

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(period.remap(self, data, "found_from", "found_to"), *args, **kwargs)
        period.name_errors(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        period.check_order(self, data, "found_from", "found_to")
        return data


class InspectionFilterForm(BootstrapMixin, forms.Form):
    """The campaigns' index: those whose period overlaps from … to, those that inspected a unit the leader
    supervises; `show=units` lists the distinct units inspected instead of the campaigns."""

    period_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    period_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    leader = period.leader_field()
    show = forms.ChoiceField(
        required=False,
        choices=[("", _("Inspections")), ("units", _("Units inspected"))],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("“show”: give units, or nothing.")},
    )

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(period.remap(self, data, "period_from", "period_to"), *args, **kwargs)
        period.name_errors(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        period.check_order(self, data, "period_from", "period_to")
        return data
