"""登台剖析's writes: the office ranks the units for a period and proposes the worst N (do_create_analysis),
may change the agenda before confirming it (do_set_agenda, do_confirm_agenda), and after the meeting
records each head's commitments, which become the unit's duties (do_record_commitment, owner kind
"commitment"), opened at once.

Each write checks who acts, runs in one transaction and records one event. A repeated submission key
(the form's hidden key, the API's Idempotency-Key) returns what the first submission stored.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi import text
from luoshi.duties import handoffs, owners
from luoshi.duties.models import Duty, DutyStatus, HandlingRole
from luoshi.duties.services import check_horizon, do_open_duties, resolve_now
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.services import next_number, record
from luoshi.org.models import Person
from luoshi.oversight import analysis
from luoshi.oversight.access import is_case_officer
from luoshi.oversight.analysis_queries import heads_of, ordered_rows, proposal_of
from luoshi.oversight.models import Analysis, AnalysisUnit, Commitment

TITLE_MAX, PLACE_MAX, NOTE_MAX, COMMITMENT_MAX = 200, 100, 2000, 4000
CADENCE_MAX = 366


def may_read(person: Person) -> bool:
    """The analyses and their dossiers hold restricted records (talks): the office and discipline only."""
    return is_case_officer(person)


def require_reader(person: Person) -> None:
    if not may_read(person):
        raise NotAllowed(_("The public self-analysis is for the supervision office and discipline inspection only."))


def require_office(person: Person) -> None:
    if not person.is_office:
        raise NotAllowed(_("Only the supervision office prepares the public self-analysis."))


def default_title(meeting_on: date) -> str:
    return _("Public self-analysis meeting of {date}").format(date=meeting_on.isoformat())


def _check_analysis_input(
    *, title: str, place: str, period_from: date, period_to: date, meeting_on: date, count: int, today: date
) -> tuple[str, str]:
    title = text.check_text(title, "title", multiline=False)
    place = text.check_text(place, "place", multiline=False)
    if len(title) > TITLE_MAX:
        raise InvalidInput(_("At most {n} characters.").format(n=TITLE_MAX), "title")
    if len(place) > PLACE_MAX:
        raise InvalidInput(_("At most {n} characters.").format(n=PLACE_MAX), "place")
    check_horizon(period_from, "period_from", today)
    check_horizon(meeting_on, "meeting_on", today)
    if period_from > period_to:
        raise InvalidInput(_("The period starts after it ends."), "period_from")
    if period_to > today:
        raise InvalidInput(_("The period cannot end in the future: its facts are not known yet."), "period_to")
    if meeting_on < period_to:
        raise InvalidInput(_("The meeting comes after the period it looks back on."), "meeting_on")
    if not 1 <= count <= analysis.MAX_COUNT:
        raise InvalidInput(_("Propose from 1 to {max} units.").format(max=analysis.MAX_COUNT), "count")
    return title, place


def do_create_analysis(
    actor: Person,
    *,
    period_from: date,
    period_to: date,
    meeting_on: date,
    count: int = 4,
    weights: Mapping[str, object] | None = None,
    title: str = "",
    place: str = "",
    submission_key: str | None = None,
    now: datetime | None = None,
) -> tuple[Analysis, bool]:
    """Rank every unit with any fact in the period by its score and propose the worst `count` for the
    meeting's agenda, in that speaking order, each with its head. Returns (analysis, created)."""
    require_office(actor)
    now = resolve_now(now)
    today = timezone.localdate(now)
    title, place = _check_analysis_input(
        title=title,
        place=place,
        period_from=period_from,
        period_to=period_to,
        meeting_on=meeting_on,
        count=count,
        today=today,
    )
    used = analysis.check_weights(weights)
    if submission_key and (earlier := Analysis.objects.filter(submission_key=submission_key).first()):
        return earlier, False
    try:
        with transaction.atomic():
            ranking = analysis.rank(analysis.gather(period_from, period_to), used)
            chosen = analysis.proposed(ranking, count)
            heads = heads_of(chosen)
            a = Analysis.objects.create(
                title=title or default_title(meeting_on),
                period_from=period_from,
                period_to=period_to,
                meeting_on=meeting_on,
                place=place,
                count=count,
                weights=used,
                created_by=actor,
                created_at=now,
                submission_key=submission_key or None,
            )
            order = {unit_id: i for i, unit_id in enumerate(chosen, start=1)}
            AnalysisUnit.objects.bulk_create(
                AnalysisUnit(
                    analysis=a,
                    unit_id=r.unit_id,
                    rank=r.rank,
                    score=analysis.as_decimal(r.score),
                    facts=r.facts,
                    chosen=r.unit_id in order,
                    head=heads.get(r.unit_id),
                    speaking_order=order.get(r.unit_id),
                )
                for r in ranking
            )
            after = {
                "period": [period_from.isoformat(), period_to.isoformat()],
                "meeting_on": meeting_on.isoformat(),
                "count": count,
                "weights": used,
                "ranked": len(ranking),
                "proposed": chosen,
                **({"submission_key": submission_key} if submission_key else {}),
            }
            record(actor, "analysis.created", "analysis", a.pk, after=after, at=now)
    except IntegrityError:
        if not submission_key:
            raise
        return Analysis.objects.get(submission_key=submission_key), False  # the same submission raced in twice
    return a, True


def _locked(a: Analysis) -> Analysis:
    return Analysis.objects.select_for_update().get(pk=a.pk)


def _agenda(rows: Sequence[AnalysisUnit]) -> list[int]:
    chosen = [r for r in rows if r.chosen]
    return [r.unit_id for r in sorted(chosen, key=lambda r: (r.speaking_order or 0, r.rank, r.unit_id))]


def do_set_agenda(
    actor: Person,
    a: Analysis,
    units: Sequence[int],
    *,
    heads: Mapping[int, int] | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Analysis:
    """Put these units on the agenda, in this speaking order (the office may swap units of the ranking for
    others before confirming); `heads` names who speaks for a unit (a person of the unit). An agenda that
    differs from the ranking's proposal says why (`note`), and the event keeps what was added and removed."""
    require_office(actor)
    now = resolve_now(now)
    note = text.check_text(note, "note")
    if len(note) > NOTE_MAX:
        raise InvalidInput(_("At most {n} characters.").format(n=NOTE_MAX), "note")
    units = list(units)
    if not 1 <= len(units) <= analysis.MAX_COUNT:
        raise InvalidInput(_("Put from 1 to {max} units on the agenda.").format(max=analysis.MAX_COUNT), "units")
    if len(set(units)) != len(units):
        raise InvalidInput(_("A unit is on the agenda once."), "units")
    heads = dict(heads or {})
    if stray := [u for u in heads if u not in units]:
        raise InvalidInput(_("A head is named for a unit not on the agenda: {units}.").format(units=stray[:5]), "heads")
    with transaction.atomic():
        a = _locked(a)
        if a.confirmed_at is not None:
            raise Conflict(_("The agenda is confirmed; it no longer changes."))
        rows = ordered_rows(a)
        by_unit = {r.unit_id: r for r in rows}
        known = set(analysis.ranked_units().filter(pk__in=units).values_list("pk", flat=True))
        if unknown := [u for u in units if u not in known]:
            raise InvalidInput(_("No such unit to rank: {units}.").format(units=unknown[:5]), "units")
        proposal = proposal_of(rows, a.count)
        if set(units) != set(proposal) and not note:
            raise InvalidInput(_("Say why the agenda differs from the units the ranking proposed."), "note")
        people = Person.objects.in_bulk(list(heads.values()))
        for unit_id, person_id in heads.items():
            p = people.get(person_id)
            if p is None or not p.is_active or p.unit_id != unit_id:
                raise InvalidInput(_("The head must be an active person of the unit."), "heads")
        before = {"agenda": _agenda(rows)}
        last = max((r.rank for r in rows), default=0)
        missing = [u for u in units if u not in by_unit]  # a unit without facts: put on by the office, ranked last
        if missing:
            AnalysisUnit.objects.bulk_create(
                AnalysisUnit(
                    analysis=a, unit_id=u, rank=last + 1, score=analysis.as_decimal(0), facts=analysis.zero_facts()
                )
                for u in missing
            )
            rows = ordered_rows(a)
        defaults = heads_of([u for u in units if u not in heads])
        order = {u: i for i, u in enumerate(units, start=1)}
        for r in rows:
            r.chosen = r.unit_id in order
            r.speaking_order = order.get(r.unit_id)
            if r.unit_id in heads:
                r.head = people[heads[r.unit_id]]
            elif r.chosen and r.head_id is None:
                r.head = defaults.get(r.unit_id)
        AnalysisUnit.objects.bulk_update(rows, ["chosen", "speaking_order", "head"])
        after = {
            "agenda": units,
            "heads": {str(r.unit_id): r.head_id for r in rows if r.chosen},
            "added": [u for u in units if u not in proposal],
            "removed": [u for u in proposal if u not in order],
        }
        record(actor, "analysis.agenda_set", "analysis", a.pk, before=before, after=after, note=note, at=now)
    return a


def do_confirm_agenda(actor: Person, a: Analysis, now: datetime | None = None) -> Analysis:
    """Fix the agenda: the units, their speaking order and heads no longer change."""
    require_office(actor)
    now = resolve_now(now)
    with transaction.atomic():
        a = _locked(a)
        if a.confirmed_at is not None:
            raise Conflict(_("The agenda is already confirmed."))
        agenda = _agenda(ordered_rows(a))
        if not agenda:
            raise Conflict(_("Put at least one unit on the agenda first."))
        a.confirmed_at = now
        a.save(update_fields=["confirmed_at"])
        record(actor, "analysis.confirmed", "analysis", a.pk, after={"agenda": agenda}, at=now)
    return a


@dataclass(frozen=True)
class CommitmentInput:
    unit_id: int
    text: str
    deadline: date
    report_every_days: int | None = 30
    submission_key: str | None = None


def commitment_code(year: int) -> str:
    return f"{year}-CN-{next_number(f'commitment-code-{year}'):04d}"


def _same(earlier: Commitment, item: CommitmentInput, words: str) -> Commitment:
    sent = (item.unit_id, words, item.deadline)
    stored = (earlier.analysis_unit.unit_id, earlier.text, earlier.deadline)
    if sent != stored:
        raise Conflict(
            _("This submission key (Idempotency-Key) was already used for a different commitment."), "submission_key"
        )
    return earlier


def _earlier(key: str | None) -> Commitment | None:
    if not key:
        return None
    return Commitment.objects.select_related("analysis_unit").filter(submission_key=key).first()


def do_record_commitment(
    actor: Person, a: Analysis, item: CommitmentInput, now: datetime | None = None
) -> tuple[Commitment, bool]:
    """After the meeting: what a unit's head committed to, by when, becomes the unit's duty (owner kind
    "commitment"), open at once with its first report due one cadence on. Returns (commitment, created)."""
    require_office(actor)
    now = resolve_now(now)
    today = timezone.localdate(now)
    words = text.check_text(item.text, "text", required=True)
    if len(words) > COMMITMENT_MAX:
        raise InvalidInput(_("At most {n} characters.").format(n=COMMITMENT_MAX), "text")
    if item.deadline < today:
        raise InvalidInput(_("The deadline has already passed."), "deadline")
    check_horizon(item.deadline, "deadline", today)
    every = item.report_every_days
    if every is not None and not 1 <= every <= CADENCE_MAX:
        raise InvalidInput(_("Report every 1 to 366 days."), "report_every_days")
    if earlier := _earlier(item.submission_key):
        return _same(earlier, item, words), False
    try:
        with transaction.atomic():
            a = _locked(a)
            if a.confirmed_at is None:
                raise Conflict(_("Confirm the agenda before recording commitments."))
            if today < a.meeting_on:
                raise Conflict(
                    _("Commitments are recorded after the meeting, from {date}.").format(date=a.meeting_on.isoformat())
                )
            row = a.ranked.select_related("unit").filter(unit_id=item.unit_id, chosen=True).first()
            if row is None:
                raise InvalidInput(_("This unit is not on the meeting's agenda."), "unit")
            c = Commitment.objects.create(
                analysis_unit=row,
                text=words,
                deadline=item.deadline,
                created_by=actor,
                created_at=now,
                submission_key=item.submission_key or None,
            )
            duty = Duty.objects.create(
                owner_type_id=owners.content_type_id("commitment"),
                owner_id=c.pk,
                unit=row.unit,
                role=HandlingRole.LEAD,
                title=duty_title(words),
                code=commitment_code(today.year),
                deadline=item.deadline,
                report_every_days=every,
                status=DutyStatus.PENDING,
            )
            do_open_duties([duty], now)
            if a.held_at is None:
                a.held_at = now
                a.save(update_fields=["held_at"])
            after = {
                "analysis": a.pk,
                "text": words,
                "deadline": item.deadline.isoformat(),
                "report_every_days": every,
                "duty": duty.pk,
                "code": duty.code,
                **({"submission_key": item.submission_key} if item.submission_key else {}),
            }
            record(actor, "commitment.recorded", "commitment", c.pk, unit_id=row.unit_id, after=after, at=now)
            handoffs.assigned([duty], now)
    except IntegrityError:
        if not item.submission_key:
            raise
        earlier = _earlier(item.submission_key)  # the same submission raced in twice
        assert earlier is not None
        return _same(earlier, item, words), False
    return c, True


def do_record_commitments(
    actor: Person, a: Analysis, items: Sequence[CommitmentInput], now: datetime | None = None
) -> list[tuple[Commitment, bool]]:
    """Several commitments at once (a meeting's minutes), all or none."""
    with transaction.atomic():
        return [do_record_commitment(actor, a, item, now=now) for item in items]


def duty_title(words: str) -> str:
    """The duty's title: the commitment's first line, cut to the column's length."""
    first = words.strip().splitlines()[0].strip() if words.strip() else words
    return first if len(first) <= 200 else first[:199] + "…"


def commitment_duty(c: Commitment) -> Duty | None:
    """The commitment's duty (one, never withdrawn by this module)."""
    return (
        Duty.objects.filter(owner_type_id=owners.content_type_id("commitment"), owner_id=c.pk)
        .exclude(status=DutyStatus.WITHDRAWN)
        .select_related("unit", "last_report")
        .first()
    )


__all__ = [
    "CommitmentInput",
    "do_confirm_agenda",
    "do_create_analysis",
    "do_record_commitment",
    "do_record_commitments",
    "do_set_agenda",
    "may_read",
    "require_reader",
]
