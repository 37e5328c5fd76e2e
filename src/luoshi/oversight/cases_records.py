"""The writes on incidents (事故/事件), violations of work-style discipline (违反作风纪律) and accountability
decisions (问责) with their dossiers. Each is the office's or the discipline role's, one transaction and
one event; a repeated submission key returns the first record (oversight.cases.once)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.duties.services import resolve_now
from luoshi.errors import InvalidInput
from luoshi.events.services import record
from luoshi.files import services as files
from luoshi.files.models import Attachment
from luoshi.org.models import Person, Unit
from luoshi.oversight.cases import check_day, check_reasons, once, require_officer, store_reasons
from luoshi.oversight.models import (
    Accountability,
    Incident,
    MeasureKind,
    SubjectKind,
    Violation,
)
from luoshi.oversight.models_cases import PERSON_MEASURES, SANCTIONS, UNIT_MEASURES
from luoshi.text import check_text

MAX_INVOLVED = 100
Checked = list[tuple[str, str, bytes]]  # files.check_uploads: (name, content type, bytes)


@dataclass(frozen=True)
class IncidentInput:
    title: str
    happened_on: date
    place: str = ""
    description: str = ""
    units: Sequence[Unit] = ()
    people: Sequence[Person] = ()


def do_create_incident(
    actor: Person, data: IncidentInput, *, now: datetime | None = None, submission_key: str | None = None
) -> tuple[Incident, bool]:
    require_officer(actor)
    now = resolve_now(now)
    title = check_text(data.title, "title", multiline=False, required=True)
    place = check_text(data.place, "place", multiline=False)
    description = check_text(data.description, "description")
    if len(title) > 200:
        raise InvalidInput(_("At most 200 characters."), "title")
    if len(place) > 200:
        raise InvalidInput(_("At most 200 characters."), "place")
    check_day(data.happened_on, "happened_on", now)
    units, people = list(dict.fromkeys(data.units)), list(dict.fromkeys(data.people))
    if len(units) > MAX_INVOLVED:
        raise InvalidInput(_("At most {n} units.").format(n=MAX_INVOLVED), "units")
    if len(people) > MAX_INVOLVED:
        raise InvalidInput(_("At most {n} people.").format(n=MAX_INVOLVED), "people")

    def create() -> Incident:
        incident = Incident.objects.create(
            title=title,
            happened_on=data.happened_on,
            place=place,
            description=description,
            created_by=actor,
            created_at=now,
            submission_key=submission_key or None,
        )
        incident.units.set(units)
        incident.people.set(people)
        after = {
            "title": title,
            "happened_on": data.happened_on.isoformat(),
            "units": [u.pk for u in units],
            "people": [p.pk for p in people],
        }
        record(actor, "incident.created", "incident", incident.pk, after=after, at=now)
        return incident

    return once(Incident, actor, submission_key, create)


def do_create_violation(
    actor: Person,
    *,
    person: Person,
    description: str,
    found_on: date,
    unit: Unit | None = None,
    now: datetime | None = None,
    submission_key: str | None = None,
) -> tuple[Violation, bool]:
    """A violation of work-style discipline found, with the person involved (kept under his unit, or
    the unit given: where he served when it was found)."""
    require_officer(actor)
    now = resolve_now(now)
    unit = unit or person.unit
    if unit is None:
        raise InvalidInput(_("This person belongs to no unit: name the unit."), "unit")
    text = check_text(description, "description", required=True)
    check_day(found_on, "found_on", now)

    def create() -> Violation:
        v = Violation.objects.create(
            person=person,
            unit=unit,
            description=text,
            found_on=found_on,
            created_by=actor,
            created_at=now,
            submission_key=submission_key or None,
        )
        after = {"person": person.pk, "found_on": found_on.isoformat()}
        record(actor, "violation.created", "violation", v.pk, unit_id=unit.pk, after=after, at=now)
        return v

    return once(Violation, actor, submission_key, create)


@dataclass(frozen=True)
class AccountabilityInput:
    measures: Sequence[str]
    decided_on: date
    body: str
    unit: Unit | None = None
    person: Person | None = None
    reasons: Sequence[tuple[str, int]] = ()
    summary: str = ""
    public: bool = False


def check_measures(subject_kind: str, measures: Iterable[str]) -> list[str]:
    """The measures of the rules for the subject (an organisation's or a person's), in the rules' order."""
    chosen = list(dict.fromkeys(measures))
    if not chosen:
        raise InvalidInput(_("Choose at least one measure."), "measures")
    allowed = UNIT_MEASURES if subject_kind == SubjectKind.UNIT else PERSON_MEASURES
    for m in chosen:
        if m not in allowed:
            if m in MeasureKind.values:
                message = (
                    _("{measure} is not a measure for a unit.")
                    if subject_kind == SubjectKind.UNIT
                    else _("{measure} is not a measure for a person.")
                ).format(measure=MeasureKind(m).label)
            else:
                message = _("Unknown measure.")
            raise InvalidInput(message, "measures")
    return [m for m in allowed if m in chosen]


def do_create_accountability(
    actor: Person,
    data: AccountabilityInput,
    *,
    dossier: Checked | None = None,
    now: datetime | None = None,
    submission_key: str | None = None,
) -> tuple[Accountability, bool]:
    """An accountability decision on a unit or a person: the measures the rules allow for the subject
    (`disciplined` when a Party or government sanction is among them), the reasons it cites, and its
    dossier (uploads checked with files.check_uploads before the call)."""
    require_officer(actor)
    now = resolve_now(now)
    if data.person is not None:
        subject_kind, unit = SubjectKind.PERSON, data.unit or data.person.unit
        if unit is None:
            raise InvalidInput(_("This person belongs to no unit: name the unit."), "unit")
    elif data.unit is not None:
        subject_kind, unit = SubjectKind.UNIT, data.unit
    else:
        raise InvalidInput(_("Name the unit or the person."), "unit")
    measures = check_measures(subject_kind, data.measures)
    check_day(data.decided_on, "decided_on", now)
    body = check_text(data.body, "body", multiline=False, required=True)
    if len(body) > 100:
        raise InvalidInput(_("At most 100 characters."), "body")
    summary = check_text(data.summary, "summary")
    reasons = check_reasons(data.reasons)

    def create() -> Accountability:
        case = Accountability.objects.create(
            subject_kind=subject_kind,
            unit=unit,
            person=data.person,
            measures=measures,
            disciplined=any(m in SANCTIONS for m in measures),
            decided_on=data.decided_on,
            body=body,
            summary=summary,
            public=data.public,
            created_by=actor,
            created_at=now,
            submission_key=submission_key or None,
        )
        store_reasons("accountability", case.pk, reasons)
        stored = files.store(dossier, "accountability", case.pk, actor, now) if dossier else []
        after = {
            "subject": subject_kind,
            "person": case.person_id,
            "measures": measures,
            "disciplined": case.disciplined,
            "public": case.public,
            "decided_on": case.decided_on.isoformat(),
            "reasons": [f"{k}:{i}" for k, i in reasons],
            "files": [a.name for a in stored],
        }
        record(actor, "accountability.created", "accountability", case.pk, unit_id=unit.pk, after=after, at=now)
        return case

    return once(Accountability, actor, submission_key, create)


def do_add_to_dossier(
    actor: Person, case: Accountability, dossier: Checked, *, now: datetime | None = None
) -> list[Attachment]:
    """More documents for a decision's dossier (checked with files.check_uploads before the call)."""
    require_officer(actor)
    now = resolve_now(now)
    if not dossier:
        raise InvalidInput(_("Choose a file to add."), "documents")
    if len(files.listed("accountability", [case.pk]).get(case.pk, [])) + len(dossier) > 3 * files.MAX_FILES:
        raise InvalidInput(_("This dossier holds as many files as it may."), "documents")
    with transaction.atomic():
        stored = files.store(dossier, "accountability", case.pk, actor, now)
        after = {"files": [a.name for a in stored]}
        record(
            actor, "accountability.dossier_added", "accountability", case.pk, unit_id=case.unit_id, after=after, at=now
        )
    return stored
