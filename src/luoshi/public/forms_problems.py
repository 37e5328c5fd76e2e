"""The web forms of the public problems' pages. They only parse input; the rules live in public.intake,
dispatch and handling (which name the bad field of a refusal, shown on the form by show_refusal). A form
that stores something new carries a fresh submission key: posting it twice stores once."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from luoshi.lists.forms import SEARCH, UnitChoiceField, UnitsChoiceField, units
from luoshi.org.models import Person, Role
from luoshi.oversight.forms_inspections import SEARCH_MANY, FilesField, MultipleFileInput, new_key
from luoshi.pages import CHOOSE, BootstrapMixin, DateInput
from luoshi.public.intake import CONTACT_MAX, CONTENT_MAX, NAME_MAX, PLACE_MAX
from luoshi.public.models import Broadcast, Category, Channel, Outcome, Satisfaction, SendBackReason, Status
from luoshi.schemas import MAX_ID

__all__ = ["new_key"]

# The channels the office enters (the public's web form and Open311 clients come in by themselves).
OFFICE_CHANNELS = [Channel.HOTLINE, Channel.TV, Channel.NEWSPAPER, Channel.INTERNET_SUPERVISION]
ON_AIR = (Channel.TV, Channel.NEWSPAPER)
PHOTOS_HELP = _("Photos (JPEG, PNG), at most 9 at once.")
QUEUES = [
    ("sign", _("To sign for")),
    ("reply", _("To reply")),
    ("sent_back", _("Sent back")),
]


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.name


class BroadcastChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Broadcast) -> str:
        return f"{obj.programme.name} · {obj.number} · {obj.aired_on:%Y-%m-%d} {obj.title}"


def active_categories() -> QuerySet[Category]:
    return Category.objects.filter(active=True)


def episodes() -> QuerySet[Broadcast]:
    return Broadcast.objects.select_related("programme").order_by("-aired_on", "-pk")


class ValueIdRadioSelect(forms.RadioSelect):
    """Each option's id ends with its value (id_satisfaction_satisfied), not its index, so that a browser
    journey can name the choice whatever order the choices come in."""

    def create_option(
        self,
        name: str,
        value: Any,
        label: Any,
        selected: Any,
        index: int,
        subindex: int | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        base = (attrs or {}).get("id")
        if base and value not in ("", None):
            option["attrs"]["id"] = f"{base}_{value}"
        return option


def _checks(form: forms.BaseForm, *names: str) -> None:
    """Radios and checkbox lists get Bootstrap's check class (the mixin gives every widget form-control)."""
    for name in names:
        form.fields[name].widget.attrs["class"] = "form-check-input"


# ---------------------------------------------------------------- the index

DAY_ERROR = _("“{param}”: give a date as YYYY-MM-DD.")


def day_error(param: str) -> Any:
    return format_lazy(DAY_ERROR, param=param)


def leaders() -> QuerySet[Person]:
    return Person.objects.filter(is_active=True, roles__icontains=f'"{Role.LEADER}"')


class ProblemFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("Text"), max_length=100, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Status.choices])
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("Any")), *Channel.choices])
    category = CategoryChoiceField(
        label=_("Problem category"), queryset=Category.objects.all(), required=False, empty_label=_("Any")
    )
    unit = UnitChoiceField(
        label=_("Unit"), queryset=units(), required=False, widget=forms.Select(attrs=SEARCH), empty_label=_("Any")
    )
    hot = forms.BooleanField(label=_("Hot issues only"), required=False)
    date_from = forms.DateField(label=_("Received from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Received to"), required=False, widget=DateInput)
    queue = forms.ChoiceField(required=False, choices=[("", _("All")), *QUEUES], widget=forms.HiddenInput)
    # The cockpit's drill-downs: the outcome, handled on time, the return visit's days, a leader's problems.
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", _("Any")), *Outcome.choices])
    on_time = forms.ChoiceField(
        label=_("Handled on time"),
        required=False,
        choices=[("", _("Any")), ("1", _("Handled on time")), ("0", _("Not handled on time"))],
        error_messages={"invalid_choice": _("“on_time”: give 1 (on time) or 0.")},
    )
    visited_from = forms.DateField(
        required=False, widget=forms.HiddenInput, error_messages={"invalid": day_error("visited_from")}
    )
    visited_to = forms.DateField(
        required=False, widget=forms.HiddenInput, error_messages={"invalid": day_error("visited_to")}
    )
    leader = forms.ModelChoiceField(
        queryset=leaders(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("“leader”: give a leader's id.")},
    )

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        # `from` and `to` (the cockpit's and every index's names) stand for the received days' fields.
        named = {"date_from": "date_from", "date_to": "date_to"}
        if data is not None:
            data = data.copy()
            for short, field in (("from", "date_from"), ("to", "date_to")):
                if data.get(short) and not data.get(field):
                    data[field], named[field] = data[short], short
        super().__init__(data, *args, **kwargs)
        for field, param in named.items():
            self.fields[field].error_messages["invalid"] = day_error(param)

    def clean(self) -> dict[str, Any]:
        c = super().clean() or {}
        if c.get("date_from") and c.get("date_to") and c["date_to"] < c["date_from"]:
            self.add_error("date_to", _("The end comes before the start."))
        if c.get("visited_from") and c.get("visited_to") and c["visited_to"] < c["visited_from"]:
            self.add_error("visited_to", _("“visited_to” is before “visited_from”."))
        return c


# ---------------------------------------------------------------- the hotline's entry form


class HotlineForm(BootstrapMixin, forms.Form):
    """The operator's entry form: the call's content first (focused), then where and who; optionally
    accepted and dispatched in the same submit."""

    content = forms.CharField(
        label=_("Content"),
        max_length=CONTENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "autofocus": True}),
    )
    category = CategoryChoiceField(label=_("Problem category"), queryset=active_categories())
    place = forms.CharField(label=_("Place"), max_length=PLACE_MAX, required=False)
    # Text, not numbers: the service says what is wrong with a coordinate (range, both or neither).
    lat = forms.CharField(
        label=_("Latitude"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    lon = forms.CharField(
        label=_("Longitude"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    reporter_name = forms.CharField(label=_("Reporter's name"), max_length=NAME_MAX, required=False)
    reporter_contact = forms.CharField(
        label=_("Reporter's contact"),
        max_length=CONTACT_MAX,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    reporter_consents = forms.BooleanField(
        label=_("The reporter agrees that the handling unit sees the name and contact"), required=False
    )
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=[(c.value, c.label) for c in OFFICE_CHANNELS])
    broadcast = BroadcastChoiceField(
        label=_("Episode or issue"),
        queryset=episodes(),
        required=False,
        help_text=_("For the TV programme or a newspaper column: the episode or issue it came in on."),
    )
    photos = FilesField(
        label=_("Photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=PHOTOS_HELP,
    )
    dispatch_now = forms.BooleanField(label=_("Accept and dispatch now"), required=False)
    unit = UnitChoiceField(label=_("Lead unit"), queryset=units(), required=False, widget=forms.Select(attrs=SEARCH))
    co_units = UnitsChoiceField(
        label=_("Co units"), queryset=units(), required=False, widget=forms.SelectMultiple(attrs=SEARCH_MANY)
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=DateInput,
        help_text=_("Empty: the category's working days from the sign-for."),
    )
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        c = super().clean() or {}
        episode, channel = c.get("broadcast"), c.get("channel")
        if episode is not None and channel and (channel not in ON_AIR or episode.programme.kind != channel):
            self.add_error("broadcast", _("An episode goes with its own programme's channel (TV or newspaper)."))
        if c.get("dispatch_now") and not c.get("unit"):
            self.add_error("unit", _("Choose the lead unit to dispatch to."))
        return c


# ---------------------------------------------------------------- triage and dispatch (the office's)


class RejectForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class DuplicateForm(BootstrapMixin, forms.Form):
    of = forms.IntegerField(label=_("Duplicate of"), min_value=1, max_value=MAX_ID)


class DispatchForm(BootstrapMixin, forms.Form):
    unit = UnitChoiceField(label=_("Lead unit"), queryset=units(), widget=forms.Select(attrs=SEARCH))
    co_units = UnitsChoiceField(
        label=_("Co units"), queryset=units(), required=False, widget=forms.SelectMultiple(attrs=SEARCH_MANY)
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=DateInput,
        help_text=_("Empty: the category's working days from the sign-for."),
    )


class RuleForm(BootstrapMixin, forms.Form):
    unit = UnitChoiceField(
        label=_("The unit that owns it"),
        queryset=units(),
        widget=forms.Select(attrs=SEARCH),
        help_text=_("Settles the send-backs: counted against a unit that sent back what it owns."),
    )


class VisitForm(BootstrapMixin, forms.Form):
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), choices=Satisfaction.choices, widget=ValueIdRadioSelect)
    solved = forms.ChoiceField(
        label=_("Actually solved?"),
        choices=[("", CHOOSE), ("yes", _("Solved (解决)")), ("no", _("Not solved (未解决)"))],
    )
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reopen = forms.BooleanField(
        label=_("Reopen: the unit works on"),
        required=False,
        help_text=_("Only when the reporter is not satisfied or it is not solved."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _checks(self, "satisfaction")


# ---------------------------------------------------------------- the unit's


class SendBackForm(BootstrapMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", CHOOSE), *SendBackReason.choices])
    basis = forms.CharField(
        label=_("Basis"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The rule, the boundary or the owner that shows it is not this unit's."),
    )


class ProgressForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("Progress report"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


class ReplyForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label=_("Reply to the reporter"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was done and the result; the office's return visit follows."),
    )
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
