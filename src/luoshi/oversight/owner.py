"""Oversight as an owner of duties (see duties.owners): a finding's rectification ("finding"), a talk's
follow-up ("talk") and a head's commitment at the public self-analysis ("commitment")."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from luoshi.duties import owners

if TYPE_CHECKING:
    from luoshi.duties.models import Duty


def _finding_changed(duty: "Duty", reason: str, now: datetime) -> None:
    from luoshi.oversight import findings

    findings.sync_closed(duty.owner_id, now)


def _lock_finding(finding_id: int) -> None:
    from luoshi.oversight.models import Finding

    list(Finding.objects.select_for_update().filter(pk=finding_id).values_list("pk"))


def _may_verify(person: Any, duty: "Duty") -> bool:
    """The inspection team (its leader and members) verifies a rectification, as the office may."""
    from luoshi.oversight import findings

    return findings.is_team_member(person, duty.owner_id)


def _may_accept_followup(person: Any, duty: "Duty") -> bool:
    """The discipline role, which holds the talks, accepts a follow-up as the office does."""
    return bool(person.has_role("discipline"))


FINDING = owners.Owner(
    kind="finding",
    model="oversight.Finding",
    label=_("inspection finding"),
    noun=_("rectification"),
    url=lambda pk: reverse("oversight:finding", args=[pk]),
    may_decide=_may_verify,
    on_changed=_finding_changed,
    lock=_lock_finding,
)
TALK = owners.Owner(
    kind="talk",
    model="oversight.Talk",
    label=_("talk follow-up"),
    noun=_("talk follow-up"),
    url=lambda pk: reverse("oversight:talk", args=[pk]),
    may_decide=_may_accept_followup,
)
COMMITMENT = owners.Owner(
    kind="commitment",
    model="oversight.Commitment",
    label=_("self-analysis commitment"),
    noun=_("commitment"),
    url=lambda pk: reverse("oversight:commitment", args=[pk]),
)


def register() -> None:
    from luoshi.duties.services import duty_changed
    from luoshi.oversight.finding_lists import mirror_list_report

    for owner in (FINDING, TALK, COMMITMENT):
        owners.register(owner)
    duty_changed.connect(mirror_list_report, dispatch_uid="oversight_mirror_list_report")
