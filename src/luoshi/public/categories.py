"""The problem categories (Open311's services) and their service levels: the list the admin edits, shipped
with 食品安全 … 其他 (migration 0002). A category problems use is never deleted, only taken out of use; the
API and the forms name a category by its name, Open311 by its code."""

import re
import time
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from luoshi.errors import Conflict, InvalidInput, NotAllowed, NotFound
from luoshi.events.services import record
from luoshi.org import access
from luoshi.org.models import Person
from luoshi.public.migrations_data import SHIPPED
from luoshi.public.models import Category
from luoshi.text import check_text

NAME_MAX = 40
# Each service level's bounds (inclusive): the form and the API refuse outside them.
BOUNDS: dict[str, tuple[int, int]] = {
    "respond_hours": (1, 168),
    "urgent_respond_hours": (1, 48),
    "resolve_workdays": (1, 120),
}
CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def ensure_shipped() -> None:
    """The shipped categories where a database lacks them (one a test's flush emptied)."""
    forget()
    have = set(Category.objects.values_list("code", flat=True))
    Category.objects.bulk_create(
        Category(
            name=name,
            code=code,
            respond_hours=hours,
            urgent_respond_hours=urgent,
            resolve_workdays=days,
            position=position,
        )
        for position, (name, code, hours, urgent, days) in enumerate(SHIPPED)
        if code not in have
    )


# The active categories by name, per process for a few seconds: every submission looks one up (the public
# form's pace), and they change rarely; a change here forgets them at once, other processes within seconds.
_memo: tuple[float, dict[str, Category]] | None = None
MEMO_SECONDS = 5.0


def forget() -> None:
    global _memo
    _memo = None


def _active() -> dict[str, Category]:
    global _memo
    if _memo is None or _memo[0] < time.monotonic():
        _memo = (time.monotonic() + MEMO_SECONDS, {c.name: c for c in Category.objects.filter(active=True)})
    return _memo[1]


def by_name(name: str, field: str = "category") -> Category:
    """An active category by its name (as the API takes it), else a 400 naming the field."""
    found = _active().get((name or "").strip())
    if found is None:
        names = "、".join(Category.objects.filter(active=True).values_list("name", flat=True))
        raise InvalidInput(_("Choose a category: {names}.").format(names=names), field)
    return found


def name_of(pk: int) -> str:
    """A category's name by its id (inactive ones too)."""
    for c in _active().values():
        if c.pk == pk:
            return c.name
    return Category.objects.filter(pk=pk).values_list("name", flat=True).first() or ""


def category_state(c: Category) -> dict:
    return {
        "name": c.name,
        "code": c.code,
        "respond_hours": c.respond_hours,
        "urgent_respond_hours": c.urgent_respond_hours,
        "resolve_workdays": c.resolve_workdays,
        "active": c.active,
    }


def _require_admin(actor: Person) -> None:
    if not (access.can_manage_org(actor) or access.can_steer_lists(actor)):
        raise NotAllowed(_("Only an administrator or the office edits the categories."))


def _check_levels(values: dict[str, int]) -> None:
    for name, value in values.items():
        low, high = BOUNDS[name]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput(_("Give a whole number from {low} to {high}.").format(low=low, high=high), name)
    if values["urgent_respond_hours"] > values["respond_hours"]:
        raise InvalidInput(_("An urgent problem cannot have longer to be signed for."), "urgent_respond_hours")


def do_add_category(
    actor: Person, name: str, code: str, now: datetime, description: str = "", **levels: int
) -> Category:
    _require_admin(actor)
    name = check_text(name, "name", multiline=False, required=True)
    if len(name) > NAME_MAX:
        raise InvalidInput(_("At most {n} characters.").format(n=NAME_MAX), "name")
    code = (code or "").strip().lower()
    if not CODE.match(code):
        raise InvalidInput(_("A code of lower-case letters, digits, - and _."), "code")
    description = check_text(description, "description", multiline=False)[:200]
    values = {"respond_hours": 24, "urgent_respond_hours": 2, "resolve_workdays": 15, **levels}
    _check_levels(values)
    try:
        with transaction.atomic():
            last = Category.objects.aggregate(m=Max("position"))["m"]
            c = Category.objects.create(
                name=name, code=code, description=description, position=(last or 0) + 1, **values
            )
            record(actor, "problem_category.added", "problem_category", c.pk, after=category_state(c), at=now)
            forget()
            transaction.on_commit(forget)
    except IntegrityError:
        raise Conflict(_("A category with this name or code exists."), "name") from None
    return c


def do_update_category(actor: Person, category: Category, now: datetime, **changes: object) -> tuple[Category, bool]:
    """Change a category's service levels, description or use; (category, changed). Same values: nothing."""
    _require_admin(actor)
    with transaction.atomic():
        c = Category.objects.select_for_update().filter(pk=category.pk).first()
        if c is None:
            raise NotFound(_("No such category."))
        before = category_state(c)
        levels = {k: changes.get(k, getattr(c, k)) for k in BOUNDS}
        _check_levels(levels)  # type: ignore[arg-type]
        for k, v in levels.items():
            setattr(c, k, v)
        if "active" in changes:
            c.active = bool(changes["active"])
        if "description" in changes:
            c.description = check_text(str(changes["description"]), "description", multiline=False)[:200]
        after = category_state(c)
        if after == before and c.description == category.description:
            return c, False
        c.save()
        forget()
        transaction.on_commit(forget)
        changed = [k for k in after if after[k] != before[k]]
        record(
            actor,
            "problem_category.changed",
            "problem_category",
            c.pk,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
            at=now,
        )
    return c, True
