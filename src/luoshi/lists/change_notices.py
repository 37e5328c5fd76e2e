"""Notices of a published list's changes (lists.changes) to the units concerned: their liaisons and
heads; a unit's transfer request to the office. Built in every reader's language, queued once the
change is committed (a refused or rolled-back change tells nobody)."""

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.duties.models import HandlingRole
from luoshi.duties.recipients import People, send_on_commit
from luoshi.lists.models import ResponsibilityList
from luoshi.lists.owner import LIST
from luoshi.notify.services import Message, in_every_language

KINDS = (
    "list.changed",
    "duty.assigned",
    "duty.withdrawn",
    "list.suspended",
    "list.resumed",
    "list.cancelled",
    "transfer.requested",
    "transfer.decided",
)


def register_kinds() -> None:
    """Make the kinds tunable on the notification settings page ("duty.assigned" is the hand-offs')."""
    from luoshi.notify import kinds

    kinds.register("list.changed", gettext_lazy("A list my unit handles changed"))
    kinds.register("duty.withdrawn", gettext_lazy("My unit withdrawn from a list, or its work transferred"))
    kinds.register("list.suspended", gettext_lazy("A list my unit handles suspended"))
    kinds.register("list.resumed", gettext_lazy("A list my unit handles resumed"))
    kinds.register("list.cancelled", gettext_lazy("A list my unit handles cancelled"))
    kinds.register("transfer.requested", gettext_lazy("A unit asks for its work to be transferred"))
    kinds.register("transfer.decided", gettext_lazy("A decision on my unit's transfer request"))


def _field_names(fields: list[str]) -> str:
    names = {
        "title": _("the title"),
        "content": _("the requirements"),
        "leader": _("the responsible leader"),
        "deadline": _("the deadline"),
    }
    return "、".join(names.get(f, f) for f in fields)


def _role(role: str) -> str:
    return str(HandlingRole(role).label) if role in HandlingRole.values else role


def _reason(d: dict[str, Any]) -> str:
    return " " + _("Reason: {reason}").format(reason=d["reason"]) if d.get("reason") else ""


@in_every_language
def _message(kind: str, rlist: ResponsibilityList, d: dict[str, Any]) -> Message:
    label, body = _text(kind, d)
    title = f"{label}：{rlist.code or ''} {rlist.title}".replace("： ", "：")
    return Message(kind=kind, title=title, body=body + _reason(d), url=LIST.url(rlist.pk))


def _text(kind: str, d: dict[str, Any]) -> tuple[str, str]:
    """The notice's label and body (without the reason) for each kind."""
    if kind == "list.changed":
        body = _("The office changed {fields} of this list.").format(fields=_field_names(d["fields"]))
        if d.get("deadline"):
            body += " " + _("The deadline is now {deadline}.").format(deadline=d["deadline"])
        return _("List changed"), body
    if kind == "duty.assigned" and d.get("from_unit"):
        return _("Work transferred to you"), _(
            "{unit} takes this list over from {from_unit} as {role}; the deadline is {deadline}."
        ).format(unit=d["unit"], from_unit=d["from_unit"], role=_role(d["role"]), deadline=d["deadline"])
    if kind == "duty.assigned":
        return _("New handling unit"), _("{unit} now handles this list as {role}; the deadline is {deadline}.").format(
            unit=d["unit"], role=_role(d["role"]), deadline=d["deadline"]
        )
    if kind == "duty.withdrawn" and d.get("to_unit"):
        return _("Work transferred"), _("The work of {unit} on this list is transferred to {to_unit}.").format(
            unit=d["unit"], to_unit=d["to_unit"]
        )
    if kind == "duty.withdrawn":
        return _("Withdrawn from a list"), _(
            "{unit} no longer handles this list; its reports are kept on record."
        ).format(unit=d["unit"])
    if kind == "list.suspended":
        return _("List suspended"), _("This list is suspended: reports, lights and urging pause until it resumes.")
    if kind == "list.resumed":
        return _("List resumed"), _(
            "This list is resumed; its deadlines move by the {days} days it was suspended."
        ).format(days=d["days"])
    if kind == "list.cancelled":
        return _("List cancelled"), _("This list is cancelled; reporting on it ends.")
    if kind == "transfer.requested":
        body = _("{unit} says this list is not theirs and asks for it to be transferred.").format(unit=d["unit"])
        if d.get("suggested_unit"):
            body += " " + _("Suggested unit: {suggested}.").format(suggested=d["suggested_unit"])
        return _("Transfer requested"), body
    if d.get("approved"):
        return _("Transfer approved"), _("The office approved the transfer: the work goes to {to_unit}.").format(
            to_unit=d["to_unit"]
        )
    return _("Transfer refused"), _("The office refused the transfer: {unit} keeps the work.").format(unit=d["unit"])


def send(kind: str, rlist: ResponsibilityList, recipients: list[int], now: datetime, **details: Any) -> None:
    """Queue the notice for the recipients once the caller's transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"Unknown notice kind {kind!r}")
    if recipients:
        message = _message(kind, rlist, details)
        send_on_commit([(pk, message) for pk in recipients], now)


def to_units(kind: str, rlist: ResponsibilityList, unit_ids: list[int], now: datetime, **details: Any) -> None:
    """The liaisons and heads of the units."""
    people = People(unit_ids)
    send(kind, rlist, [pk for unit_id in unit_ids for pk in people.unit(unit_id)], now, **details)


def to_office(kind: str, rlist: ResponsibilityList, now: datetime, **details: Any) -> None:
    send(kind, rlist, People((), office=True).office, now, **details)
