"""The web forms of 登台剖析's pages. They only parse input; the rules live in analysis_services."""

import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.duties.forms import MAX_DATE, MIN_DATE
from luoshi.org.models import Person
from luoshi.oversight import analysis, analysis_services
from luoshi.oversight.models import AnalysisUnit
from luoshi.pages import BootstrapMixin, DateInput


def new_key() -> str:
    return uuid.uuid4().hex


def _date_field(label: Any, **kwargs: Any) -> forms.DateField:
    field = forms.DateField(label=label, widget=DateInput(), **kwargs)
    field.widget.attrs.update({"min": MIN_DATE.isoformat(), "max": MAX_DATE.isoformat()})
    return field


def _in_range(value: date | None) -> None:
    if value is not None and not MIN_DATE <= value <= MAX_DATE:
        raise forms.ValidationError(
            _("Give a date between %(first)s and %(last)s."),
            params={"first": MIN_DATE.isoformat(), "last": MAX_DATE.isoformat()},
        )


def last_half_year(today: date) -> tuple[date, date]:
    """The last half-year that has ended: the first half in the second, the second of last year in the first."""
    if today.month >= 7:
        return date(today.year, 1, 1), date(today.year, 6, 30)
    return date(today.year - 1, 7, 1), date(today.year - 1, 12, 31)


class AnalysisForm(BootstrapMixin, forms.Form):
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=analysis_services.TITLE_MAX,
        help_text=_("Left empty: the meeting's date."),
    )
    period_from = _date_field(_("Period from"), validators=[_in_range])
    period_to = _date_field(_("Period to"), validators=[_in_range])
    meeting_on = _date_field(_("Meeting on"), validators=[_in_range])
    place = forms.CharField(label=_("Place"), required=False, max_length=analysis_services.PLACE_MAX)
    count = forms.IntegerField(
        label=_("Units to propose"),
        min_value=1,
        max_value=analysis.MAX_COUNT,
        help_text=_("The worst this many units by score are proposed for the agenda."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in analysis.FACTS:
            self.fields[f"weight_{name}"] = forms.IntegerField(
                label=analysis.LABELS[name],
                min_value=0,
                max_value=analysis.MAX_WEIGHT,
                help_text=analysis.HELP[name],
                widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
            )

    @classmethod
    def initial_for(cls, today: date) -> dict[str, Any]:
        start, end = last_half_year(today)
        return {
            "submission_key": new_key(),
            "period_from": start,
            "period_to": end,
            "meeting_on": max(today, end + timedelta(days=1)),
            "count": 4,
            **{f"weight_{name}": w for name, w in analysis.DEFAULT_WEIGHTS.items()},
        }

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"weight_{name}"] for name in analysis.FACTS]

    def weights(self) -> dict[str, int]:
        return {name: self.cleaned_data[f"weight_{name}"] for name in analysis.FACTS}


class UnitChoices(forms.TypedChoiceField):
    def __init__(self, choices: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(
            choices=[("", "—"), *choices],
            coerce=int,
            empty_value=None,
            required=False,
            error_messages={"invalid_choice": _("Unknown unit “%(value)s”: choose one from the list.")},
            **kwargs,
        )


class AgendaForm(BootstrapMixin, forms.Form):
    """Slots in speaking order, each a unit of the ranking (or any other unit, which the office must
    explain); who speaks for each unit now on the agenda; why the agenda differs from the proposal."""

    note = forms.CharField(
        label=_("Why the agenda differs from the ranking's proposal"),
        required=False,
        max_length=analysis_services.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        rows: Sequence[AnalysisUnit],
        others: Sequence[tuple[int, str]],
        people: dict[int, list[Person]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        chosen = sorted((r for r in rows if r.chosen), key=lambda r: (r.speaking_order or 0, r.rank))
        ranked = [
            (r.unit_id, _("{rank}. {unit} ({score} points)").format(rank=r.rank, unit=r.unit.name, score=int(r.score)))
            for r in rows
        ]
        groups: list[Any] = [(_("Ranked"), ranked)]
        if others:
            groups.append((_("Without facts in the period"), list(others)))
        self.slot_count = min(analysis.MAX_COUNT, max(len(chosen) + 2, 4))
        for i in range(1, self.slot_count + 1):
            field = UnitChoices(groups, label=_("Speaker {n}").format(n=i))
            self.fields[f"slot_{i}"] = field
            if i <= len(chosen):
                self.initial.setdefault(f"slot_{i}", chosen[i - 1].unit_id)
        self.head_units = []
        for r in chosen:
            choices = [(p.pk, f"{p} · {p.title}" if p.title else str(p)) for p in people.get(r.unit_id, [])]
            self.fields[f"head_{r.unit_id}"] = forms.TypedChoiceField(
                label=_("Speaks for {unit}").format(unit=r.unit.name),
                choices=[("", "—"), *choices],
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": _("Choose a person of the unit.")},
            )
            self.initial.setdefault(f"head_{r.unit_id}", r.head_id)
            self.head_units.append(r.unit_id)
        self.order_fields([*(f"slot_{i}" for i in range(1, self.slot_count + 1)), "note"])

    def slot_fields(self) -> list[forms.BoundField]:
        return [self[f"slot_{i}"] for i in range(1, self.slot_count + 1)]

    def head_fields(self) -> list[forms.BoundField]:
        return [self[f"head_{u}"] for u in self.head_units]

    def units(self) -> list[int]:
        """The units in the slots, in order (empty slots skipped); a unit twice is the service's to refuse."""
        return [u for i in range(1, self.slot_count + 1) if (u := self.cleaned_data.get(f"slot_{i}"))]

    def heads(self) -> dict[int, int]:
        units = set(self.units())
        return {u: p for u in self.head_units if u in units and (p := self.cleaned_data.get(f"head_{u}"))}


class CommitmentForm(BootstrapMixin, forms.Form):
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    unit = forms.TypedChoiceField(
        label=_("Unit"),
        coerce=int,
        error_messages={"invalid_choice": _("Choose a unit on the agenda.")},
    )
    text = forms.CharField(
        label=_("Commitment"),
        max_length=analysis_services.COMMITMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the head committed to at the meeting, in the head's words."),
    )
    deadline = _date_field(_("Deadline"), validators=[_in_range])
    report_every_days = forms.IntegerField(
        label=_("Report every (days)"), min_value=1, max_value=analysis_services.CADENCE_MAX, initial=30
    )

    def __init__(self, *args: Any, units: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.TypedChoiceField)
        unit.choices = [("", "—"), *units]

    @classmethod
    def initial_for(cls) -> dict[str, Any]:
        today = timezone.localdate()
        return {"submission_key": new_key(), "report_every_days": 30, "deadline": today + timedelta(days=90)}


class DecideForm(BootstrapMixin, forms.Form):
    """Accept or return the unit's completion request on its commitment."""

    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("return", _("Return"))], widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for returning"),
        required=False,
        max_length=analysis_services.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
