"""The programmes' API: TV programmes and newspaper columns, their episodes with the units on air and the
problems taken in on air counted. The office writes (an Idempotency-Key stores once); everyone in the
business reads (programmes are public media)."""

from datetime import date, datetime
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema

from luoshi.errors import NotFound
from luoshi.org.caller import caller
from luoshi.public import programmes
from luoshi.public.models import Broadcast, Programme
from luoshi.schemas import ONE_LINE, BodyIn, Day, Id, Page, Text, Title, errors

router = Router(tags=["public problems"])

IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    max_length=64,
    description="Repeating a request with the same key stores it once and answers the first record (200).",
)
Key = Annotated[str | None, ONE_LINE]
Name = Annotated[str, Field(min_length=1, max_length=programmes.NAME_MAX), ONE_LINE]


class MediaProgrammeIn(BodyIn):
    kind: Literal["tv", "newspaper"]
    name: Name
    description: Text = ""


class MediaProgrammeOut(Schema):
    id: int
    kind: str
    name: str
    description: str
    created_at: datetime
    episodes: int = Field(description="Episodes (issues) recorded.")
    problems: int = Field(description="Problems taken in on air.")
    accepted: int = Field(description="Of those, accepted by the office.")


class ProgrammesOut(Schema):
    items: list[MediaProgrammeOut]
    count: int


class EpisodeIn(BodyIn):
    number: int = Field(ge=1, le=programmes.NUMBER_MAX)
    aired_on: Day
    title: Title
    units: list[Id] = Field([], max_length=programmes.MAX_UNITS, description="The units that appeared on air.")


class EpisodeOut(Schema):
    id: int
    programme: int
    number: int
    aired_on: date
    title: str
    units: list[int]
    unit_names: list[str]
    problems: int
    accepted: int


def _programme_out(p: Programme) -> dict:
    return {
        "id": p.pk,
        "kind": p.kind,
        "name": p.name,
        "description": p.description,
        "created_at": p.created_at,
        "episodes": p.n_episodes,  # type: ignore[attr-defined]  # annotated by programmes.programmes
        "problems": p.n_problems,  # type: ignore[attr-defined]
        "accepted": p.n_accepted,  # type: ignore[attr-defined]
    }


def _episode_out(b: Broadcast) -> dict:
    units = list(b.units.all())
    return {
        "id": b.pk,
        "programme": b.programme_id,
        "number": b.number,
        "aired_on": b.aired_on,
        "title": b.title,
        "units": [u.pk for u in units],
        "unit_names": [u.name for u in units],
        "problems": getattr(b, "n_problems", 0),
        "accepted": getattr(b, "n_accepted", 0),
    }


def _programme(programme_id: int) -> Programme:
    found = programmes.programmes().filter(pk=programme_id).first()
    if found is None:
        raise NotFound(_("No such programme."))
    return found


@router.post("/programmes", response={201: MediaProgrammeOut, 200: MediaProgrammeOut, **errors(403, 409)})
def create_programme(request, payload: MediaProgrammeIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """A TV programme or a newspaper column (the office's)."""
    p, created = programmes.do_create_programme(
        caller(request), payload.kind, payload.name, payload.description, submission_key=idempotency_key or None
    )
    return (201 if created else 200), _programme_out(_programme(p.pk))


@router.get("/programmes", response={200: ProgrammesOut, **errors()})
def list_programmes(request, params: Query[Page.Input]):
    """Every programme and column, oldest first, with its episodes and the problems taken in on air."""
    qs = programmes.programmes()
    rows = list(qs[params.offset : params.offset + params.limit])
    return {"items": [_programme_out(p) for p in rows], "count": qs.count()}


@router.get("/programmes/{int:programme_id}", response={200: MediaProgrammeOut, **errors(404)})
def get_programme(request, programme_id: Id):
    return _programme_out(_programme(programme_id))


@router.get("/programmes/{int:programme_id}/episodes", response={200: list[EpisodeOut], **errors(404)})
def list_episodes(request, programme_id: Id):
    """The programme's episodes in order, each with its units on air and the problems taken in on it."""
    p = _programme(programme_id)
    return [_episode_out(b) for b in programmes.episodes(p)]


@router.post(
    "/programmes/{int:programme_id}/episodes",
    response={201: EpisodeOut, 200: EpisodeOut, **errors(403, 404, 409)},
)
def add_episode(request, programme_id: Id, payload: EpisodeIn, idempotency_key: Key = IDEMPOTENCY_KEY):
    """An episode with the units on air (the office's); a number the programme has is a 409."""
    p = _programme(programme_id)
    data = programmes.EpisodeInput(payload.number, payload.aired_on, payload.title, list(payload.units))
    b, created = programmes.do_add_episode(caller(request), p, data, submission_key=idempotency_key or None)
    return (201 if created else 200), _episode_out(programmes.episodes(p).get(pk=b.pk))
