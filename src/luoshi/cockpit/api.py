"""`GET /api/v1/stats/cockpit`: the cockpit's figures, one object per section (`lists`, `ladder`, `ledger`,
`oversight`, `public`, `fieldwork`) in the shape of cockpit.shapes, `trends` (each section's twelve months) and
`scope` (whose work and which days they count). The parameters mean what they mean on the page
(cockpit.access.scope_from): `year`, `from` / `to`, `leader` (the office), `city=1` (the office: the whole city, its default)."""

from datetime import date
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from luoshi.cockpit import access, figures
from luoshi.org.caller import caller
from luoshi.schemas import BlankIsNone, Day, Id, Year, errors

router = Router(tags=["cockpit"])


class CockpitFigure(Schema):
    key: str
    label: str
    value: float | int
    url: str | None
    counted: bool
    unit: str | None = None


class CockpitSeries(Schema):
    name: str
    data: list[float | int]
    urls: list[str | None]
    counted: bool
    color: str | None = None


class CockpitChart(Schema):
    key: str
    title: str
    kind: Literal["bar", "stack", "pie", "line"]
    labels: list[str]
    series: list[CockpitSeries]


class CockpitSection(Schema):
    key: str
    title: str
    figures: list[CockpitFigure]
    charts: list[CockpitChart]
    trend: list[CockpitSeries]


class CockpitScope(Schema):
    leader: int | None = Field(description="The leader whose work is counted; null: the whole city.")
    leader_name: str | None
    start: date
    end: date
    today: date
    year: int


class CockpitOut(Schema):
    lists: CockpitSection
    ladder: CockpitSection
    ledger: CockpitSection
    oversight: CockpitSection
    public: CockpitSection
    fieldwork: CockpitSection
    trends: dict[str, list[CockpitSeries]]
    scope: CockpitScope


class CockpitQuery(Schema):
    year: Annotated[Year | None, BlankIsNone] = None
    leader: Annotated[Id | None, BlankIsNone] = Field(None, description="The office: that leader's cockpit.")
    city: Annotated[bool | None, BlankIsNone] = Field(
        None, description="1: the whole city (the office's; a leader is refused)."
    )
    from_: Annotated[Day | None, BlankIsNone] = Field(None, alias="from", description="Overrides the year's start.")
    to: Annotated[Day | None, BlankIsNone] = Field(None, description="Overrides the year's end (inclusive).")


@router.get("/stats/cockpit", response={200: CockpitOut, **errors(403)})
def cockpit(request: HttpRequest, params: Query[CockpitQuery]) -> dict:
    """The schema bounds the values; scope_from reads them as the page does (the same 400s and 403s)."""
    person = caller(request)
    scope = access.scope_from(person, request.GET)
    return {
        **figures.cockpit(scope),
        "scope": {
            "leader": scope.leader_id,
            "leader_name": str(scope.leader) if scope.leader else None,
            "start": scope.start,
            "end": scope.end,
            "today": scope.today,
            "year": scope.year,
        },
    }
