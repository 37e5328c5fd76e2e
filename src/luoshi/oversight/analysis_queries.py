"""登台剖析's reads: the ranking's rows, the heads of units, the commitments and their duties, and who may
see a commitment. Each runs a fixed number of queries whatever the number of rows."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from luoshi.duties import owners
from luoshi.duties.access import visible_duties_q
from luoshi.duties.models import Duty, DutyStatus
from luoshi.org.models import Person, Role
from luoshi.oversight import analysis
from luoshi.oversight.access import is_case_officer
from luoshi.oversight.models import Analysis, AnalysisUnit, Commitment


def ordered_rows(a: Analysis) -> list[AnalysisUnit]:
    """The ranking, worst first (equal ranks by the unit's number), with units and heads: one query."""
    return list(a.ranked.select_related("unit", "head").order_by("rank", "unit_id"))


def proposal_of(rows: Sequence[AnalysisUnit], count: int) -> list[int]:
    """The units the ranking proposed: the worst `count` of those with facts (a unit the office added
    without facts was never proposed)."""
    ranked = sorted((r for r in rows if analysis.has_facts(r.facts)), key=lambda r: (r.rank, r.unit_id))
    return [r.unit_id for r in ranked][:count]


def agenda_of(rows: Sequence[AnalysisUnit]) -> list[AnalysisUnit]:
    """The units on the agenda in speaking order."""
    return sorted((r for r in rows if r.chosen), key=lambda r: (r.speaking_order or 0, r.rank, r.unit_id))


def heads_of(unit_ids: Iterable[int]) -> dict[int, Person]:
    """Each unit's head (the first active person with the unit-head role): one query. Roles are a JSON
    list, read in Python to stay portable."""
    ids = list(unit_ids)
    if not ids:
        return {}
    heads: dict[int, Person] = {}
    for p in Person.objects.filter(unit_id__in=ids, is_active=True).order_by("id"):
        if p.unit_id is not None and p.unit_id not in heads and p.has_role(Role.UNIT_HEAD):
            heads[p.unit_id] = p
    return heads


def people_of(unit_ids: Iterable[int]) -> dict[int, list[Person]]:
    """The active people of these units, for choosing who speaks: one query."""
    out: dict[int, list[Person]] = {}
    for p in Person.objects.filter(unit_id__in=list(unit_ids), is_active=True).order_by("name", "id"):
        if p.unit_id is not None:
            out.setdefault(p.unit_id, []).append(p)
    return out


def commitment_type_id() -> int:
    return owners.content_type_id("commitment")


@dataclass
class CommitmentView:
    commitment: Commitment
    duty: Duty | None


def commitments_of(a: Analysis) -> list[CommitmentView]:
    """The meeting's commitments with their duties, by unit: two queries."""
    found = list(
        Commitment.objects.filter(analysis_unit__analysis=a)
        .select_related("analysis_unit__unit")
        .order_by("analysis_unit__speaking_order", "id")
    )
    duties = {
        d.owner_id: d
        for d in Duty.objects.filter(owner_type_id=commitment_type_id(), owner_id__in=[c.pk for c in found])
        .exclude(status=DutyStatus.WITHDRAWN)
        .select_related("unit")
    }
    return [CommitmentView(c, duties.get(c.pk)) for c in found]


def analyses() -> QuerySet[Analysis]:
    return Analysis.objects.select_related("created_by").order_by("-meeting_on", "-id")


def find_commitment(person: Person, pk: int) -> CommitmentView | None:
    """A commitment this person may see: the office and discipline inspection all; others whoever may see
    its duty (the unit's head and liaison, the leaders who supervise the unit)."""
    c = (
        Commitment.objects.select_related("analysis_unit__analysis", "analysis_unit__unit", "analysis_unit__head")
        .filter(pk=pk)
        .first()
    )
    if c is None:
        return None
    duties = Duty.objects.filter(owner_type_id=commitment_type_id(), owner_id=c.pk).exclude(status=DutyStatus.WITHDRAWN)
    if not is_case_officer(person):
        q = visible_duties_q(person)
        if q is not None:
            duties = duties.filter(q)
        duty = duties.select_related("unit", "last_report", "last_report__author").first()
        return CommitmentView(c, duty) if duty is not None else None
    return CommitmentView(c, duties.select_related("unit", "last_report", "last_report__author").first())


def summary(a: Analysis, rows: Sequence[AnalysisUnit]) -> dict[str, Any]:
    """What the pages and the API say of the ranking besides its rows."""
    proposal = proposal_of(rows, a.count)
    ranked = [r for r in rows if analysis.has_facts(r.facts)]
    cut = ranked[a.count - 1] if len(ranked) >= a.count else None
    after = ranked[a.count] if len(ranked) > a.count else None
    return {
        "proposal": proposal,
        "tie_at_cut": bool(cut and after and cut.score == after.score),
        "swapped": {r.unit_id for r in rows if r.chosen} != set(proposal),
    }
