"""The inspections' API: campaigns and their random draw, findings, the unit's rectification reports (with
evidence uploaded first through /findings/{id}/attachments), the team's verification, a finding made a
list, and the categories. Thin handlers over oversight.queries_findings (reads) and oversight.inspections /
findings (writes). A finding or inspection the caller may not see is a 404, as one that does not exist."""

from typing import Annotated

from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Header, Query, Router, UploadedFile

from luoshi.errors import InvalidInput, NotFound
from luoshi.files import services as files
from luoshi.files.models import Attachment
from luoshi.org.caller import caller
from luoshi.org.models import Person, Unit
from luoshi.oversight import findings, inspections, queries_findings
from luoshi.oversight.api_inspection_schemas import (
    CategoryIn,
    CategoryOut,
    DrawIn,
    DrawOut,
    FindingIn,
    FindingOut,
    FindingQuery,
    FindingReportIn,
    FindingReportOut,
    InspectionIn,
    InspectionOut,
    InspectionQuery,
    PagedFindingsOut,
    PagedInspectionsOut,
    ToListOut,
    UploadOut,
    VerifyIn,
    VerifyOut,
)
from luoshi.oversight.models import Draw, Finding, FindingCategory, InspectedUnit, Inspection, Verification
from luoshi.oversight.queries_findings import FindingFilters
from luoshi.schemas import ONE_LINE, Id, Page, errors

router = Router(tags=["inspections"])

IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    max_length=64,
    description="Repeating a request with the same key stores it once and answers the first record (200).",
)
Key = Annotated[str | None, ONE_LINE]


def _units(ids: list[int], field: str) -> list[Unit]:
    found = Unit.objects.in_bulk(ids)
    if missing := [i for i in ids if i not in found]:
        raise InvalidInput(_("No such unit: {ids}.").format(ids=", ".join(map(str, missing[:5]))), field)
    return [found[i] for i in dict.fromkeys(ids)]


def _people(ids: list[int], field: str) -> list[Person]:
    found = Person.objects.in_bulk(ids)
    if missing := [i for i in ids if i not in found]:
        raise InvalidInput(_("No such person: {ids}.").format(ids=", ".join(map(str, missing[:5]))), field)
    return [found[i] for i in dict.fromkeys(ids)]


def _page(qs, params: Page.Input) -> tuple[list, int]:
    return list(qs[params.offset : params.offset + params.limit]), qs.count()


# ---------------------------------------------------------------- inspections


def _inspections_out(rows: list[Inspection]) -> list[dict]:
    return [
        {
            "id": i.pk,
            "code": i.code,
            "title": i.title,
            "leader": i.leader_id,
            "leader_name": str(i.leader),
            "team_units": [u.pk for u in i.team_units.all()],
            "members": [p.pk for p in i.members.all()],
            "period_from": i.period_from,
            "period_to": i.period_to,
            "methods": i.methods,
            "scope": i.scope,
            "units": [iu.unit_id for iu in i.inspected.all()],
            "findings": i.n_findings,  # type: ignore[attr-defined]  # annotated by _inspections
            "created_at": i.created_at,
        }
        for i in rows
    ]


def _inspections(person: Person) -> QuerySet[Inspection]:
    return (
        queries_findings.visible_inspections(person)
        .select_related("leader")
        .prefetch_related("team_units", "members", "inspected")
        .annotate(n_findings=Count("findings", distinct=True))
    )


def _visible_inspection(request: HttpRequest, inspection_id: int) -> Inspection:
    inspection = queries_findings.visible_inspections(caller(request)).filter(pk=inspection_id).first()
    if inspection is None:
        raise NotFound(_("No such inspection, or not one you may see."))
    return inspection


def _inspection(request: HttpRequest, inspection_id: int) -> dict:
    """One campaign as the caller may read it: whole for the overseers and the team; a unit reads the
    campaign without the team's other units and findings."""
    person = caller(request)
    inspection = _inspections(person).filter(pk=inspection_id).first()
    if inspection is None:
        raise NotFound(_("No such inspection, or not one you may see."))
    out = _inspections_out([inspection])[0]
    if not queries_findings.sees_whole(person, inspection):
        unit_id = queries_findings.unit_of(person) or 0
        out.update(
            units=[u for u in out["units"] if u == unit_id],
            team_units=[],
            members=[],
            findings=inspection.findings.filter(unit_id=unit_id).count(),
        )
    return out


@router.post("/inspections", response={201: InspectionOut, 200: InspectionOut, **errors(403, 409)})
def create_inspection(request, payload: InspectionIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """A campaign by a joint team (the office's). Units may be named here and drawn later."""
    leader = _people([payload.leader], "leader")[0]
    data = inspections.InspectionInput(
        title=payload.title,
        leader=leader,
        period_from=payload.period_from,
        period_to=payload.period_to,
        methods=[str(m) for m in payload.methods],
        team_units=_units(payload.team_units, "team_units"),
        members=_people(payload.members, "members"),
        units=_units(payload.units, "units"),
        scope=payload.scope,
    )
    inspection, created = inspections.do_create_inspection(
        caller(request), data, submission_key=idempotency_key or None
    )
    return (201 if created else 200), _inspection(request, inspection.pk)


@router.get("/inspections", response={200: PagedInspectionsOut, **errors()})
def list_inspections(request, filters: Query[InspectionQuery], params: Query[Page.Input]):
    """The campaigns the caller may see, newest first. A unit's liaison or head sees those that inspected
    the unit, with the unit's own findings and nothing of the other units."""
    person = caller(request)
    qs = _inspections(person)
    if filters.unit:
        qs = qs.filter(pk__in=InspectedUnit.objects.filter(unit_id=filters.unit).values("inspection_id"))
    rows, count = _page(qs.order_by("-period_from", "-id"), params)
    out = _inspections_out(rows)
    if not queries_findings.sees_all(person):
        whole = set(queries_findings.team_inspection_ids(person).values_list("pk", flat=True))
        partial = [row for row in out if row["id"] not in whole]
        unit_id = queries_findings.unit_of(person) or 0
        mine: dict[int, int] = dict(
            Finding.objects.filter(inspection_id__in=[r["id"] for r in partial], unit_id=unit_id)
            .values_list("inspection_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in partial:
            row.update(
                units=[u for u in row["units"] if u == unit_id],
                team_units=[],
                members=[],
                findings=mine.get(row["id"], 0),
            )
    return {"items": out, "count": count}


@router.get("/inspections/{int:inspection_id}", response={200: InspectionOut, **errors(404)})
def get_inspection(request, inspection_id: Id):
    return _inspection(request, inspection_id)


@router.post("/inspections/{int:inspection_id}/draw", response={201: DrawOut, 200: DrawOut, **errors(403, 404, 409)})
def draw(request, inspection_id: Id, payload: DrawIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """Draw units at random from a scope (the office or the team's leader); the seed, the candidates and the
    result are kept, so that random.Random(seed).sample(candidates, count) gives the same units again."""
    inspection = _visible_inspection(request, inspection_id)
    if isinstance(payload.scope, list):
        data = inspections.DrawInput(count=payload.count, units=payload.scope, seed=_seed(payload.seed))
    else:
        data = inspections.DrawInput(
            count=payload.count, kind=payload.scope.kind, parent=payload.scope.parent, seed=_seed(payload.seed)
        )
    d, created = inspections.do_draw(caller(request), inspection, data, submission_key=idempotency_key or None)
    return (201 if created else 200), _draw_out(d)


def _seed(seed: str | int | None) -> str | None:
    return None if seed is None else str(seed)


def _draw_out(d: Draw) -> dict:
    return {
        "units": d.drawn,
        "draw": d.pk,
        "scope": d.scope,
        "candidates": d.candidates,
        "count": d.count,
        "seed": d.seed,
    }


# ---------------------------------------------------------------- findings


def _findings_out(rows: list[Finding]) -> list[dict]:
    out = []
    for f in rows:
        duty = queries_findings.duty_of(f)
        out.append(
            {
                "id": f.pk,
                "code": f.code,
                "inspection": f.inspection_id,
                "unit": f.unit_id,
                "unit_name": f.unit.name,
                "category": f.category.name,
                "severity": f.severity,
                "status": findings.status(f, duty),
                "description": f.description,
                "requirement": f.requirement,
                "found_on": f.found_on,
                "deadline": duty.deadline if duty else f.deadline,
                "duty": duty.pk if duty else None,
                "progress": duty.progress if duty else 0,
                "list": f.list_id,
                "closed_at": f.closed_at,
            }
        )
    return out


def _visible_finding(request: HttpRequest, finding_id: int) -> Finding:
    finding = queries_findings.one_finding(caller(request), finding_id)
    if finding is None:
        raise NotFound(_("No such finding, or not one you may see."))
    return finding


def _finding(request: HttpRequest, finding_id: int) -> dict:
    return _findings_out([_visible_finding(request, finding_id)])[0]


def _category(name: str) -> FindingCategory:
    category = FindingCategory.objects.filter(name=name).first()
    if category is None:
        raise InvalidInput(_("No such category: {name}.").format(name=name), "category")
    return category


@router.post(
    "/inspections/{int:inspection_id}/findings", response={201: FindingOut, 200: FindingOut, **errors(403, 404, 409)}
)
def create_finding(request, inspection_id: Id, payload: FindingIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """Record a problem at an inspected unit (the team or the office); the unit's rectification duty opens."""
    inspection = _visible_inspection(request, inspection_id)
    data = findings.FindingInput(
        unit=_units([payload.unit], "unit")[0],
        category=_category(payload.category),
        severity=str(payload.severity),
        description=payload.description,
        requirement=payload.requirement,
        deadline=payload.deadline,
        found_on=payload.found_on,
        report_every_days=payload.report_every_days,
    )
    finding, created = findings.do_create_finding(
        caller(request), inspection, data, submission_key=idempotency_key or None
    )
    return (201 if created else 200), _finding(request, finding.pk)


@router.get("/findings", response={200: PagedFindingsOut, **errors()})
def list_findings(request, filters: Query[FindingQuery], params: Query[Page.Input]):
    """The findings the caller may see, newest first: a unit's liaison or head sees the unit's only."""
    f = FindingFilters(
        inspection=filters.inspection, unit=filters.unit, status=str(filters.status) if filters.status else ""
    )
    rows, count = _page(queries_findings.filtered(caller(request), f, timezone.localdate()), params)
    return {"items": _findings_out(rows), "count": count}


@router.get("/findings/{int:finding_id}", response={200: FindingOut, **errors(404)})
def get_finding(request, finding_id: Id):
    return _finding(request, finding_id)


def _file_out(a: Attachment) -> dict:
    return {"id": a.pk, "name": a.name, "content_type": a.content_type, "size": a.size}


@router.post(
    "/findings/{int:finding_id}/attachments", response={201: UploadOut, 200: UploadOut, **errors(403, 404, 409)}
)
def upload(request, finding_id: Id, file: File[list[UploadedFile]], idempotency_key: Key = IDEMPOTENCY_KEY):
    """Evidence for the unit's next report (multipart, field `file`, up to 9 images or PDFs): the same person
    then names the ids in `attachments` of POST /findings/{id}/reports."""
    finding = _visible_finding(request, finding_id)
    checked = files.check_uploads(file, "file")
    stored, created = findings.do_upload_evidence(
        caller(request), finding, checked, submission_key=idempotency_key or None
    )
    return (201 if created else 200), {"attachments": [_file_out(a) for a in stored]}


@router.post(
    "/findings/{int:finding_id}/reports",
    response={201: FindingReportOut, 200: FindingReportOut, **errors(403, 404, 409)},
)
def report(request, finding_id: Id, payload: FindingReportIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """The unit's report on its rectification (its liaison or head); `request_completion` asks the team to
    verify. 200 when the same Idempotency-Key and report came before."""
    finding = _visible_finding(request, finding_id)
    r, created = findings.do_report_finding(
        caller(request),
        finding,
        progress=payload.progress,
        done=payload.done,
        difficulties=payload.difficulties,
        next_steps=payload.next_steps,
        request_completion=payload.request_completion,
        attachments=payload.attachments,
        submission_key=idempotency_key or None,
    )
    fresh = _visible_finding(request, finding_id)
    out = {
        "id": r.pk,
        "finding": finding.pk,
        "progress": r.progress,
        "done": r.done,
        "difficulties": r.difficulties,
        "next_steps": r.next_steps,
        "request_completion": r.request_completion,
        "filed_at": r.filed_at,
        "author": str(r.author),
        "attachments": [_file_out(a) for a in files.listed("report", [r.pk]).get(r.pk, [])],
        "status": findings.status(fresh, queries_findings.duty_of(fresh)),
    }
    return (201 if created else 200), out


def _verify_out(v: Verification, finding: Finding) -> dict:
    return {
        "id": v.pk,
        "finding": finding.pk,
        "passed": v.passed,
        "note": v.note,
        "verified_at": v.verified_at,
        "status": findings.status(finding, queries_findings.duty_of(finding)),
    }


@router.post("/findings/{int:finding_id}/verify", response={201: VerifyOut, 200: VerifyOut, **errors(403, 404, 409)})
def verify(request, finding_id: Id, payload: VerifyIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """The team's verdict on the unit's completion request: passed closes the finding; failed (with a note)
    sends the rectification back."""
    finding = _visible_finding(request, finding_id)
    v, created = findings.do_verify(
        caller(request), finding, passed=payload.passed, note=payload.note, submission_key=idempotency_key or None
    )
    return (201 if created else 200), _verify_out(v, _visible_finding(request, finding_id))


@router.post("/findings/{int:finding_id}/to-list", response={201: ToListOut, 200: ToListOut, **errors(403, 404, 409)})
def to_list(request, finding_id: Id):
    """The finding becomes a published responsibility list (source inspection) in one step (the office's);
    a second call answers the same list (200)."""
    finding = _visible_finding(request, finding_id)
    rlist, created = findings.do_finding_to_list(caller(request), finding)
    return (201 if created else 200), {"list": rlist.pk, "code": rlist.code}


# ---------------------------------------------------------------- categories


def _category_out(c: FindingCategory) -> dict:
    return {"id": c.pk, "name": c.name, "position": c.position, "active": c.active}


@router.get("/finding-categories", response={200: list[CategoryOut], **errors()})
def list_categories(request):
    """Every category, in use or not, in the office's order."""
    return [_category_out(c) for c in FindingCategory.objects.all()]


@router.post("/finding-categories", response={201: CategoryOut, 200: CategoryOut, **errors(403, 409)})
def add_category(request, payload: CategoryIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    c, created = findings.do_add_category(caller(request), payload.name, submission_key=idempotency_key or None)
    return (201 if created else 200), _category_out(c)
