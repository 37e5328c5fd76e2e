"""Units' short names (简称, Unit.aliases): the one check for the API, the admin and the demo, and the write.

An alias is a trimmed one-line string of 2–50 characters without control characters; a unit has at most 20,
none twice, and none may be any unit's name or another unit's alias (the reader must find one unit by it).
Every refusal is InvalidInput on the field "aliases" naming the offending alias."""

import re
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events.services import record
from luoshi.org import access
from luoshi.org.models import Person, Unit
from luoshi.text import check_text, is_blank

FIELD = "aliases"
ALIAS_MIN = 2
ALIAS_MAX = 50
ALIASES_MAX = 20

# The admin's box: one per line, or separated by 、 or ， (a comma too).
_SEPARATORS = re.compile(r"[\r\n、，,]+")


def split_aliases(text: str) -> list[str]:
    """The aliases typed in one box, in their order, blanks dropped (not yet checked)."""
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


def taken_names(*, excluding: int | None = None) -> dict[str, str]:
    """Every unit's name and alias → that unit's name (one query), but for the unit `excluding`."""
    rows = Unit.objects.exclude(pk=excluding) if excluding is not None else Unit.objects.all()
    taken: dict[str, str] = {}
    for name, aliases in rows.values_list("name", "aliases"):
        taken[name] = name
        for alias in aliases or []:
            taken.setdefault(alias, name)
    return taken


def clean_aliases(
    values: Iterable[object], *, name: str, unit_id: int | None = None, taken: Mapping[str, str] | None = None
) -> list[str]:
    """The aliases of the unit called `name` (its pk `unit_id` if it exists), checked: the list to store, or
    InvalidInput on "aliases". `taken` maps the other units' names and aliases to their names (the demo
    passes its own; otherwise read from the database, the unit itself left out)."""
    values = list(values)
    if len(values) > ALIASES_MAX:
        raise InvalidInput(_("A unit has at most {n} short names.").format(n=ALIASES_MAX), FIELD)
    if taken is None:
        taken = taken_names(excluding=unit_id)
    cleaned: list[str] = []
    for raw in values:
        if not isinstance(raw, str):
            raise InvalidInput(_("A short name is text."), FIELD)
        alias = check_text(raw, FIELD, multiline=False)
        if is_blank(alias):
            raise InvalidInput(_("A short name needs visible text."), FIELD)
        if not ALIAS_MIN <= len(alias) <= ALIAS_MAX:
            raise InvalidInput(
                _("The short name “{alias}” is not {low} to {high} characters long.").format(
                    alias=alias[:ALIAS_MAX], low=ALIAS_MIN, high=ALIAS_MAX
                ),
                FIELD,
            )
        if alias in cleaned:
            raise InvalidInput(_("The short name “{alias}” is given twice.").format(alias=alias), FIELD)
        if alias == name:
            raise InvalidInput(_("The short name “{alias}” is the unit's own name.").format(alias=alias), FIELD)
        if (owner := taken.get(alias)) is not None:
            raise InvalidInput(
                _("The short name “{alias}” is already taken by {unit}.").format(alias=alias, unit=owner), FIELD
            )
        cleaned.append(alias)
    return cleaned


def do_set_aliases(actor: Person, unit: Unit, values: Iterable[object]) -> Unit:
    """The system administrator sets a unit's short names; a change is the event unit.aliases_changed
    (before and after), no change records nothing."""
    if not access.can_manage_org(actor):
        raise NotAllowed(_("Only an administrator manages units and people."))
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        aliases = clean_aliases(values, name=unit.name, unit_id=unit.pk)
        before = list(unit.aliases or [])
        if before == aliases:
            return unit
        unit.aliases = aliases
        unit.save(update_fields=["aliases"])
        record(
            actor,
            "unit.aliases_changed",
            "unit",
            unit.pk,
            unit_id=unit.pk,
            before={"aliases": before},
            after={"aliases": aliases},
        )
    return unit
