"""The web forms of the frontline pages. They only parse input; the rules live in frontline.services*."""

import uuid

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from luoshi.frontline import config
from luoshi.frontline.models import FieldKind, PostCategory, SelectionKind
from luoshi.frontline.services import MAX_DAYS, ProblemInput
from luoshi.ledger.models import LedgerStatus, Task
from luoshi.lists.forms import SEARCH, PersonChoiceField, UnitChoiceField, UnitsChoiceField, units
from luoshi.org.models import Person
from luoshi.pages import BootstrapMixin, DateInput


def new_key() -> str:
    return uuid.uuid4().hex


def people() -> QuerySet[Person]:
    return Person.objects.filter(is_active=True).select_related("unit").order_by("unit_id", "name", "pk")


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        where = obj.unit.name if obj.unit else obj.title
        return f"{obj} · {where}" if where else str(obj)


class PeopleField(forms.ModelMultipleChoiceField):
    label_from_instance = PersonField.label_from_instance


class KeyedForm(BootstrapMixin, forms.Form):
    # A new form carries a fresh key: posting it twice stores one record.
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class FieldworkForm(KeyedForm):
    leader = PersonChoiceField(label=_("Leader"), queryset=Person.objects.none(), widget=forms.Select(attrs=SEARCH))
    date = forms.DateField(label=_("Date"), widget=DateInput())
    days = forms.IntegerField(
        label=_("Days"),
        initial=1,
        min_value=1,
        max_value=MAX_DAYS,
        help_text=_("A trip of several days: from the date on."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=FieldKind.choices, widget=forms.RadioSelect)
    place = forms.CharField(label=_("Place"), max_length=200, help_text=_("e.g. 榆中县夏官营镇, 第二水源地取水口"))
    unit = UnitChoiceField(
        label=_("Unit visited"),
        queryset=units(),
        required=False,
        empty_label=_("— none —"),
        widget=forms.Select(attrs=SEARCH),
        help_text=_("Required for a day at a supervised unit: one of the leader's."),
    )
    purpose = forms.CharField(label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    problems = forms.CharField(
        label=_("Problems met"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line; each can become a responsibility list."),
    )
    solved = forms.CharField(
        label=_("Problems solved on the spot"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One a line."),
    )

    def __init__(self, *args, leaders: QuerySet[Person] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        leader = self.fields["leader"]
        assert isinstance(leader, PersonChoiceField)
        if leaders is None:  # a leader logs his or her own days: no choice to make
            del self.fields["leader"]
        else:
            leader.queryset = leaders
        # RadioSelect renders its own inputs: Bootstrap's classes go on each (the template renders them).
        self.fields["kind"].widget.attrs["class"] = "form-check-input"

    def problem_inputs(self) -> list[ProblemInput]:
        data = self.cleaned_data
        return [ProblemInput(t) for t in _lines(data["problems"])] + [
            ProblemInput(t, solved=True) for t in _lines(data["solved"])
        ]


class ToListForm(BootstrapMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("By default the problem's first line.")
    )
    lead_unit = UnitChoiceField(label=_("Lead unit"), queryset=units(), widget=forms.Select(attrs=SEARCH))
    co_units = UnitsChoiceField(
        label=_("Co-handling units"),
        queryset=units(),
        required=False,
        widget=forms.SelectMultiple(attrs={**SEARCH, "size": 6, "data-placeholder": _("Type to search…")}),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    report_every_days = forms.IntegerField(label=_("Report every (days)"), initial=30, min_value=1, max_value=366)


def project_tasks() -> QuerySet[Task]:
    """The ledger's tasks a cadre may be stationed at: the top two levels of the open ledgers."""
    return Task.objects.filter(ledger__status=LedgerStatus.OPEN, depth__lte=1).order_by("-ledger__year", "path")


class TaskField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Task) -> str:
        return f"{obj.code} {obj.title}"


class StationingForm(KeyedForm):
    person = PersonField(label=_("Cadre"), queryset=people(), widget=forms.Select(attrs=SEARCH))
    task = TaskField(
        label=_("Ledger task"),
        queryset=project_tasks(),
        required=False,
        empty_label=_("— none —"),
        widget=forms.Select(attrs=SEARCH),
    )
    project = forms.CharField(
        label=_("Project"), max_length=200, required=False, help_text=_("By default the ledger task's title.")
    )
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())


class EndForm(BootstrapMixin, forms.Form):
    end = forms.DateField(label=_("Ended on"), widget=DateInput())


class PostingForm(KeyedForm):
    unit = UnitChoiceField(label=_("Unit"), queryset=units(), widget=forms.Select(attrs=SEARCH))
    post = forms.CharField(label=_("Post"), max_length=100)
    category = forms.ChoiceField(label=_("Category"), choices=PostCategory.choices)
    level = forms.CharField(label=_("Rank"), max_length=30, required=False, help_text=_("e.g. 正科级, 副县级"))
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput(), help_text=_("Empty while it lasts."))


def frontline_choices() -> list[tuple[str, str]]:
    wanted = config.frontline_categories()
    return [(value, str(label)) for value, label in PostCategory.choices if value in wanted]


class PlacementForm(KeyedForm):
    unit = UnitChoiceField(label=_("Unit"), queryset=units(), widget=forms.Select(attrs=SEARCH))
    post = forms.CharField(label=_("Post"), max_length=100, help_text=_("e.g. 信访接待科副科长, 驻村帮扶工作队队员"))
    category = forms.ChoiceField(label=_("Frontline category"), choices=())
    level = forms.CharField(label=_("Rank"), max_length=30, required=False)
    start = forms.DateField(label=_("From"), widget=DateInput())
    planned_end = forms.DateField(label=_("Planned end"), widget=DateInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = frontline_choices()


class SelectionForm(KeyedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=SelectionKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    candidates = PeopleField(
        label=_("Candidates"),
        queryset=people(),
        widget=forms.SelectMultiple(attrs={**SEARCH, "size": 8, "data-placeholder": _("Type to search…")}),
    )


class CandidatesForm(BootstrapMixin, forms.Form):
    candidates = PeopleField(
        label=_("Add candidates"),
        queryset=people(),
        widget=forms.SelectMultiple(attrs={**SEARCH, "size": 6, "data-placeholder": _("Type to search…")}),
    )
