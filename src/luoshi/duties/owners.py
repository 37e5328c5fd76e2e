"""The registry of owners: what differs between the kinds of work that owe duties.

An owner app (lists, and later the ledger, oversight, public intake) registers itself at ready();
the engine asks the registry for a duty's URL, the words its notices use, who decides on completion
and what to do when a duty changes. The engine never imports an owner.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils.functional import Promise

if TYPE_CHECKING:
    from luoshi.duties.models import Duty
    from luoshi.org.models import Person


def _nobody_else(person: "Person", duty: "Duty") -> bool:
    return False


def _nothing(duty: "Duty", reason: str, now: datetime) -> None:
    return None


def _no_lock(owner_id: int) -> None:
    return None


@dataclass(frozen=True)
class Owner:
    kind: str  # "list", "ledger_task", "finding", "problem": the events' subject type too
    model: str  # "lists.ResponsibilityList"
    label: Promise  # "responsibility list", for menus and filters
    noun: Promise  # "list", in notices: "the report on this list is due …"
    url: Callable[[int], str]  # owner id → its page
    # Who besides the office accepts or returns a completion (e.g. the list's responsible leader).
    may_decide: Callable[["Person", "Duty"], bool] = _nobody_else
    # Called inside the write's transaction after a duty's dates, status or progress changed.
    on_changed: Callable[["Duty", str, datetime], None] = _nothing
    # Row-locks the owner; a duty's writer calls it before locking the duty, so that the owner's own
    # writes (which lock the owner, then its duties) and on_changed (which may write the owner) queue
    # up in one order and never deadlock.
    lock: Callable[[int], None] = _no_lock
    # Anything else an owner's pages want to find here.
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def content_type(self) -> ContentType:
        return ContentType.objects.get_for_model(apps.get_model(self.model))


_owners: dict[str, Owner] = {}
_kind_by_type: dict[int, str] = {}


def register(owner: Owner) -> Owner:
    _owners[owner.kind] = owner
    _kind_by_type.clear()
    return owner


def unregister(kind: str) -> None:
    """For tests that register an owner of their own."""
    _owners.pop(kind, None)
    _kind_by_type.clear()


def kinds() -> list[str]:
    return list(_owners)


def get(kind: str) -> Owner:
    return _owners[kind]


def all_owners() -> list[Owner]:
    return list(_owners.values())


def content_type_id(kind: str) -> int:
    return _owners[kind].content_type.pk


def kind_of(owner_type_id: int) -> str:
    if owner_type_id not in _kind_by_type:
        _kind_by_type.update({o.content_type.pk: o.kind for o in _owners.values()})
    return _kind_by_type.get(owner_type_id, "")


def of(duty: "Duty") -> Owner:
    return _owners[kind_of(duty.owner_type_id)]


def url_of(duty: "Duty") -> str:
    kind = kind_of(duty.owner_type_id)
    return _owners[kind].url(duty.owner_id) if kind else ""
