"""What the pages of every area share: the signed-in request, paging, form errors, the office guard,
and the Bootstrap look of forms. Lives below the apps so that lists and escalation both use it."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.middleware import HtmxDetails

from luoshi.errors import InvalidInput, ServiceError
from luoshi.org import access
from luoshi.org.models import Person
from luoshi.text import check_text


class Request(HttpRequest):
    """What a view behind login_required gets: a signed-in person and django-htmx's details."""

    user: Person
    htmx: HtmxDetails


def office_only(request: Request) -> None:
    if not access.can_steer_lists(request.user):
        raise PermissionDenied(_("This page is for the supervision office."))


class _CountedPaginator(Paginator):
    """A paginator told how many rows there are (e.g. by a tally), so it never counts them."""

    def __init__(self, object_list: Any, per_page: int, known: int) -> None:
        super().__init__(object_list, per_page)
        self.known = known

    @cached_property
    def count(self) -> int:
        return self.known


def paginate(qs: Any, number: int | str | None, count: int | None = None) -> Page:
    """A page of qs (an out-of-range number gives the last page) with the elided page range;
    `count`, when the caller knows it, spares the COUNT(*) over every row."""
    if count is None:
        page = Paginator(qs, settings.LUOSHI_PAGE_SIZE).get_page(number)
    else:
        page = _CountedPaginator(qs, settings.LUOSHI_PAGE_SIZE, count).get_page(number)
    page.elided = list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))  # type: ignore[attr-defined]
    return page


def form_errors(form: forms.BaseForm) -> list[str]:
    return [str(e) for errors in form.errors.values() for e in errors]


DJANGO_EMPTY_LABEL = "---------"
CHOOSE = gettext_lazy("Choose…")


# Mixins for forms: typed as forms so that mypy knows their fields (they come first in the bases).
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class CheckedTextMixin(_FormBase):
    """Every text field goes through luoshi.text.check_text: no NUL, control or bidi characters, and a
    required field needs visible text (not only zero-width spaces). Line breaks only in text areas."""

    def _clean_fields(self) -> None:
        super()._clean_fields()  # type: ignore[misc]
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if isinstance(field, forms.CharField) and isinstance(value, str):
                multiline = isinstance(field.widget, forms.Textarea)
                try:
                    checked = check_text(value, name, multiline=multiline, required=field.required)
                    self.cleaned_data[name] = checked
                except InvalidInput as e:
                    self.add_error(name, e.message)


class BootstrapMixin(CheckedTextMixin):
    """Give every widget its Bootstrap class, and mark the fields that have errors."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _name_the_empty_choice(field)
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        self.mark_invalid()

    def show_refusal(self, err: ServiceError, skip: tuple[str, ...] = ()) -> None:
        """Put a service's InvalidInput on its field, when this form has that field."""
        if isinstance(err, InvalidInput) and err.field in self.fields and err.field not in skip:
            self.add_error(err.field, err.message)
            self.mark_invalid()

    def mark_invalid(self) -> None:
        """Called again after a service error is added to a field."""
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def _name_the_empty_choice(field: forms.Field) -> None:
    """Django's empty choice reads "---------"; ours asks the person to choose."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DJANGO_EMPTY_LABEL:
            field.empty_label = CHOOSE
    elif isinstance(field, forms.ChoiceField):
        choices = field.choices  # normalised to a list by the field
        if isinstance(choices, list) and choices and choices[0] == ("", DJANGO_EMPTY_LABEL):
            field.choices = [("", CHOOSE), *choices[1:]]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")
