"""Responsibility lists as an owner of duties: what the engine asks of them (see duties.owners)."""

from datetime import datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from luoshi.duties import owners

if TYPE_CHECKING:
    from luoshi.duties.models import Duty


def _changed(duty: "Duty", reason: str, now: datetime) -> None:
    """A unit's duty moved (a report, an acceptance, an extension …): the list's figures follow."""
    from luoshi.lists import tallies

    tallies.refresh([duty.owner_id])


def _lock(list_id: int) -> None:
    from luoshi.lists.models import ResponsibilityList

    list(ResponsibilityList.objects.select_for_update().filter(pk=list_id).values_list("pk"))


def _loop_url(list_id: int) -> str:
    return reverse("lists:loop", args=[list_id])


LIST = owners.Owner(
    kind="list",
    model="lists.ResponsibilityList",
    label=_("responsibility list"),
    noun=_("list"),
    url=_loop_url,
    on_changed=_changed,
    lock=_lock,
    # The list's responsible leader decides as the office does: he is the duty's leader (duties.completion).
)


def register() -> None:
    owners.register(LIST)
