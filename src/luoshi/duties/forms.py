"""The web forms of the escalation pages. They only parse input; the rules live in services and policy."""

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from luoshi.duties import owners
from luoshi.duties.models import Policy, Step
from luoshi.duties.policy import BOUNDS
from luoshi.duties.queries import LEAGUE_COLUMNS
from luoshi.pages import BootstrapMixin, DateInput

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MIN_YEAR, MAX_YEAR = 2000, 2100
MIN_DATE, MAX_DATE = date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31)


def _in_range(value: date | None) -> None:
    if value is not None and not MIN_DATE <= value <= MAX_DATE:
        raise forms.ValidationError(
            _("Give a date between %(first)s and %(last)s."),
            params={"first": MIN_DATE.isoformat(), "last": MAX_DATE.isoformat()},
        )


class SmallForm(BootstrapMixin, forms.Form):
    """Filter forms: small widgets."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = field.widget.attrs.get("class", "")
            if "form-select" in css:
                field.widget.attrs["class"] = f"{css} form-select-sm"
            elif "form-control" in css:
                field.widget.attrs["class"] = f"{css} form-control-sm"


# --- the board ----------------------------------------------------------------------------------

AGE_LE3, AGE_4_10, AGE_GT10 = "le3", "4-10", "gt10"


def age_choices() -> list[tuple[str, "StrOrPromise"]]:
    return [(AGE_LE3, _("Up to 3 days")), (AGE_4_10, _("4 to 10 days")), (AGE_GT10, _("More than 10 days"))]


class BoardFilterForm(SmallForm):
    step = forms.ChoiceField(
        label=_("Step"),
        required=False,
        choices=[("", _("All steps")), *Step.choices],
        error_messages={"invalid_choice": _("Unknown step “%(value)s”.")},
    )
    unit = forms.TypedChoiceField(
        label=_("Unit"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Unknown unit “%(value)s”: choose one from the list.")},
    )
    list = forms.CharField(label=_("List (code or number)"), required=False, max_length=20)
    age = forms.ChoiceField(
        label=_("Days since due"),
        required=False,
        choices=[("", _("Any")), *age_choices()],
        error_messages={"invalid_choice": _("Unknown age “%(value)s”.")},
    )

    def __init__(self, *args, units: Sequence[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.TypedChoiceField)
        unit.choices = [("", _("All units")), *((str(pk), name) for pk, name in units)]
        self.fields["list"].widget.attrs["placeholder"] = _("e.g. 2026-ZR-0001")


class ManualUrgeForm(forms.Form):
    # The step the confirmation page showed: if the unit's situation changed since, nothing is sent.
    step = forms.ChoiceField(choices=[(Step.URGE, Step.URGE), (Step.REMINDER, Step.REMINDER)], widget=forms.HiddenInput)
    query = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)


# --- talk proposals -----------------------------------------------------------------------------


class TalkStateForm(forms.Form):
    # "": not handled and the cause still there (the default); "ended": not handled, the cause gone.
    state = forms.ChoiceField(
        required=False,
        choices=[("", _("Not handled")), ("ended", _("Cause ended")), ("handled", _("Handled")), ("all", _("All"))],
        error_messages={"invalid_choice": _("Unknown view “%(value)s”.")},
    )


class HandleTalkForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("What was decided"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. the talk was held on a date with whom, or why no talk is needed."),
        error_messages={"required": _("Say what was decided.")},
    )


class StepFilterForm(SmallForm):
    step = forms.ChoiceField(
        label=_("Step"),
        required=False,
        choices=[("", _("All steps")), *Step.choices],
        error_messages={"invalid_choice": _("Unknown step “%(value)s”.")},
    )


# --- the league table ---------------------------------------------------------------------------


def kind_choices() -> list[tuple[str, str]]:
    return [(o.kind, capfirst(str(o.label))) for o in owners.all_owners()]


LEAGUE_SORTS = ("unit_name", *LEAGUE_COLUMNS)


class LeagueForm(SmallForm):
    """From/to (named `from` and `to` in the query string), the sort column and its direction."""

    sort = forms.ChoiceField(
        required=False,
        choices=[(key, key) for key in LEAGUE_SORTS],
        error_messages={"invalid_choice": _("Unknown column “%(value)s”.")},
    )
    desc = forms.ChoiceField(
        required=False,
        choices=[("", ""), ("0", "0"), ("1", "1")],
        error_messages={"invalid_choice": _("The order is 0 (ascending) or 1 (descending).")},
    )

    owner_kind = forms.ChoiceField(
        label=_("Kind of work"),
        required=False,
        error_messages={"invalid_choice": _("Unknown kind of work “%(value)s”.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(
            label=_("From"), required=False, widget=DateInput(), validators=[_in_range]
        )
        self.fields["to"] = forms.DateField(label=_("To"), required=False, widget=DateInput(), validators=[_in_range])
        self.order_fields(["from", "to", "owner_kind", "sort", "desc"])
        for name in ("from", "to"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"
        # The kinds registered now (an owner app, or a test, registers its own at ready()).
        kind = self.fields["owner_kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", _("All kinds of work")), *kind_choices()]
        # One kind only: a select with one choice says nothing, so the page leaves it out.
        self.show_kinds = len(owners.kinds()) > 1

    def clean(self) -> dict[str, Any]:
        data = self.cleaned_data  # Form.clean returns it (typed as optional)
        today = timezone.localdate()
        if "from" in self.errors or "to" in self.errors:
            return data
        end = data.get("to") or today
        start = data.get("from") or min(today, end).replace(month=1, day=1)
        if start > end:
            self.add_error("from", _("The start date is after the end date."))
        data["start"], data["end"] = start, end
        data["sort"] = data.get("sort") or "on_time_rate"
        data["descending"] = data.get("desc") != "0" if data.get("desc") else data["sort"] != "unit_name"
        return data


# --- settings -----------------------------------------------------------------------------------

POLICY_HELP = {
    "light_due_soon_days": _("Calendar days before a report is due."),
    "light_red_after_days": _("Calendar days after a report was due."),
    "reminder_workdays": _("N: the reminder goes out this many working days before the report is due."),
    "order_after_workdays": _("M: the supervision order follows once the report is overdue more than this."),
    "talk_orders": _("K: this many supervision orders to one unit …"),
    "talk_window_days": _("… within this many calendar days lead to one talk proposal."),
    "talk_overdue_workdays": _("L: a talk proposal also when overdue more than this many working days."),
}


def _policy_label(name: str) -> "StrOrPromise":
    field = Policy._meta.get_field(name)
    assert isinstance(field, models.Field)  # a column, not a relation
    return field.verbose_name


class PolicyForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, (low, high) in BOUNDS.items():
            self.fields[name] = forms.IntegerField(
                label=capfirst(_policy_label(name)),
                min_value=low,
                max_value=high,
                help_text=POLICY_HELP[name],
            )
        self.order_fields(list(BOUNDS))
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean(self) -> dict[str, Any]:
        data = self.cleaned_data
        m, ell = data.get("order_after_workdays"), data.get("talk_overdue_workdays")
        if m is not None and ell is not None and ell <= m:
            self.add_error(
                "talk_overdue_workdays",
                _("The talk proposal must come later than the supervision order: give more working days."),
            )
        return data


class YearForm(forms.Form):
    year = forms.IntegerField(
        required=False,
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={
            "invalid": _("Give a year such as 2026."),
            "min_value": _("Give a year from 2000 to 2100."),
            "max_value": _("Give a year from 2000 to 2100."),
        },
    )


class SetDayForm(BootstrapMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput(), validators=[_in_range])
    is_workday = forms.TypedChoiceField(
        label=_("This day is"),
        choices=[("0", _("a day off (休)")), ("1", _("a working day (班)"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the day is worked.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=50,
        help_text=_("E.g. 国庆节 or 春节调休."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["is_workday"].widget.attrs["class"] = "form-check-input"
