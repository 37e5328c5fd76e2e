"""Responsibility lists as an owner of duties: what the engine asks of them (see duties.owners)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from luoshi.duties import owners


def _loop_url(list_id: int) -> str:
    return reverse("lists:loop", args=[list_id])


LIST = owners.Owner(
    kind="list",
    model="lists.ResponsibilityList",
    label=_("responsibility list"),
    noun=_("list"),
    url=_loop_url,
    # The list's responsible leader decides as the office does: he is the duty's leader (duties.completion).
)


def register() -> None:
    owners.register(LIST)
