"""The cockpit's parameters on oversight's indexes (findings, inspections, talks and accountability): `from`
and `to` (YYYY-MM-DD, inclusive) stand for each index's own date fields, and `leader=<id>` keeps the records
of the units that leader supervises. A bad value is the form's error naming the parameter."""

from datetime import date
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from luoshi.org.models import Person, Role

DAY_ERROR = _("“{param}”: give a date as YYYY-MM-DD.")


def leaders() -> QuerySet[Person]:
    return Person.objects.filter(is_active=True, roles__icontains=f'"{Role.LEADER}"')


def leader_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=leaders(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("“leader”: give a leader's id.")},
    )


def supervised(leader: Person | None) -> QuerySet[Any] | None:
    """The units a leader supervises (a subquery); None: no leader asked for."""
    if leader is None:
        return None
    return Person.supervised_units.through.objects.filter(person_id=leader.pk).values("unit_id")


def remap(form: forms.BaseForm, data: Any, first: str, last: str) -> Any:
    """`from`/`to` given for the form's own `first`/`last` date fields; their errors name what was sent."""
    named = {first: first, last: last}
    if data is not None:
        data = data.copy()
        for short, field in (("from", first), ("to", last)):
            if data.get(short) and not data.get(field):
                data[field], named[field] = data[short], short
    form._period_names = named  # type: ignore[attr-defined]
    return data


def name_errors(form: forms.BaseForm) -> None:
    for field, param in getattr(form, "_period_names", {}).items():
        form.fields[field].error_messages["invalid"] = format_lazy(DAY_ERROR, param=param)


def check_order(form: forms.BaseForm, data: dict[str, Any], first: str, last: str) -> None:
    start: date | None = data.get(first)
    end: date | None = data.get(last)
    if start and end and end < start:
        form.add_error(last, _("The period ends before it begins."))


def unit_in(leader: Person | None, field: str = "unit_id") -> Q:
    units = supervised(leader)
    return Q() if units is None else Q(**{f"{field}__in": units})
