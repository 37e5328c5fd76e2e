"""The three rates' API: a month's ranking of units (or of districts) by response, resolution and
satisfaction rate and their weighted score. Rankings are published (通报) to the whole business: the office,
the leaders and every unit's people read them alike (the three privileged roles are kept out by the
business auth)."""

import re
from dataclasses import asdict
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from luoshi.errors import InvalidInput
from luoshi.public import rates
from luoshi.schemas import MAX_YEAR, MIN_YEAR, errors

router = Router(tags=["public problems"])
MONTH = re.compile(r"^([0-9]{4})-([0-9]{2})$")


def parse_month(value: str | None, field: str = "month") -> date:
    """'YYYY-MM' as the month's first day; empty: this month. Else a 400 naming the field."""
    if not value:
        return timezone.localdate().replace(day=1)
    m = MONTH.match(value.strip())
    if m is None or not 1 <= int(m[2]) <= 12 or not MIN_YEAR <= int(m[1]) <= MAX_YEAR:
        raise InvalidInput(_("Give a month as YYYY-MM."), field)
    return date(int(m[1]), int(m[2]), 1)


class RatesQuery(Schema):
    month: str | None = Field(None, max_length=7, description="YYYY-MM; this month when left out.")
    districts: bool = Field(False, description="The districts' ranking (each with its towns and streets).")


class WeightsOut(Schema):
    response: int
    resolution: int
    satisfaction: int
    basically_counts: int


class RateOut(Schema):
    unit: int
    unit_name: str
    dispatched: int
    responded: int
    response_rate: float | None
    visited: int
    solved: int
    resolution_rate: float | None
    satisfied: int
    basically: int
    satisfaction_rate: float | None
    wrong_send_backs: int = Field(description="Send-backs ruled against the unit (it was the owner).")
    score: float | None = Field(description="0..100; None when no rate has a denominator.")
    rank: int | None


class RatesOut(Schema):
    month: str
    districts: bool
    weights: WeightsOut
    units: list[RateOut]


def rate_out(r: rates.UnitRate) -> dict:
    out = asdict(r)
    unit = out.pop("unit")
    return {**out, "unit": unit["id"], "unit_name": unit["name"]}


@router.get("/stats/rates", response={200: RatesOut, **errors()})
def get_rates(request, q: Query[RatesQuery]):
    """Rates are fractions 0..1 (None when there is nothing to divide by), the score is in points: Σ weight ×
    rate over the rates that exist, their weights scaled up to 100. Equal scores share a rank."""
    month = parse_month(q.month)
    rows = rates.district_rates(month) if q.districts else rates.unit_rates(month)
    return {
        "month": f"{month:%Y-%m}",
        "districts": q.districts,
        "weights": rates.vars_of(rates.weights()),
        "units": [rate_out(r) for r in rows],
    }
