"""The web forms of the rates, programmes and settings pages. They only parse input; the rules live in
rates.py, programmes.py and categories.py. A new record's form carries a fresh submission key."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.lists.forms import SEARCH, UnitsChoiceField, units
from luoshi.pages import BootstrapMixin, DateInput
from luoshi.public import categories, programmes
from luoshi.public.models import Programme


def new_key() -> str:
    return uuid.uuid4().hex


class MonthForm(BootstrapMixin, forms.Form):
    month = forms.CharField(
        label=_("Month"), max_length=7, required=False, widget=forms.TextInput(attrs={"type": "month"})
    )


class ProgrammeForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Programme.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=programmes.NAME_MAX)
    description = forms.CharField(
        label=_("Description"),
        max_length=programmes.DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


class EpisodeForm(BootstrapMixin, forms.Form):
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=programmes.NUMBER_MAX)
    aired_on = forms.DateField(label=_("Aired on"), widget=DateInput())
    title = forms.CharField(label=_("Title"), max_length=programmes.TITLE_MAX)
    units = UnitsChoiceField(
        label=_("Units on air"), queryset=units(), required=False, widget=forms.SelectMultiple(attrs=SEARCH)
    )
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


class CategoryLevelsForm(BootstrapMixin, forms.Form):
    respond_hours = forms.IntegerField(label=_("Sign for within (hours)"), min_value=1, max_value=168)
    urgent_respond_hours = forms.IntegerField(label=_("Urgent: sign for within (hours)"), min_value=1, max_value=48)
    resolve_workdays = forms.IntegerField(label=_("Resolve within (working days)"), min_value=1, max_value=120)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    active = forms.BooleanField(label=_("In use"), required=False)


class CategoryNewForm(CategoryLevelsForm):
    name = forms.CharField(label=_("Name"), max_length=categories.NAME_MAX)
    code = forms.CharField(
        label=_("Service code"), max_length=40, help_text=_("Lower-case letters, digits, - and _ (Open311).")
    )
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    field_order = ["name", "code", "respond_hours", "urgent_respond_hours", "resolve_workdays", "description"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["active"]


class WeightsForm(BootstrapMixin, forms.Form):
    response = forms.IntegerField(label=_("Response rate weight (%)"), min_value=0, max_value=100)
    resolution = forms.IntegerField(label=_("Resolution rate weight (%)"), min_value=0, max_value=100)
    satisfaction = forms.IntegerField(label=_("Satisfaction rate weight (%)"), min_value=0, max_value=100)
    basically_counts = forms.IntegerField(label=_("A “basically satisfied” counts as (%)"), min_value=0, max_value=100)
