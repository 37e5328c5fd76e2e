"""The TV programmes (落实进行时) and newspaper columns that take problems in, and their episodes (issues)
with the units that appeared on air. The office writes them; everyone in the business reads them. Each
write is an event; a repeated submission key (Idempotency-Key, the form's token) returns the first record."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from luoshi.duties.services import require_office, resolve_now
from luoshi.errors import Conflict, InvalidInput, NotFound
from luoshi.events.models import Event
from luoshi.events.services import record
from luoshi.org.models import Person, Unit
from luoshi.public.models import Broadcast, Programme, Status
from luoshi.text import check_text

NAME_MAX = 80
TITLE_MAX = 200
DESCRIPTION_MAX = 2000
NUMBER_MAX = 32767  # a PositiveSmallIntegerField on every database
MAX_UNITS = 100
MIN_YEAR, MAX_YEAR = 2000, 2100
# Problems taken in on air that the office accepted (whatever became of them since).
ACCEPTED_Q = ~Q(problems__status__in=(Status.PENDING, Status.REJECTED, Status.DUPLICATE))


def _made_with(actor: Person, kind: str, key: str) -> Event | None:
    """This person's earlier write of this kind under this key; the person's row is locked first, so that
    two requests with one key queue up and the second finds the first's event."""
    Person.objects.select_for_update().filter(pk=actor.pk).first()
    return Event.objects.filter(kind=kind, actor=actor, after__submission_key=key).first()


def _line(value: str, field: str, limit: int, *, required: bool = True, multiline: bool = False) -> str:
    text = check_text(value or "", field, multiline=multiline, required=required)
    if len(text) > limit:
        raise InvalidInput(_("At most {n} characters.").format(n=limit), field)
    return text


def do_create_programme(
    actor: Person,
    kind: str,
    name: str,
    description: str = "",
    *,
    submission_key: str | None = None,
    now: datetime | None = None,
) -> tuple[Programme, bool]:
    """A programme or column: (programme, created). Another one of the same name is a 409."""
    require_office(actor)
    if kind not in Programme.Kind.values:
        raise InvalidInput(_("Choose: {codes}.").format(codes=", ".join(Programme.Kind.values)), "kind")
    name = _line(name, "name", NAME_MAX)
    description = _line(description, "description", DESCRIPTION_MAX, required=False, multiline=True)
    now = resolve_now(now)
    try:
        with transaction.atomic():
            if submission_key and (event := _made_with(actor, "programme.created", submission_key)):
                return Programme.objects.get(pk=event.subject_id), False
            p = Programme.objects.create(kind=kind, name=name, description=description, created_at=now)
            after = {"kind": kind, "name": name, **({"submission_key": submission_key} if submission_key else {})}
            record(actor, "programme.created", "programme", p.pk, after=after, at=now)
    except IntegrityError:
        raise Conflict(_("A programme of this name exists."), "name") from None
    return p, True


@dataclass
class EpisodeInput:
    number: int
    aired_on: date
    title: str
    units: list[int]


def _units(ids: list[int]) -> list[Unit]:
    if len(ids) > MAX_UNITS:
        raise InvalidInput(_("At most {n} units.").format(n=MAX_UNITS), "units")
    if any(isinstance(i, bool) or not isinstance(i, int) or not 0 < i < 2**31 for i in ids):
        raise InvalidInput(_("No such unit."), "units")
    found = Unit.objects.in_bulk(ids)
    if missing := [i for i in ids if i not in found]:
        raise InvalidInput(_("No such unit: {ids}.").format(ids=", ".join(map(str, missing[:5]))), "units")
    return [found[i] for i in dict.fromkeys(ids)]


def do_add_episode(
    actor: Person,
    programme: Programme,
    data: EpisodeInput,
    *,
    submission_key: str | None = None,
    now: datetime | None = None,
) -> tuple[Broadcast, bool]:
    """An episode (issue) with the units on air: (episode, created). A number the programme has is a 409."""
    require_office(actor)
    if isinstance(data.number, bool) or not isinstance(data.number, int) or not 1 <= data.number <= NUMBER_MAX:
        raise InvalidInput(_("Give a whole number from 1 to {n}.").format(n=NUMBER_MAX), "number")
    if not isinstance(data.aired_on, date) or not MIN_YEAR <= data.aired_on.year <= MAX_YEAR:
        raise InvalidInput(_("Give a date between {a} and {b}.").format(a=MIN_YEAR, b=MAX_YEAR), "aired_on")
    title = _line(data.title, "title", TITLE_MAX)
    units = _units(list(data.units))
    now = resolve_now(now)
    try:
        with transaction.atomic():
            if submission_key and (event := _made_with(actor, "programme.episode_added", submission_key)):
                return Broadcast.objects.get(pk=event.after["episode"]), False
            if not Programme.objects.select_for_update().filter(pk=programme.pk).exists():
                raise NotFound(_("No such programme."))
            if Broadcast.objects.filter(programme_id=programme.pk, number=data.number).exists():
                raise Conflict(_("This programme has an episode of this number."), "number")
            b = Broadcast.objects.create(
                programme_id=programme.pk, number=data.number, aired_on=data.aired_on, title=title
            )
            b.units.set(units)
            after = {
                "episode": b.pk,
                "number": b.number,
                "aired_on": b.aired_on.isoformat(),
                "units": [u.pk for u in units],
                **({"submission_key": submission_key} if submission_key else {}),
            }
            record(actor, "programme.episode_added", "programme", programme.pk, after=after, at=now)
    except IntegrityError:
        raise Conflict(_("This programme has an episode of this number."), "number") from None
    return b, True


# Reads (everyone in the business) -------------------------------------------------------------------------


def programmes() -> QuerySet[Programme]:
    """Every programme with its episodes and the problems taken in and accepted on air counted: one query."""
    return Programme.objects.annotate(
        n_episodes=Count("episodes", distinct=True),
        n_problems=Count("episodes__problems", distinct=True),
        n_accepted=Count(
            "episodes__problems",
            filter=~Q(episodes__problems__status__in=(Status.PENDING, Status.REJECTED, Status.DUPLICATE)),
            distinct=True,
        ),
    ).order_by("pk")


def episodes(programme: Programme | int) -> QuerySet[Broadcast]:
    """A programme's episodes, their units on air (prefetched) and the problems taken in and accepted on air."""
    pk = programme if isinstance(programme, int) else programme.pk
    return (
        Broadcast.objects.filter(programme_id=pk)
        .annotate(
            n_problems=Count("problems", distinct=True),
            n_accepted=Count("problems", filter=ACCEPTED_Q, distinct=True),
        )
        .prefetch_related("units")
        .order_by("number")
    )
