"""The API's shared types: bounded ids and numbers, checked text, dates within reason, the error shape.

Every query, path and body field of the API uses one of these, so that input the database cannot
hold (an id past 2**31, a NUL, the year 9999) is a 400 naming the field before any handler runs.
"""

from datetime import date, datetime
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, BeforeValidator, model_validator
from pydantic_core import PydanticCustomError

from luoshi import text
from luoshi.errors import InvalidInput

MAX_ID = 2**31 - 1  # the smallest primary key range of the databases we run on
MAX_LIMIT = 200
MIN_YEAR, MAX_YEAR = 2000, 2100

Id = Annotated[int, Field(ge=1, le=MAX_ID, json_schema_extra={"example": 1})]
Count = Annotated[int, Field(ge=0, le=MAX_ID)]
Progress = Annotated[int, Field(ge=0, le=100)]
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]


def _text_check(*, multiline: bool, required: bool) -> AfterValidator:
    def check(value: str) -> str:
        try:
            return text.check_text(value, "", multiline=multiline, required=required)
        except InvalidInput as e:
            # A pydantic error, so the field's location (e.g. milestones.0.title) is reported.
            raise PydanticCustomError("text", e.message) from None

    return AfterValidator(check)


ONE_LINE = _text_check(multiline=False, required=False)
VISIBLE_LINE = _text_check(multiline=False, required=True)
MULTILINE = _text_check(multiline=True, required=False)
VISIBLE_TEXT = _text_check(multiline=True, required=True)

TEXT_MAX = 20_000
Line = Annotated[str, Field(max_length=200), ONE_LINE]
Title = Annotated[str, Field(min_length=1, max_length=200), VISIBLE_LINE]
Text = Annotated[str, Field(max_length=TEXT_MAX), MULTILINE]
RequiredText = Annotated[str, Field(min_length=1, max_length=TEXT_MAX), VISIBLE_TEXT]
Search = Annotated[str, Field(max_length=100), ONE_LINE]


def _blank_is_none(value: Any) -> Any:
    """`?status=` means no filter, as on the web pages."""
    return None if value == "" else value


BlankIsNone = BeforeValidator(_blank_is_none)


def _day_in_range(value: date) -> date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise PydanticCustomError(
            "date_range", _("Give a date between {first} and {last}.").format(first=MIN_YEAR, last=MAX_YEAR)
        )
    return value


def _time_in_range(value: datetime) -> datetime:
    _day_in_range(value.date())
    return value


Day = Annotated[date, AfterValidator(_day_in_range)]
Moment = Annotated[datetime, AfterValidator(_time_in_range)]


class BodyIn(Schema):
    """A request body: a JSON object. (Ninja's Schema reads attributes off anything, so without this
    `[null, null]` or `5` would pass as an object whose fields all take their defaults.)"""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        raw = getattr(data, "_obj", data)  # Schema's own validator has wrapped it already
        if isinstance(raw, list | str | int | float | bool) or raw is None:
            raise PydanticCustomError("model_type", "Give a JSON object.")
        return data


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every 4xx answer: what is wrong and, for bad input, which field."""

    detail: str
    field: str | None = None
    errors: list[FieldErrorOut] = []


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """The error responses of an operation; 400 and 401 apply to all of them."""
    return dict.fromkeys(sorted({400, 401, *codes}), ErrorOut)


class Page(LimitOffsetPagination):
    """Limit and offset, both bounded: `limit` at most 200, `offset` within the id range."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_ID)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
