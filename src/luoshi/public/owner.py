"""Public problems as an owner of duties (see duties.owners): each unit a problem is dispatched to owes its
sign-for (hours), its handling and its reply; the office's return visit decides."""

from datetime import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from luoshi.duties import owners

if TYPE_CHECKING:
    from luoshi.duties.models import Duty


def _changed(duty: "Duty", reason: str, now: datetime) -> None:
    from luoshi.public import dispatch

    dispatch.sync_status(duty, reason, now)


def _lock(problem_id: int) -> None:
    from luoshi.public.models import Problem

    list(Problem.objects.select_for_update().filter(pk=problem_id).values_list("pk"))


PROBLEM = owners.Owner(
    kind="problem",
    model="public.Problem",
    label=_("public problem"),
    noun=_("public problem"),
    url=lambda pk: reverse("public:problem", args=[pk]),
    on_changed=_changed,
    lock=_lock,
)


def register() -> None:
    owners.register(PROBLEM)
