"""Per-person notification preferences: mute a kind of notice, or choose its outside channels.

No row means the default (inbox and every active channel). A choice equal to the default deletes the
row, so that a channel kind added later reaches everyone who never narrowed their channels.
"""

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events.services import record
from luoshi.notify import kinds
from luoshi.notify.models import Channel, ChannelKind, Preference
from luoshi.org import access
from luoshi.org.models import Person

ALL_CHANNELS: tuple[str, ...] = tuple(ChannelKind.values)
# What a person reads on the settings page (the admin's labels say how each channel works).
CHANNEL_LABELS: dict[str, str | Promise] = {
    ChannelKind.EMAIL: gettext_lazy("E-mail"),
    ChannelKind.SMS: gettext_lazy("SMS"),
    ChannelKind.WECOM: gettext_lazy("WeCom group"),
    ChannelKind.DINGTALK: gettext_lazy("DingTalk group"),
}


@dataclass(frozen=True)
class Choice:
    """What a person asks for one kind: `channels` are ChannelKind values."""

    kind: str
    muted: bool
    channels: Collection[str]


@dataclass(frozen=True)
class Setting:
    """One kind as the person has it now (the default when they never chose)."""

    kind: str
    label: str
    mutable: bool
    muted: bool
    channels: tuple[str, ...]


def ordered_channels(values: Iterable[str]) -> tuple[str, ...]:
    chosen = set(values)
    return tuple(c for c in ALL_CHANNELS if c in chosen)


def active_channel_kinds() -> list[str]:
    """The outside channel kinds that are set up, in ChannelKind's order: what a person may choose among."""
    return list(ordered_channels(Channel.objects.filter(active=True).values_list("kind", flat=True)))


def preferences_of(person_ids: Collection[int], kind_names: Collection[str]) -> dict[tuple[int, str], Preference]:
    """(person id, kind) → Preference for the registered kinds among `kind_names`: one query, or none."""
    tunable = [k for k in set(kind_names) if kinds.get(k)]
    if not person_ids or not tunable:
        return {}
    rows = Preference.objects.filter(person_id__in=person_ids, kind__in=tunable)
    return {(p.person_id, p.kind): p for p in rows}


def wanted(pref: Preference | None, kind: str) -> tuple[bool, frozenset[str] | None]:
    """(inbox?, channel kinds or None for all) for a notice of `kind` to the owner of `pref`."""
    if pref is None or not kinds.get(kind):
        return True, None
    if pref.muted and kinds.is_mutable(kind):
        return False, frozenset()
    return True, frozenset(pref.channels)


def settings_of(person: Person) -> list[Setting]:
    """Every registered kind with the person's choice (or the default)."""
    own = {p.kind: p for p in Preference.objects.filter(person=person)}
    out = []
    for entry in kinds.registered():
        pref = own.get(entry.kind)
        muted = bool(pref and pref.muted and entry.mutable)
        channels = ordered_channels(pref.channels) if pref else ALL_CHANNELS
        out.append(Setting(entry.kind, str(entry.label), entry.mutable, muted, channels))
    return out


def _checked(choices: Sequence[Choice]) -> dict[str, tuple[bool, tuple[str, ...]]]:
    """kind → (muted, channels); a wrong entry is a 400 naming items.N.<field>, as the API sends them."""
    out: dict[str, tuple[bool, tuple[str, ...]]] = {}
    for i, choice in enumerate(choices):
        entry = kinds.get(choice.kind)
        if entry is None:
            raise InvalidInput(_("Unknown kind of notice: {kind}.").format(kind=choice.kind), f"items.{i}.kind")
        if choice.kind in out:
            raise InvalidInput(_("Each kind of notice may be given once."), f"items.{i}.kind")
        if choice.muted and not entry.mutable:
            raise InvalidInput(
                _("{kind} cannot be muted: it always reaches the inbox.").format(kind=entry.label),
                f"items.{i}.muted",
            )
        unknown = [c for c in choice.channels if c not in ALL_CHANNELS]
        if unknown:
            raise InvalidInput(_("Unknown channel: {channel}.").format(channel=unknown[0]), f"items.{i}.channels")
        out[choice.kind] = (choice.muted, ordered_channels(choice.channels))
    return out


def _as_dict(muted: bool, channels: Iterable[str]) -> dict:
    return {"muted": muted, "channels": list(channels)}


def do_set_preferences(
    actor: Person, person: Person, choices: Sequence[Choice], now: datetime | None = None
) -> list[Setting]:
    """Store `person`'s choices for the kinds given (other kinds keep theirs). Only the person themself
    or an administrator. Asking for what is already stored changes nothing and records nothing."""
    if actor.pk != person.pk and not access.can_manage_org(actor):
        raise NotAllowed(_("Only the person themself or an administrator may change these settings."))
    asked = _checked(choices)
    now = now or timezone.now()
    with transaction.atomic():
        # Serialise writers for this person: two saves at once must not both insert the same kind.
        list(Person.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True))
        stored = {p.kind: p for p in Preference.objects.filter(person=person, kind__in=list(asked))}
        before, after = {}, {}
        for kind, (muted, channels) in asked.items():
            pref = stored.get(kind)
            old = (pref.muted, ordered_channels(pref.channels)) if pref else (False, ALL_CHANNELS)
            if old == (muted, channels):
                continue
            before[kind], after[kind] = _as_dict(*old), _as_dict(muted, channels)
            if (muted, channels) == (False, ALL_CHANNELS):
                Preference.objects.filter(person=person, kind=kind).delete()
            else:
                Preference.objects.update_or_create(
                    person=person,
                    kind=kind,
                    defaults={"muted": muted, "channels": list(channels), "updated_at": now},
                )
        if after:
            record(actor, "notify.preferences", "person", person.pk, before=before, after=after, at=now)
    return settings_of(person)
