"""Who a duty's notices reach, read in one query, and sending them once the write commits: shared by
the hand-offs, the reminder to sign and the owners' own notices (e.g. lists.change_notices)."""

from collections.abc import Collection, Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from luoshi.notify.services import Message, notify_many
from luoshi.org.models import Person, Role

# Who acts for a unit: the roles that may report for it (org.access.can_report_for).
UNIT_ROLES = (Role.LIAISON, Role.UNIT_HEAD)


class People:
    """The active people a notice may reach, read in one query: those of the given units, the given
    people (leaders), and the office if asked. Roles are a JSON list: the exact check is made here."""

    def __init__(self, unit_ids: Collection[int], person_ids: Collection[int] = (), office: bool = False) -> None:
        wanted = Q(unit_id__in=set(unit_ids)) | Q(pk__in=set(person_ids))
        if office:
            # Narrows the read on every database (JSON containment is not in SQLite); checked exactly below.
            wanted |= Q(roles__icontains=f'"{Role.OFFICE}"')
        self.by_unit: dict[int, list[int]] = {}
        self.office: list[int] = []
        self.active: set[int] = set()
        rows = Person.objects.filter(wanted, is_active=True).order_by("pk").values_list("pk", "unit_id", "roles")
        for pk, unit_id, roles in rows:
            self.active.add(pk)
            if office and Role.OFFICE in roles:
                self.office.append(pk)
            if unit_id in unit_ids and any(role in roles for role in UNIT_ROLES):
                self.by_unit.setdefault(unit_id, []).append(pk)

    def unit(self, unit_id: int) -> list[int]:
        return self.by_unit.get(unit_id, [])

    def person(self, pk: int | None) -> list[int]:
        return [pk] if pk is not None and pk in self.active else []


def send_on_commit(pairs: Iterable[tuple[int, Message]], now: datetime) -> None:
    """Queue the notices for when the write commits; each recipient once per message."""
    unique = list(dict.fromkeys((pk, m) for pk, m in pairs))
    if not unique:
        return

    def deliver() -> None:
        with transaction.atomic():
            notify_many(unique, now)

    # robust: the write has committed; a failing notice is logged rather than turned into an error page.
    transaction.on_commit(deliver, robust=True)
