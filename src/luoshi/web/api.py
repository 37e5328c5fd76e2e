"""GET /api/v1/me/todo: the signed-in person's work, as the home page shows it (web.todo)."""

from datetime import date
from typing import Literal

from django.utils import timezone
from ninja import Field, Router, Schema

from luoshi.schemas import errors
from luoshi.web.todo import KINDS, todo_for

router = Router(tags=["me"])


class TodoItemOut(Schema):
    kind: str = Field(description="One of: " + ", ".join(KINDS) + ".")
    title: str
    url: str = Field(description="The page with the form that settles the item.")
    due: date | None = Field(description="When it falls due; for a request or a notice, when it was made.")
    light: Literal["green", "yellow", "red"] | None
    owner_kind: str = Field(description='The kind of work it belongs to ("list"), or "" (a failed delivery).')
    owner_id: int | None
    unit: str | None = Field(description="The unit's name, when the item is one unit's.")


class TodoOut(Schema):
    items: list[TodoItemOut] = Field(description="In the order to do them; at most 50 of each kind.")
    counts: dict[str, int] = Field(
        description="Per kind the person has, how many there are in all, up to 1000 (1000: that many or more)."
    )
    lights: dict[str, int] = Field(description="A leader's lists by light (empty for other roles).")


@router.get("/todo", response={200: TodoOut, **errors()}, summary="My work (待办)")
def my_todo(request) -> TodoOut:
    todo = todo_for(request.user, timezone.localdate())
    return TodoOut(items=[TodoItemOut(**vars(i)) for i in todo.items], counts=todo.counts, lights=todo.lights)
