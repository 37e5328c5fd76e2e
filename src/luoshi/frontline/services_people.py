"""The writes on people at the frontline: stationed cadres (蹲守干部), postings, selection rounds and the
frontline placements given to candidates without frontline experience (赛场选马)."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.duties.services import resolve_now
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.events.services import record
from luoshi.frontline import access, config
from luoshi.frontline.models import Candidate, PostCategory, Posting, Selection, SelectionKind, Stationing
from luoshi.frontline.rule import Post, check_candidate
from luoshi.frontline.services import check_day, check_text_field, stored_key
from luoshi.ledger.models import Task
from luoshi.org.models import Person, Unit

MAX_CANDIDATES = 200


def require_officer(actor: Person) -> None:
    if not access.is_personnel_officer(actor):
        raise NotAllowed(_("Only the supervision office and the organisation department may do this."))


# -- stationed cadres ----------------------------------------------------------------------------------


def do_station(
    actor: Person,
    *,
    person: Person,
    project: str = "",
    task: Task | None = None,
    start: date,
    end: date | None = None,
    now: datetime | None = None,
    submission_key: str | None = None,
) -> tuple[Stationing, bool]:
    """A cadre stationed at a major project site from `start` (to `end`, when known)."""
    if not access.may_steer_stationing(actor):
        raise NotAllowed(_("Only the supervision office records stationed cadres."))
    now = resolve_now(now)
    today = timezone.localdate(now)
    project = check_text_field(project, "project", max_length=200, multiline=False)
    if not project:
        if task is None:
            raise InvalidInput(_("Name the project, or pick its ledger task."), "project")
        project = task.title
    check_day(start, "start", today)
    if end is not None:
        check_day(end, "end", today)
        if end < start:
            raise InvalidInput(_("The end comes after the start."), "end")
    key = stored_key(actor, submission_key)
    with transaction.atomic():
        if key:
            Person.objects.select_for_update().filter(pk=actor.pk).first()  # the same key queues up here
            created = Event.objects.filter(kind="stationing.created", actor=actor, after__submission_key=key)
            earlier_id = created.values_list("subject_id", flat=True).first()
            if earlier_id and (earlier := Stationing.objects.filter(pk=earlier_id).first()):
                return earlier, False
        s = Stationing.objects.create(
            person=person, project=project, task=task, start=start, end=end, created_by=actor, created_at=now
        )
        after = {
            "person": person.pk,
            "project": project,
            "task": task.pk if task else None,
            "start": start.isoformat(),
            "end": end.isoformat() if end else None,
            **({"submission_key": key} if key else {}),
        }
        record(actor, "stationing.created", "stationing", s.pk, unit_id=person.unit_id, after=after, at=now)
    return s, True


def do_end_stationing(actor: Person, stationing: Stationing, end: date, now: datetime | None = None) -> Stationing:
    if not access.may_steer_stationing(actor):
        raise NotAllowed(_("Only the supervision office records stationed cadres."))
    now = resolve_now(now)
    check_day(end, "end", timezone.localdate(now))
    with transaction.atomic():
        s = Stationing.objects.select_for_update().get(pk=stationing.pk)
        if end < s.start:
            raise InvalidInput(_("The end comes after the start."), "end")
        before = {"end": s.end.isoformat() if s.end else None}
        s.end = end
        s.save(update_fields=["end"])
        record(actor, "stationing.ended", "stationing", s.pk, before=before, after={"end": end.isoformat()}, at=now)
    return s


# -- postings ------------------------------------------------------------------------------------------


def _posting_text(post: str, level: str) -> tuple[str, str]:
    return (
        check_text_field(post, "post", max_length=100, multiline=False, required=True),
        check_text_field(level, "level", max_length=30, multiline=False),
    )


def do_add_posting(
    actor: Person,
    *,
    person: Person,
    unit: Unit,
    post: str,
    category: str,
    level: str = "",
    start: date,
    end: date | None = None,
    now: datetime | None = None,
    submission_key: str | None = None,
) -> tuple[Posting, bool]:
    """A post the person held (with its end) or holds (no end) in his or her history."""
    require_officer(actor)
    now = resolve_now(now)
    today = timezone.localdate(now)
    if category not in PostCategory.values:
        raise InvalidInput(_("Unknown post category."), "category")
    post, level = _posting_text(post, level)
    check_day(start, "start", today)
    if start > today:
        raise InvalidInput(_("A posting of the history has begun: its start is not ahead."), "start")
    if end is not None:
        check_day(end, "end", today)
        if end < start:
            raise InvalidInput(_("The end comes after the start."), "end")
        if end > today:
            raise InvalidInput(_("A posting ends on a day gone by; leave the end empty while it lasts."), "end")
    key = stored_key(actor, submission_key)
    sent = (person.pk, unit.pk, post, category, start, end)
    if key and (earlier := Posting.objects.filter(submission_key=key).first()):
        return _same_posting(earlier, sent), False
    try:
        with transaction.atomic():
            p = Posting.objects.create(
                person=person,
                unit=unit,
                post=post,
                category=category,
                level=level,
                start=start,
                end=end,
                created_by=actor,
                created_at=now,
                submission_key=key,
            )
            rechecked = recheck([person.pk], now)
            after = {**_posting_state(p), "rechecked": rechecked}
            record(actor, "posting.created", "person", person.pk, unit_id=unit.pk, after=after, at=now)
    except IntegrityError:
        if not key:
            raise
        return _same_posting(Posting.objects.get(submission_key=key), sent), False
    return p, True


def _same_posting(earlier: Posting, sent: tuple) -> Posting:
    stored = (earlier.person_id, earlier.unit_id, earlier.post, earlier.category, earlier.start, earlier.end)
    if stored != sent:
        raise Conflict(
            _("This submission key (Idempotency-Key) was already used for another posting."), "submission_key"
        )
    return earlier


def _posting_state(p: Posting) -> dict:
    return {
        "posting": p.pk,
        "unit": p.unit_id,
        "post": p.post,
        "category": p.category,
        "level": p.level,
        "start": p.start.isoformat(),
        "end": p.end.isoformat() if p.end else None,
        "planned_end": p.planned_end.isoformat() if p.planned_end else None,
        "placement_for": p.placement_for_id,
    }


def do_end_posting(actor: Person, posting: Posting, end: date, now: datetime | None = None) -> Posting:
    """A posting (a placement too: it is then completed) ends on a day gone by."""
    require_officer(actor)
    now = resolve_now(now)
    today = timezone.localdate(now)
    check_day(end, "end", today)
    if end > today:
        raise InvalidInput(_("A posting ends on a day gone by; leave the end empty while it lasts."), "end")
    with transaction.atomic():
        p = Posting.objects.select_for_update().get(pk=posting.pk)
        if p.end is not None:
            if p.end == end:
                return p
            raise Conflict(_("This posting has already ended."), "end")
        if end < p.start:
            raise InvalidInput(_("The end comes after the start."), "end")
        p.end = end
        p.save(update_fields=["end"])
        rechecked = recheck([p.person_id], now)
        record(
            actor,
            "posting.ended",
            "person",
            p.person_id,
            unit_id=p.unit_id,
            before={"posting": p.pk, "end": None},
            after={"posting": p.pk, "end": end.isoformat(), "rechecked": rechecked},
            at=now,
        )
    return p


# -- the promotion rule --------------------------------------------------------------------------------


def posts_of(person_ids: Iterable[int]) -> dict[int, list[Post]]:
    """Each person's postings as the rule reads them: one query."""
    out: dict[int, list[Post]] = {}
    rows = Posting.objects.filter(person_id__in=set(person_ids)).values_list(
        "person_id", "category", "start", "end", "placement_for_id", "planned_end"
    )
    for person_id, category, start, end, placement_for, planned_end in rows:
        out.setdefault(person_id, []).append(Post(category, start, end, placement_for is not None, planned_end))
    return out


def recheck(person_ids: Iterable[int], now: datetime) -> list[int]:
    """Check these people's candidacies again (their history changed); the ids of those whose result moved."""
    candidates = list(Candidate.objects.filter(person_id__in=set(person_ids)))
    if not candidates:
        return []
    posts, today, categories = (
        posts_of(c.person_id for c in candidates),
        timezone.localdate(now),
        config.frontline_categories(),
    )
    moved = []
    for c in candidates:
        check = check_candidate(posts.get(c.person_id, []), today, categories)
        if (check.eligible, check.missing) != (c.eligible, c.missing):
            c.eligible, c.missing = check.eligible, check.missing
            moved.append(c)
        c.checked_at = now
    Candidate.objects.bulk_update(candidates, ["eligible", "missing", "checked_at"])
    return [c.pk for c in moved]


def _checked(selection: Selection, people: Sequence[Person], now: datetime) -> list[Candidate]:
    posts, today, categories = posts_of(p.pk for p in people), timezone.localdate(now), config.frontline_categories()
    out = []
    for p in people:
        check = check_candidate(posts.get(p.pk, []), today, categories)
        out.append(
            Candidate(selection=selection, person=p, eligible=check.eligible, missing=check.missing, checked_at=now)
        )
    return out


def _check_people(people: Sequence[Person]) -> list[Person]:
    people = list({p.pk: p for p in people}.values())
    if len(people) > MAX_CANDIDATES:
        raise InvalidInput(_("At most {n} candidates a round.").format(n=MAX_CANDIDATES), "candidates")
    return people


def do_create_selection(
    actor: Person,
    *,
    kind: str,
    candidates: Sequence[Person],
    title: str = "",
    now: datetime | None = None,
    submission_key: str | None = None,
) -> tuple[Selection, bool]:
    """A selection round's candidate list, each candidate checked against the rule as added."""
    require_officer(actor)
    now = resolve_now(now)
    if kind not in SelectionKind.values:
        raise InvalidInput(_("Unknown kind of selection round."), "kind")
    title = check_text_field(title, "title", max_length=200, multiline=False)
    people = _check_people(candidates)
    if not people:
        raise InvalidInput(_("Name at least one candidate."), "candidates")
    key = stored_key(actor, submission_key)
    if key and (earlier := Selection.objects.filter(submission_key=key).first()):
        return earlier, False
    try:
        with transaction.atomic():
            s = Selection.objects.create(kind=kind, title=title, created_by=actor, created_at=now, submission_key=key)
            Candidate.objects.bulk_create(_checked(s, people, now))
            after = {"kind": kind, "title": title, "candidates": [p.pk for p in people]}
            record(actor, "selection.created", "selection", s.pk, after=after, at=now)
    except IntegrityError:
        if not key:
            raise
        return Selection.objects.get(submission_key=key), False
    return s, True


def do_add_candidates(
    actor: Person, selection: Selection, people: Sequence[Person], now: datetime | None = None
) -> list[Candidate]:
    """More candidates for a round; those already in it are skipped (a repeated post adds nobody twice)."""
    require_officer(actor)
    now = resolve_now(now)
    people = _check_people(people)
    with transaction.atomic():
        s = Selection.objects.select_for_update().get(pk=selection.pk)
        there = set(s.candidates.values_list("person_id", flat=True))
        new = [p for p in people if p.pk not in there]
        if len(there) + len(new) > MAX_CANDIDATES:
            raise InvalidInput(_("At most {n} candidates a round.").format(n=MAX_CANDIDATES), "candidates")
        added = Candidate.objects.bulk_create(_checked(s, new, now))
        if added:
            record(
                actor,
                "selection.candidates_added",
                "selection",
                s.pk,
                after={"candidates": [p.pk for p in new]},
                at=now,
            )
    return added


def do_place(
    actor: Person,
    candidate: Candidate,
    *,
    unit: Unit,
    post: str,
    category: str,
    level: str = "",
    start: date,
    planned_end: date,
    now: datetime | None = None,
    submission_key: str | None = None,
) -> tuple[Posting, bool]:
    """Send a candidate without frontline experience to the frontline: a posting of a frontline category
    from `start`, planned to end on `planned_end`, tracked until its end is recorded (do_end_posting)."""
    require_officer(actor)
    now = resolve_now(now)
    today = timezone.localdate(now)
    if category not in config.frontline_categories():
        raise InvalidInput(_("A frontline placement is in a frontline category."), "category")
    post, level = _posting_text(post, level)
    check_day(start, "start", today)
    check_day(planned_end, "planned_end", today)
    if planned_end <= start:
        raise InvalidInput(_("The planned end comes after the start."), "planned_end")
    key = stored_key(actor, submission_key)
    if key and (earlier := Posting.objects.filter(submission_key=key).first()):
        if earlier.placement_for_id != candidate.pk:
            raise Conflict(
                _("This submission key (Idempotency-Key) was already used for another posting."), "submission_key"
            )
        return earlier, False
    try:
        with transaction.atomic():
            c = Candidate.objects.select_for_update().select_related("person").get(pk=candidate.pk)
            if c.eligible:
                raise Conflict(_("This candidate already has frontline experience."))
            if Posting.objects.filter(placement_for=c, end=None).exists():
                raise Conflict(_("This candidate's frontline placement is still under way."))
            p = Posting.objects.create(
                person=c.person,
                unit=unit,
                post=post,
                category=category,
                level=level,
                start=start,
                placement_for=c,
                planned_end=planned_end,
                created_by=actor,
                created_at=now,
                submission_key=key,
            )
            rechecked = recheck([c.person_id], now)
            after = {**_posting_state(p), "candidate": c.pk, "rechecked": rechecked}
            record(actor, "placement.created", "selection", c.selection_id, unit_id=unit.pk, after=after, at=now)
    except IntegrityError:
        if not key:
            raise
        return Posting.objects.get(submission_key=key), False
    return p, True
