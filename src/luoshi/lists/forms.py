"""The web forms of the list pages. They only parse input; the rules live in lists.services."""

import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from luoshi.lists.models import Source
from luoshi.org.models import Person, Role, Unit, UnitKind
from luoshi.pages import CHOOSE, BootstrapMixin, DateInput


def leaders() -> QuerySet[Person]:
    """Active people with the leader role (roles is a JSON list, filtered in Python to stay portable)."""
    people = Person.objects.filter(is_active=True).only("pk", "roles", "is_superuser")  # has_role reads both
    ids = [p.pk for p in people if p.has_role(Role.LEADER)]
    return Person.objects.filter(pk__in=ids).order_by("name", "username")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj} · {obj.title}" if obj.title else str(obj)


# Handling units in the order an office thinks of them; the general offices last, as they rarely handle work.
UNIT_GROUPS = (
    (UnitKind.DEPARTMENT, _("City departments")),
    (UnitKind.DISTRICT, _("Districts and counties")),
    (UnitKind.TOWN, _("Towns and streets")),
    (UnitKind.OFFICE, _("General offices")),
)


class GroupedUnits(ModelChoiceIterator):
    """Units as option groups by kind; a town is named with its district, which a search also finds."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        units = list(self.queryset)
        for kind, label in UNIT_GROUPS:
            members = sorted((u for u in units if u.kind == kind), key=lambda u: (u.parent_id or 0, u.pk))
            if members:
                yield (label, [self.choice(u) for u in members])
        known = {kind for kind, _label in UNIT_GROUPS}
        if others := [u for u in units if u.kind not in known]:
            yield (_("Other units"), [self.choice(u) for u in others])


class AliasOptions:
    """A unit's option carries its short names (data-aliases), which the searchable picker also searches
    (static/luoshi/search-select.js): typing 工业和信息化 finds 市工信委."""

    def create_option(self, name: str, value: Any, label: Any, selected: Any, index: int, *args: Any, **kwargs: Any):
        option = super().create_option(name, value, label, selected, index, *args, **kwargs)  # type: ignore[misc]
        unit = getattr(value, "instance", None)
        if isinstance(unit, Unit) and unit.aliases:
            option["attrs"]["data-aliases"] = " ".join(unit.aliases)
        return option


class UnitSelect(AliasOptions, forms.Select):
    pass


class UnitSelectMultiple(AliasOptions, forms.SelectMultiple):
    pass


def _alias_options(widget: forms.Widget) -> None:
    """The forms give plain Select widgets (with their attrs): these become their alias-carrying kind."""
    if type(widget) is forms.Select:
        widget.__class__ = UnitSelect
    elif type(widget) is forms.SelectMultiple:
        widget.__class__ = UnitSelectMultiple


class UnitChoiceField(forms.ModelChoiceField):
    iterator = GroupedUnits

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _alias_options(self.widget)

    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} · {obj.parent.name}" if obj.kind == UnitKind.TOWN and obj.parent else obj.name


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    iterator = GroupedUnits
    label_from_instance = UnitChoiceField.label_from_instance

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _alias_options(self.widget)


def units() -> QuerySet[Unit]:
    return Unit.objects.select_related("parent").order_by("id")


# Enhanced by static/luoshi/search-select.js into a searchable picker; a plain select without JavaScript.
SEARCH = {"data-search": ""}


class ListForm(BootstrapMixin, forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=[("", CHOOSE), *Source.choices])
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(
        label=_("Content and requirements"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    leader = PersonChoiceField(
        label=_("Responsible leader"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("— none —"),
        widget=forms.Select(attrs=SEARCH),
    )
    lead_unit = UnitChoiceField(label=_("Lead unit"), queryset=units(), widget=forms.Select(attrs=SEARCH))
    co_units = UnitsChoiceField(
        label=_("Co-handling units"),
        queryset=units(),
        required=False,
        widget=forms.SelectMultiple(attrs={**SEARCH, "size": 8, "data-placeholder": _("Type to search…")}),
        help_text=_("Type part of a name to find a unit; pick as many as needed."),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    report_every_days = forms.IntegerField(
        label=_("Report every (days)"),
        initial=30,
        min_value=1,
        max_value=366,
        help_text=_("Each handling unit reports directly to the office on this cadence."),
    )
    # A new draft's form carries a fresh key: posting it twice stores one draft.
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        leader = self.fields["leader"]
        assert isinstance(leader, PersonChoiceField)
        leader.queryset = leaders()

    @staticmethod
    def new_key() -> str:
        return uuid.uuid4().hex


class MilestoneForm(BootstrapMixin, forms.Form):
    due_date = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    title = forms.CharField(label=_("Milestone"), max_length=200, required=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("due_date") and not (data.get("title") or "").strip():
            self.add_error("title", _("Every milestone needs a title."))
        if (data.get("title") or "").strip() and not data.get("due_date") and "due_date" not in self.errors:
            self.add_error("due_date", _("Give the milestone a date."))
        return data


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=4, max_num=20, absolute_max=20)


class UnitForm(forms.Form):
    """Names the handling unit an action is about."""

    unit = forms.IntegerField(widget=forms.HiddenInput)


class ReportForm(BootstrapMixin, UnitForm):
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    done = forms.CharField(label=_("Work done"), widget=forms.Textarea(attrs={"rows": 3}))
    difficulties = forms.CharField(
        label=_("Difficulties"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Problems you hit and help you need, e.g. funds, land, approvals."),
    )
    next_steps = forms.CharField(label=_("Next steps"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    request_completion = forms.BooleanField(
        label=_("The work is finished: ask the office to accept completion"),
        required=False,
        help_text=_("Needs progress 100. Reporting ends once the office accepts."),
    )

    @staticmethod
    def new_key() -> str:
        return uuid.uuid4().hex


class ExtensionForm(BootstrapMixin, UnitForm):
    new_deadline = forms.DateField(label=_("New deadline"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(BootstrapMixin, UnitForm):
    reason = forms.CharField(
        label=_("Reason for returning"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Say what is still missing; the unit keeps working and reporting."),
    )


class DecideExtensionForm(BootstrapMixin, forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("yes", _("Approve")), ("no", _("Refuse"))], coerce=lambda v: v == "yes", widget=forms.HiddenInput
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.TextInput)
