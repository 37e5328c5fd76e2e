"""The kinds of notice a person may tune: a registry that the apps above notify fill at ready().

    from luoshi.notify import kinds
    kinds.register("duty.assigned", gettext_lazy("A duty assigned to my unit"))

A kind is the `Message.kind` string. Only registered kinds appear on the settings page and take
preferences; an unregistered kind reaches everyone's inbox and every channel, as before.

The urging ladder's steps ("escalation.reminder", "escalation.urge", "escalation.order",
"escalation.talk_proposal") can never be muted, whatever their registration says: a unit must not
escape being urged by switching the urge off. Their outside channels may still be chosen.
"""

import re
from dataclasses import dataclass

from django.utils.functional import Promise

LADDER_PREFIX = "escalation."
KIND_MAX = 30  # Notification.kind and Preference.kind
_KIND_RE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")

_registry: dict[str, "Kind"] = {}


@dataclass(frozen=True)
class Kind:
    kind: str
    label: str | Promise  # a lazy translation: shown in the reader's language
    mutable: bool


def is_ladder(kind: str) -> bool:
    return kind.startswith(LADDER_PREFIX)


def register(kind: str, label: str | Promise, *, mutable: bool = True) -> Kind:
    """Make `kind` tunable. Registering it again replaces the label (apps may be reloaded in tests)."""
    if len(kind) > KIND_MAX or not _KIND_RE.fullmatch(kind):
        raise ValueError(f"A notice kind is dotted lower-case words of at most {KIND_MAX} characters: {kind!r}")
    entry = Kind(kind, label, mutable and not is_ladder(kind))
    _registry[kind] = entry
    return entry


def registered() -> list[Kind]:
    """Every registered kind, in the order the apps registered them (the settings page's order)."""
    return list(_registry.values())


def get(kind: str) -> Kind | None:
    return _registry.get(kind)


def is_mutable(kind: str) -> bool:
    """Whether a person may mute `kind`: registered as mutable, and not a step of the ladder."""
    entry = _registry.get(kind)
    return entry is not None and entry.mutable
