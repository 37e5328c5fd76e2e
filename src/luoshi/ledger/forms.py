"""The web forms of the ledger's pages. They only parse input; the rules live in ledger.services.

Ids come in bounded (MAX_ID) and are looked up only among the ledger's own rows, so a bad value is the
form's field error, never a 500.
"""

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from luoshi.duties.lights import GREEN, RED, YELLOW
from luoshi.ledger import magnitudes
from luoshi.ledger.models import Indicator, IndicatorKind, Ledger, LedgerStatus, Task
from luoshi.lists.forms import SEARCH, PersonChoiceField, UnitChoiceField, UnitsChoiceField, leaders, units
from luoshi.org.models import Person, Role
from luoshi.pages import BootstrapMixin, DateInput
from luoshi.schemas import MAX_ID, MAX_YEAR, MIN_YEAR, TEXT_MAX

QUARTERS = (1, 2, 3, 4)
MAX_INDICATORS = 20


def new_key() -> str:
    return uuid.uuid4().hex


def light_choices() -> list[tuple[str, Any]]:
    return [("", _("Any")), (GREEN, _("Green")), (YELLOW, _("Yellow")), (RED, _("Red"))]


def state_choices() -> list[tuple[str, Any]]:
    return [
        ("", _("Any")),
        ("done", _("Completed")),
        ("on_track", _("On track")),
        ("at_risk", _("At risk")),
        ("late", _("Late")),
    ]


def forecast_choices() -> list[tuple[str, Any]]:
    return [("", _("Any")), (GREEN, _("On track")), (YELLOW, _("At risk")), (RED, _("Will miss the target"))]


class FigureField(forms.CharField):
    """An indicator's figure as an office types it in its measure: "7.5" in 亿元, or "7.5亿", "75000万",
    "7,623" (magnitudes.amount converts, or says why not; never a guess)."""

    def __init__(self, measure: str, **kwargs: Any) -> None:
        self.measure = measure
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Decimal | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return magnitudes.amount(text, self.measure)
        except magnitudes.AmountError as e:
            raise forms.ValidationError(e.message) from None


# ---------------------------------------------------------------- the index: ledgers and programmes


class LedgerForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    title = forms.CharField(label=_("Title"), max_length=200)


class ProgrammeForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Programme"), max_length=100)


# ---------------------------------------------------------------- the tree's filters


SMALL = {"class": "form-select-sm"}


class TreeFilterForm(BootstrapMixin, forms.Form):
    """The tree's GET parameters; choices are the ledger's own programmes, leaders and units."""

    programme = forms.ChoiceField(label=_("Programme"), required=False, widget=forms.Select(attrs=SMALL))
    leader = forms.ChoiceField(
        label=_("Responsible leader"), required=False, widget=forms.Select(attrs={**SEARCH, **SMALL})
    )
    unit = forms.ChoiceField(label=_("Unit"), required=False, widget=forms.Select(attrs={**SEARCH, **SMALL}))
    light = forms.ChoiceField(
        label=_("Lateness light"), required=False, choices=light_choices, widget=forms.Select(attrs=SMALL)
    )
    forecast = forms.ChoiceField(
        label=_("Forecast"), required=False, choices=forecast_choices, widget=forms.Select(attrs=SMALL)
    )
    carried = forms.ChoiceField(
        label=_("Carried over"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Carried from last year")), ("no", _("New this year"))],
        widget=forms.Select(attrs=SMALL),
    )
    q = forms.CharField(
        label=_("Code or title"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control-sm", "type": "search"}),
    )
    state = forms.ChoiceField(
        label=_("Progress"),
        required=False,
        choices=state_choices,
        widget=forms.Select(attrs=SMALL),
        error_messages={"invalid_choice": _("“state”: give done, on_track, at_risk or late.")},
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    # The cockpit's drill-down: a leader's ledger (his tasks and his supervised units'), tasks completed
    # from … to (YYYY-MM-DD, inclusive).
    portfolio = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)

    def __init__(
        self,
        data: Any,
        *,
        programmes: list[tuple[int, str]],
        leaders: list[tuple[int, str]],
        units: list[tuple[int, str]],
    ) -> None:
        super().__init__(data)
        # `from` and `to` are Python words: the fields are added by name.
        for name, label in (("from", _("Completed from")), ("to", _("Completed to"))):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                widget=DateInput(SMALL),
                error_messages={"invalid": _("“%(param)s”: give a date as YYYY-MM-DD.") % {"param": name}},
            )
        any_ = [("", _("Any"))]
        self.fields["programme"].choices = any_ + [(str(i), n) for i, n in programmes]  # type: ignore[attr-defined]
        self.fields["leader"].choices = any_ + [(str(i), n) for i, n in leaders]  # type: ignore[attr-defined]
        self.fields["unit"].choices = any_ + [(str(i), n) for i, n in units]  # type: ignore[attr-defined]

    def id_of(self, name: str) -> int | None:
        value = self.cleaned_data.get(name)
        return int(value) if value else None

    def clean_portfolio(self) -> Person | None:
        value = self.cleaned_data.get("portfolio")
        if not value:
            return None
        found = Person.objects.filter(pk=value, is_active=True).first()
        if found is None or not found.has_role(Role.LEADER):
            raise forms.ValidationError(_("“portfolio”: no leader has the id %(id)s.") % {"id": value})
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("from") and data.get("to") and data["to"] < data["from"]:
            self.add_error("to", _("“to” is before “from”."))
        return data


# ---------------------------------------------------------------- a unit's report on a task


class TaskReportForm(BootstrapMixin, forms.Form):
    """Progress and words as on a list's report, and one optional actual per indicator of the task
    (fields `actual_<indicator id>`)."""

    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5}),
    )
    done = forms.CharField(
        label=_("Work done since the last report"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    difficulties = forms.CharField(
        label=_("Difficulties"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_steps = forms.CharField(
        label=_("Next steps"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, indicators: list[Indicator], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        for ind in indicators:
            self.fields[f"actual_{ind.pk}"] = FigureField(
                ind.measure,
                label=_("{name} ({measure})").format(name=ind.name, measure=ind.measure),
                required=False,
                help_text=_("Target {target}{measure}; leave empty if unchanged.").format(
                    target=_plain(ind.target), measure=ind.measure
                ),
            )

    def actual_fields(self) -> list[forms.BoundField]:
        return [self[f"actual_{ind.pk}"] for ind in self.indicators]

    def actuals(self) -> list[tuple[Indicator, Decimal]]:
        return [
            (ind, self.cleaned_data[f"actual_{ind.pk}"])
            for ind in self.indicators
            if self.cleaned_data.get(f"actual_{ind.pk}") is not None
        ]


def _plain(value: Decimal) -> str:
    """7.5000 → "7.5", 20.0000 → "20" (never "2E+1")."""
    return format(value.normalize(), "f")


# ---------------------------------------------------------------- the office's task form


class TaskForm(BootstrapMixin, forms.Form):
    programme = forms.ChoiceField(label=_("Programme"))
    parent = forms.CharField(
        label=_("Parent task (code)"),
        required=False,
        max_length=40,
        help_text=_("Empty for a top-level task; e.g. 2026-TZ-0001 for a sub-task of it."),
    )
    title = forms.CharField(label=_("Task"), max_length=200)
    requirements = forms.CharField(
        label=_("Requirements"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    leader = PersonChoiceField(
        label=_("Responsible leader"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("— none —"),
        widget=forms.Select(attrs=SEARCH),
    )
    lead_unit = UnitChoiceField(
        label=_("Lead unit"),
        queryset=units(),
        required=False,
        empty_label=_("— none —"),
        widget=forms.Select(attrs=SEARCH),
        help_text=_("A task with sub-tasks may have none: its work is its sub-tasks'."),
    )
    co_units = UnitsChoiceField(
        label=_("Co units"),
        queryset=units(),
        required=False,
        widget=forms.SelectMultiple(attrs={**SEARCH, "size": 8, "data-placeholder": _("Type to search…")}),
        help_text=_("Type part of a name to find a unit; pick as many as needed."),
    )
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())
    weight = forms.DecimalField(label=_("Weight"), min_value=0, max_value=10000, max_digits=7, decimal_places=2)
    report_every_days = forms.IntegerField(
        label=_("Report every (days)"),
        required=False,
        min_value=1,
        max_value=366,
        help_text=_("Empty: the units report when they have news."),
    )
    starts_on = forms.DateField(label=_("Start date"), required=False, widget=DateInput())
    completes_on = forms.DateField(label=_("Completion date"), required=False, widget=DateInput())
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The ledger is open: every change of its structure is recorded with its reason."),
    )
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, ledger: Ledger, task: Task | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ledger, self.task = ledger, task
        self.fields["programme"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose…")),
            *((str(p.pk), p.name) for p in ledger.programmes.all()),
        ]
        leader = self.fields["leader"]
        assert isinstance(leader, PersonChoiceField)
        leader.queryset = leaders()
        if ledger.status != LedgerStatus.OPEN:
            del self.fields["reason"]
        self.parent_task: Task | None = None

    def clean_parent(self) -> str:
        code = (self.cleaned_data.get("parent") or "").strip()
        if not code:
            return ""
        parent = Task.objects.filter(ledger=self.ledger, code=code).first()
        if parent is None:
            raise forms.ValidationError(_("No task of this ledger has the code {code}.").format(code=code))
        self.parent_task = parent
        return code

    def clean(self) -> dict:
        data = super().clean() or {}
        starts, completes = data.get("starts_on"), data.get("completes_on")
        if starts and completes and completes < starts:
            self.add_error("completes_on", _("The completion date comes after the start date."))
        return data


FIGURE = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
FIGURES = ("target", "q1", "q2", "q3", "q4")


class IndicatorForm(BootstrapMixin, forms.Form):
    """One indicator of a task, its plan by quarter. A row left empty is no indicator."""

    name = forms.CharField(label=_("Indicator"), max_length=100, required=False)
    measure = forms.CharField(
        label=_("Unit of measure"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"list": "ledger-measures", "placeholder": _("e.g. 亿元")}),
    )
    # Figures as typed ("2.58亿", "7,623"), read in the row's own measure once it is known (clean).
    target = forms.CharField(label=_("Annual target"), required=False, max_length=40, widget=FIGURE)
    kind = forms.ChoiceField(label=_("Kind"), choices=IndicatorKind.choices, initial=IndicatorKind.CUMULATIVE)
    q1 = forms.CharField(label=_("Planned by Q1"), required=False, max_length=40, widget=FIGURE)
    q2 = forms.CharField(label=_("Planned by Q2"), required=False, max_length=40, widget=FIGURE)
    q3 = forms.CharField(label=_("Planned by Q3"), required=False, max_length=40, widget=FIGURE)
    q4 = forms.CharField(label=_("Planned by Q4"), required=False, max_length=40, widget=FIGURE)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("name") or data.get("measure") or data.get("target") not in (None, ""))

    def clean(self) -> dict:
        data = super().clean() or {}
        if self.is_blank():
            return data
        if not data.get("name"):
            self.add_error("name", _("Name the indicator."))
        measure = data.get("measure")
        if not measure:
            self.add_error("measure", _("Give its unit of measure (亿元, 个, 户, %…)."))
        for name in FIGURES:
            typed = data.get(name)
            if typed in (None, ""):
                data[name] = None
                continue
            data[name] = None
            if measure:
                try:
                    data[name] = magnitudes.amount(typed, measure)
                except magnitudes.AmountError as e:
                    self.add_error(name, e.message)
        if data.get("target") is None and "target" not in self.errors and measure:
            self.add_error("target", _("Give the annual target."))
        return data


class _IndicatorFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        names = [f.cleaned_data.get("name") for f in self.forms if f.cleaned_data and not f.is_blank()]
        if len(set(names)) != len(names):
            raise forms.ValidationError(_("Each indicator of a task has its own name."))


IndicatorFormSet = forms.formset_factory(
    IndicatorForm, formset=_IndicatorFormSet, extra=2, max_num=MAX_INDICATORS, absolute_max=MAX_INDICATORS
)


def indicator_initial(task: Task) -> list[dict]:
    rows = []
    for ind in task.indicators.prefetch_related("trajectory"):
        row: dict[str, Any] = {"name": ind.name, "measure": ind.measure, "target": _plain(ind.target), "kind": ind.kind}
        for point in ind.trajectory.all():
            year, _sep, part = point.period.partition("-")
            if part in ("Q1", "Q2", "Q3", "Q4") and year == str(task.ledger.year):
                row[part.lower()] = _plain(point.planned)
        rows.append(row)
    return rows


# ---------------------------------------------------------------- links and decisions


class LinkForm(BootstrapMixin, forms.Form):
    list = forms.ChoiceField(label=_("Responsibility list"), widget=forms.Select(attrs=SEARCH))

    def __init__(self, *args: Any, lists: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["list"].choices = [("", _("Choose…")), *((str(i), t) for i, t in lists)]  # type: ignore[attr-defined]


class DecideForm(BootstrapMixin, forms.Form):
    """Accept or return one unit's completion request on the task."""

    duty = forms.IntegerField(min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("return", _("Return"))], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for returning"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
