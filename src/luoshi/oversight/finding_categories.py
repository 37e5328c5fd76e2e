"""The finding categories (问题类别): the list the office edits. Shipped with 清单落实不到位, 作风纪律,
项目推进, 服务群众, 其他 (migration 0002). A category in use by findings is never deleted: it is taken out of
use (`active` False), and new findings cannot take it; the API and the forms name a category by its name."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from luoshi.duties.services import require_office, resolve_now
from luoshi.errors import Conflict, InvalidInput
from luoshi.events.services import record
from luoshi.org.models import Person
from luoshi.oversight.inspections import made_with
from luoshi.oversight.models import FindingCategory
from luoshi.text import check_text

NAME_MAX = 40
SHIPPED = ("清单落实不到位", "作风纪律", "项目推进", "服务群众", "其他")  # as migration 0002 ships them


def ensure_shipped() -> None:
    """The shipped categories, where a database lacks them (one emptied by a test's flush, a demo's
    reset); those the office took out of use stay so."""
    have = set(FindingCategory.objects.filter(name__in=SHIPPED).values_list("name", flat=True))
    FindingCategory.objects.bulk_create(
        FindingCategory(name=name, position=position) for position, name in enumerate(SHIPPED) if name not in have
    )


def clean_name(name: str) -> str:
    name = check_text(name, "name", multiline=False, required=True)
    if len(name) > NAME_MAX:
        raise InvalidInput(_("At most {n} characters.").format(n=NAME_MAX), "name")
    return name


def category_state(c: FindingCategory) -> dict:
    return {"name": c.name, "position": c.position, "active": c.active}


def do_add_category(
    actor: Person, name: str, *, submission_key: str | None = None, now: datetime | None = None
) -> tuple[FindingCategory, bool]:
    """A new category, last in the list. Returns (category, created); a repeated `submission_key`
    returns the first; a name already taken is a conflict."""
    require_office(actor)
    now = resolve_now(now)
    name = clean_name(name)
    try:
        with transaction.atomic():
            if submission_key and (event := made_with(actor, "finding_category.added", submission_key)):
                return FindingCategory.objects.get(pk=event.subject_id), False
            last = FindingCategory.objects.aggregate(m=Max("position"))["m"]
            category = FindingCategory.objects.create(name=name, position=0 if last is None else last + 1)
            after = {**category_state(category), **({"submission_key": submission_key} if submission_key else {})}
            record(actor, "finding_category.added", "finding_category", category.pk, after=after, at=now)
    except IntegrityError:
        raise Conflict(_("The category “{name}” already exists.").format(name=name), "name") from None
    return category, True


def do_update_category(
    actor: Person,
    category: FindingCategory,
    *,
    name: str | None = None,
    position: int | None = None,
    active: bool | None = None,
    now: datetime | None = None,
) -> FindingCategory:
    """Rename, move or take a category out of use (or back into it); its findings keep it."""
    require_office(actor)
    now = resolve_now(now)
    if position is not None and not 0 <= position <= 1000:
        raise InvalidInput(_("Give a position from 0 to 1000."), "position")
    try:
        with transaction.atomic():
            c = FindingCategory.objects.select_for_update().get(pk=category.pk)
            before = category_state(c)
            if name is not None:
                c.name = clean_name(name)
            if position is not None:
                c.position = position
            if active is not None:
                c.active = active
            if category_state(c) == before:
                return c
            c.save(update_fields=["name", "position", "active"])
            record(
                actor,
                "finding_category.updated",
                "finding_category",
                c.pk,
                before=before,
                after=category_state(c),
                at=now,
            )
    except IntegrityError:
        raise Conflict(_("The category “{name}” already exists.").format(name=name), "name") from None
    return c
