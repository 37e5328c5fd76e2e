"""The forms of a published list's changes page and of a unit's transfer request. They only parse
input; the rules live in lists.changes and lists.transfers."""

from typing import TYPE_CHECKING

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from luoshi.lists.forms import SEARCH, PersonChoiceField, UnitChoiceField, leaders, units
from luoshi.org.models import Person, Unit
from luoshi.pages import BootstrapMixin, DateInput

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


def reason_field(required: bool = True, label: "_StrPromise | None" = None) -> forms.CharField:
    return forms.CharField(
        label=label or _("Reason"),
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the list's timeline and sent to the units concerned."),
    )


class ChangeListForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(
        label=_("Content and requirements"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    leader = PersonChoiceField(
        label=_("Responsible leader"), queryset=Person.objects.none(), required=False, empty_label=_("— none —")
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=DateInput(),
        help_text=_("Every unit's deadline moves with it, except a unit with an approved extension beyond it."),
    )
    reason = reason_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        leader = self.fields["leader"]
        assert isinstance(leader, PersonChoiceField)
        leader.queryset = leaders()


Units = QuerySet[Unit] | list[Unit]


class _UnitsMixin(BootstrapMixin):
    """Unit pickers whose choices depend on the list. A form that is only shown gets lists of units
    read once for the whole page (no query per picker); a posted form the queryset it checks against."""

    def set_units(self, **choices: Units) -> None:
        for name, units_ in choices.items():
            field = self.fields[name]
            assert isinstance(field, UnitChoiceField)
            if isinstance(units_, list):
                field.queryset = Unit.objects.filter(pk__in=[u.pk for u in units_])
                # Shown from the list already read: the queryset's cache is filled instead of a query per picker.
                field.queryset._result_cache = units_
                field.queryset._prefetch_done = True  # type: ignore[attr-defined]
            else:
                field.queryset = units_


def _unit(label, required: bool = True) -> UnitChoiceField:
    return UnitChoiceField(
        label=label, queryset=Unit.objects.none(), required=required, widget=forms.Select(attrs=SEARCH)
    )


class AddUnitForm(_UnitsMixin, forms.Form):
    unit = _unit(_("Co-handling unit to add"))
    reason = reason_field(required=False)

    def __init__(self, *args, others: Units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_units(unit=others)


class WithdrawUnitForm(_UnitsMixin, forms.Form):
    unit = _unit(_("Co-handling unit to withdraw"))
    reason = reason_field()

    def __init__(self, *args, co_units: Units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_units(unit=co_units)


class TransferForm(_UnitsMixin, forms.Form):
    from_unit = _unit(_("Transfer the work of"))
    to_unit = _unit(_("To the unit"))
    reason = reason_field()

    def __init__(self, *args, handling: Units, others: Units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_units(from_unit=handling, to_unit=others)


class ReasonForm(BootstrapMixin, forms.Form):
    reason = reason_field()


class OptionalReasonForm(BootstrapMixin, forms.Form):
    reason = reason_field(required=False, label=_("Note"))


class TransferRequestForm(_UnitsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why this is not your unit's work"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The office decides. Until then your unit's duty runs and reports stay due."),
    )
    suggested_unit = _unit(_("The unit it belongs to (optional)"), required=False)

    def __init__(self, *args, others: Units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_units(suggested_unit=others)


class DecideTransferForm(_UnitsMixin, forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("yes", _("Approve")), ("no", _("Refuse"))], coerce=lambda v: v == "yes", widget=forms.HiddenInput
    )
    to_unit = _unit(_("Transfer to"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.TextInput)

    def __init__(self, *args, others: Units, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.set_units(to_unit=others)


def other_units(taken: list[int]) -> QuerySet[Unit]:
    """Units not handling the list (candidates to add or to transfer to)."""
    return units().exclude(pk__in=taken)
