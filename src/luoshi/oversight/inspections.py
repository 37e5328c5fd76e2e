"""The writes on inspection campaigns (督查): a campaign by a joint team, and the random draw of the units
it inspects. Findings and their rectification are in oversight.findings.

The draw is reproducible: its scope as asked, the candidates as they were (sorted unit ids), the count,
the seed and the result are kept in a Draw row, so that anyone computing
`random.Random(seed).sample(candidates, count)` (the seed as the text stored) gets the same units in the
same order. The candidates leave out the units the campaign already inspects and the team's own units
(an inspector does not inspect his own unit, 回避)."""

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.duties.services import check_horizon, require_office, resolve_now
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.events.services import next_number, record
from luoshi.org import access
from luoshi.org.models import Person, Unit, UnitKind
from luoshi.oversight.models import Draw, InspectedUnit, Inspection, Method
from luoshi.text import check_text

MAX_UNITS = 500  # units named or drawn in one request
MAX_MEMBERS = 100
DRAWABLE_KINDS = (UnitKind.DEPARTMENT, UnitKind.DISTRICT, UnitKind.TOWN)


@dataclass(frozen=True)
class InspectionInput:
    title: str
    leader: Person
    period_from: date
    period_to: date
    methods: Sequence[str]
    team_units: Sequence[Unit] = ()
    members: Sequence[Person] = ()
    units: Sequence[Unit] = ()
    scope: str = ""


@dataclass(frozen=True)
class DrawInput:
    """Either `units` (the scope is these unit ids) or `kind` (every unit of the kind, under `parent`
    when given); `seed` None: a fresh one is made and kept."""

    count: int
    units: Sequence[int] = field(default_factory=tuple)
    kind: str | None = None
    parent: int | None = None
    seed: str | None = None


def may_manage(person: Person, inspection: Inspection) -> bool:
    """Draws units and edits the campaign: the office, and the team's leader."""
    return person.is_office or inspection.leader_id == person.pk


def made_with(actor: Person, kind: str, submission_key: str) -> Event | None:
    """The event of this person's earlier write of this kind under this key. The person's row is locked
    first, so that two requests with the same key queue up here and the second finds the first's."""
    Person.objects.select_for_update().filter(pk=actor.pk).first()
    return Event.objects.filter(kind=kind, actor=actor, after__submission_key=submission_key).first()


def _check(data: InspectionInput, today: date) -> tuple[str, str, list[str]]:
    title = check_text(data.title, "title", multiline=False, required=True)
    if len(title) > 200:
        raise InvalidInput(_("At most {n} characters.").format(n=200), "title")
    scope = check_text(data.scope, "scope")
    if len(scope) > 2000:
        raise InvalidInput(_("At most {n} characters.").format(n=2000), "scope")
    if not data.leader.is_active or access.kept_from_business(data.leader):
        raise InvalidInput(_("The team leader must be an active person of the business."), "leader")
    if data.period_to < data.period_from:
        raise InvalidInput(_("The period ends before it starts."), "period_to")
    check_horizon(data.period_from, "period_from", today)
    check_horizon(data.period_to, "period_to", today)
    methods = list(dict.fromkeys(data.methods))
    if not methods:
        raise InvalidInput(_("Choose at least one method."), "methods")
    if unknown := [m for m in methods if m not in Method.values]:
        raise InvalidInput(_("Unknown method: {m}.").format(m=str(unknown[0])[:30]), "methods")
    if len(data.members) > MAX_MEMBERS or len(data.units) > MAX_UNITS or len(data.team_units) > MAX_MEMBERS:
        raise InvalidInput(_("Too many at once."), "units")
    for m in data.members:
        if not m.is_active or access.kept_from_business(m):
            raise InvalidInput(_("Every team member must be an active person of the business."), "members")
    return title, scope, methods


def inspection_state(inspection: Inspection) -> dict[str, Any]:
    return {
        "code": inspection.code,
        "title": inspection.title,
        "leader": inspection.leader_id,
        "period_from": inspection.period_from.isoformat(),
        "period_to": inspection.period_to.isoformat(),
        "methods": inspection.methods,
        "team_units": sorted(u.pk for u in inspection.team_units.all()),
        "members": sorted(p.pk for p in inspection.members.all()),
        "units": sorted(inspection.inspected.values_list("unit_id", flat=True)),
    }


def do_create_inspection(
    actor: Person, data: InspectionInput, *, submission_key: str | None = None, now: datetime | None = None
) -> tuple[Inspection, bool]:
    """A campaign with its team and the units named now (more may be drawn). Returns (inspection,
    created); a repeated `submission_key` returns the first one."""
    require_office(actor)
    now = resolve_now(now)
    title, scope, methods = _check(data, timezone.localdate(now))
    if submission_key:
        earlier = Inspection.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            if earlier.created_by_id != actor.pk:
                raise Conflict(_("This submission key (Idempotency-Key) was already used."), "submission_key")
            return earlier, False
    try:
        with transaction.atomic():
            year = data.period_from.year
            inspection = Inspection.objects.create(
                code=f"{year}-DC-{next_number(f'inspection-code-{year}'):03d}",
                title=title,
                leader=data.leader,
                period_from=data.period_from,
                period_to=data.period_to,
                scope=scope,
                methods=methods,
                created_by=actor,
                created_at=now,
                submission_key=submission_key or None,
            )
            inspection.team_units.set(list(dict.fromkeys(data.team_units)))
            inspection.members.set(list(dict.fromkeys(data.members)))
            InspectedUnit.objects.bulk_create(
                InspectedUnit(inspection=inspection, unit=u) for u in dict.fromkeys(data.units)
            )
            record(actor, "inspection.created", "inspection", inspection.pk, after=inspection_state(inspection), at=now)
    except IntegrityError:
        if not submission_key:
            raise
        earlier = Inspection.objects.get(submission_key=submission_key)
        return earlier, False
    return inspection, True


def candidates_of(inspection: Inspection, data: DrawInput) -> tuple[dict[str, Any], list[int]]:
    """The scope as asked (kept as it was asked) and the sorted ids of the units it draws from."""
    if data.units and data.kind:
        raise InvalidInput(_("Give either a list of units or a kind of unit, not both."), "scope")
    if data.units:
        if len(data.units) > MAX_UNITS:
            raise InvalidInput(_("At most {n} units.").format(n=MAX_UNITS), "scope")
        asked = sorted(set(data.units))
        found = set(Unit.objects.filter(pk__in=asked).values_list("pk", flat=True))
        if missing := [u for u in asked if u not in found]:
            raise InvalidInput(_("No such unit: {ids}.").format(ids=", ".join(map(str, missing[:5]))), "scope")
        scope: dict[str, Any] = {"units": asked}
        pool = Unit.objects.filter(pk__in=asked)
    elif data.kind:
        if data.kind not in DRAWABLE_KINDS:
            raise InvalidInput(_("Draw from departments, districts and counties, or towns and streets."), "scope")
        scope = {"kind": data.kind}
        pool = Unit.objects.filter(kind=data.kind)
        if data.parent is not None:
            if not Unit.objects.filter(pk=data.parent).exists():
                raise InvalidInput(_("No such unit: {ids}.").format(ids=data.parent), "scope")
            scope["parent"] = data.parent
            pool = pool.filter(parent_id=data.parent)
    else:
        raise InvalidInput(_("Say which units to draw from."), "scope")
    taken = set(inspection.inspected.values_list("unit_id", flat=True))
    taken |= set(inspection.team_units.values_list("pk", flat=True))
    candidates = sorted(pk for pk in pool.exclude(kind=UnitKind.OFFICE).values_list("pk", flat=True) if pk not in taken)
    return scope, candidates


def draw_units(seed: str, candidates: list[int], count: int) -> list[int]:
    """The draw itself: anyone can repeat it from the stored seed and candidates."""
    return random.Random(seed).sample(candidates, count)


def do_draw(
    actor: Person,
    inspection: Inspection,
    data: DrawInput,
    *,
    submission_key: str | None = None,
    now: datetime | None = None,
) -> tuple[Draw, bool]:
    """Draw `count` units at random from the scope; they join the units inspected. Returns (draw,
    created); a repeated `submission_key` returns the first draw."""
    if not may_manage(actor, inspection):
        raise NotAllowed(_("Only the supervision office or the team's leader draws the units."))
    now = resolve_now(now)
    seed = check_text(data.seed or "", "seed", multiline=False)
    if len(seed) > 64:
        raise InvalidInput(_("At most {n} characters.").format(n=64), "seed")
    seed = seed or secrets.token_hex(8)
    with transaction.atomic():
        if submission_key and (event := made_with(actor, "inspection.drawn", submission_key)):
            return Draw.objects.get(pk=event.after["draw"]), False
        Inspection.objects.select_for_update().filter(pk=inspection.pk).first()  # draws of one campaign queue up
        scope, candidates = candidates_of(inspection, data)
        if not candidates:
            raise Conflict(_("No unit is left to draw from in this scope."), "scope")
        if not 1 <= data.count <= len(candidates):
            raise InvalidInput(
                _("Draw from 1 to {n} units (the units left in the scope).").format(n=len(candidates)), "count"
            )
        drawn = draw_units(seed, candidates, data.count)
        draw = Draw.objects.create(
            inspection=inspection,
            scope=scope,
            candidates=candidates,
            count=data.count,
            seed=seed,
            drawn=drawn,
            drawn_by=actor,
            drawn_at=now,
        )
        InspectedUnit.objects.bulk_create(InspectedUnit(inspection=inspection, unit_id=u, draw=draw) for u in drawn)
        after = {
            "draw": draw.pk,
            "scope": scope,
            "candidates": candidates,
            "count": data.count,
            "seed": seed,
            "drawn": drawn,
            **({"submission_key": submission_key} if submission_key else {}),
        }
        record(actor, "inspection.drawn", "inspection", inspection.pk, after=after, at=now)
    return draw, True
