"""Hand-offs: each time a duty passes to someone who must act next, a notice reaches them.

    published or assigned          → the unit's liaison and head         (duty.assigned)
    completion requested           → the office and the duty's leader    (completion.requested)
    extension requested            → the office                          (extension.requested)
    completion returned / accepted → the unit                            (completion.returned / .accepted)
    extension decided              → the unit                            (extension.decided)
    owner struck off               → the units and the leader            (owner.closed)

The ladder's own steps (reminder, urge, order, talk proposal → office) are sent by duties.sweep.

Each function is called inside the write's transaction: recipients are read and the message built there,
and notify_many runs once the write commits, so a write that rolls back announces nothing. Whoever must
act reads the notice in their language (notify.in_every_language); each person's preferences
(notify.preferences) decide which of these kinds they mute and which channels carry them.
"""

from collections.abc import Iterable
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from luoshi.duties import owners
from luoshi.duties.models import Duty, DutyStatus, Extension, ExtensionStatus, HandlingRole, Step
from luoshi.duties.recipients import People as _People
from luoshi.duties.recipients import send_on_commit as _send
from luoshi.notify import kinds
from luoshi.notify.services import Message, in_every_language
from luoshi.org.models import Unit

ASSIGNED = "duty.assigned"
COMPLETION_REQUESTED = "completion.requested"
EXTENSION_REQUESTED = "extension.requested"
COMPLETION_RETURNED = "completion.returned"
COMPLETION_ACCEPTED = "completion.accepted"
EXTENSION_DECIDED = "extension.decided"
OWNER_CLOSED = "owner.closed"

Pairs = list[tuple[int, Message]]


def register_kinds() -> None:
    """The settings page lists these (duties.apps.ready): the hand-offs may be muted, the ladder's steps not."""
    kinds.register(ASSIGNED, gettext_lazy("A duty assigned to my unit"))
    kinds.register(COMPLETION_REQUESTED, gettext_lazy("A unit asks for its completion to be accepted"))
    kinds.register(EXTENSION_REQUESTED, gettext_lazy("A unit asks for an extension"))
    kinds.register(COMPLETION_RETURNED, gettext_lazy("My unit's completion request returned"))
    kinds.register(COMPLETION_ACCEPTED, gettext_lazy("My unit's completion accepted"))
    kinds.register(EXTENSION_DECIDED, gettext_lazy("A decision on my unit's extension request"))
    kinds.register(OWNER_CLOSED, gettext_lazy("Work my unit took part in struck off"))
    for step in Step:
        kinds.register(f"escalation.{step.value}", step.label, mutable=False)


def _title(label: str, duty: Duty) -> str:
    return f"{label}：{duty.code} {duty.title}".rstrip()


def _noun(duty: Duty) -> str:
    return str(owners.of(duty).noun)


def _unit_names(duties: Iterable[Duty]) -> dict[int, str]:
    """Unit names: those the duties carry, the others in one query."""
    names = {d.unit_id: d.unit.name for d in duties if Duty.unit.is_cached(d)}
    missing = {d.unit_id for d in duties} - set(names)
    if missing:
        names.update(Unit.objects.filter(pk__in=missing).values_list("pk", "name"))
    return names


@in_every_language
def _assigned_message(duty: Duty, unit: str) -> Message:
    noun = _noun(duty)
    deadline, due = duty.deadline.isoformat(), duty.next_report_due
    if duty.role == HandlingRole.CO:
        if due:
            body = _(
                "{unit} takes part in the work on this {noun}, to be completed by {deadline}; "
                "the first report is due on {due}."
            ).format(unit=unit, noun=noun, deadline=deadline, due=due.isoformat())
        else:
            body = _("{unit} takes part in the work on this {noun}, to be completed by {deadline}.").format(
                unit=unit, noun=noun, deadline=deadline
            )
    elif due:
        body = _(
            "{unit} leads the work on this {noun}, to be completed by {deadline}; the first report is due on {due}."
        ).format(unit=unit, noun=noun, deadline=deadline, due=due.isoformat())
    else:
        body = _("{unit} leads the work on this {noun}, to be completed by {deadline}.").format(
            unit=unit, noun=noun, deadline=deadline
        )
    title = _title(_("New {noun} assigned").format(noun=noun), duty)
    return Message(kind=ASSIGNED, title=title, body=body, url=owners.url_of(duty))


def assigned(duties: list[Duty], now: datetime) -> None:
    """Each duty's unit (its liaison and head) hears it has work to do: an owner published, a unit added
    or a duty transferred to it. Withdrawn or pending duties are skipped. Two queries for any number."""
    live = [d for d in duties if d.status not in (DutyStatus.PENDING, DutyStatus.WITHDRAWN)]
    if not live:
        return
    names = _unit_names(live)
    people = _People(names)
    pairs: Pairs = []
    for d in live:
        message = _assigned_message(d, names.get(d.unit_id, ""))
        pairs += [(pk, message) for pk in people.unit(d.unit_id)]
    _send(pairs, now)


@in_every_language
def _completion_requested_message(duty: Duty, unit: str) -> Message:
    body = _("{unit} reports the work on this {noun} done and asks for its completion to be accepted.").format(
        unit=unit, noun=_noun(duty)
    )
    return Message(
        kind=COMPLETION_REQUESTED, title=_title(_("Completion requested"), duty), body=body, url=owners.url_of(duty)
    )


def completion_requested(duty: Duty, now: datetime) -> None:
    """The office and the duty's responsible leader, who decide on completion."""
    people = _People((), person_ids=[duty.leader_id] if duty.leader_id else [], office=True)
    message = _completion_requested_message(duty, _unit_names([duty]).get(duty.unit_id, ""))
    _send([(pk, message) for pk in people.office + people.person(duty.leader_id)], now)


@in_every_language
def _extension_requested_message(duty: Duty, extension: Extension, unit: str) -> Message:
    body = _("{unit} asks to extend its deadline on this {noun} from {old} to {new}. Reason: {reason}").format(
        unit=unit,
        noun=_noun(duty),
        old=extension.old_deadline.isoformat(),
        new=extension.new_deadline.isoformat(),
        reason=extension.reason,
    )
    return Message(
        kind=EXTENSION_REQUESTED, title=_title(_("Extension requested"), duty), body=body, url=owners.url_of(duty)
    )


def extension_requested(duty: Duty, extension: Extension, now: datetime) -> None:
    """The office, which decides on extensions."""
    people = _People((), office=True)
    message = _extension_requested_message(duty, extension, _unit_names([duty]).get(duty.unit_id, ""))
    _send([(pk, message) for pk in people.office], now)


def _to_unit(duty: Duty, message: Message, now: datetime) -> None:
    _send([(pk, message) for pk in _People([duty.unit_id]).unit(duty.unit_id)], now)


@in_every_language
def _returned_message(duty: Duty, reason: str, unit: str) -> Message:
    noun = _noun(duty)
    if duty.next_report_due:
        body = _(
            "The completion request of {unit} on this {noun} was returned; the next report is due on {due}. "
            "Reason: {reason}"
        ).format(unit=unit, noun=noun, due=duty.next_report_due.isoformat(), reason=reason)
    else:
        body = _("The completion request of {unit} on this {noun} was returned. Reason: {reason}").format(
            unit=unit, noun=noun, reason=reason
        )
    return Message(
        kind=COMPLETION_RETURNED, title=_title(_("Completion returned"), duty), body=body, url=owners.url_of(duty)
    )


def completion_returned(duty: Duty, reason: str, now: datetime) -> None:
    """The unit keeps working: its liaison and head hear why."""
    _to_unit(duty, _returned_message(duty, reason.strip(), _unit_names([duty]).get(duty.unit_id, "")), now)


@in_every_language
def _accepted_message(duty: Duty, unit: str) -> Message:
    body = _("The work of {unit} on this {noun} is accepted as completed; no more reports are due.").format(
        unit=unit, noun=_noun(duty)
    )
    return Message(
        kind=COMPLETION_ACCEPTED, title=_title(_("Completion accepted"), duty), body=body, url=owners.url_of(duty)
    )


def completion_accepted(duty: Duty, now: datetime) -> None:
    _to_unit(duty, _accepted_message(duty, _unit_names([duty]).get(duty.unit_id, "")), now)


@in_every_language
def _decided_message(duty: Duty, extension: Extension, unit: str) -> Message:
    noun, deadline = _noun(duty), duty.deadline.isoformat()
    if extension.status == ExtensionStatus.APPROVED:
        label = _("Extension approved")
        body = _("The deadline of {unit} on this {noun} is now {deadline}.").format(
            unit=unit, noun=noun, deadline=deadline
        )
    else:
        label = _("Extension refused")
        body = _("The deadline of {unit} on this {noun} stays {deadline}.").format(
            unit=unit, noun=noun, deadline=deadline
        )
    if extension.note:
        body = _("{decision} Note: {note}").format(decision=body, note=extension.note)
    return Message(kind=EXTENSION_DECIDED, title=_title(label, duty), body=body, url=owners.url_of(duty))


def extension_decided(duty: Duty, extension: Extension, now: datetime) -> None:
    """`duty` as it is after the decision (its deadline moved if approved)."""
    _to_unit(duty, _decided_message(duty, extension, _unit_names([duty]).get(duty.unit_id, "")), now)


@in_every_language
def _closed_message(duty: Duty) -> Message:
    body = _("This {noun} is struck off: the work of every unit on it is accepted.").format(noun=_noun(duty))
    title = _title(pgettext("notice", "Struck off"), duty)
    return Message(kind=OWNER_CLOSED, title=title, body=body, url=owners.url_of(duty))


def owner_closed(duties: list[Duty], now: datetime) -> None:
    """An owner struck off: the units that did the work and the responsible leader, once per owner."""
    live = [d for d in duties if d.status != DutyStatus.WITHDRAWN]
    if not live:
        return
    people = _People({d.unit_id for d in live}, person_ids={d.leader_id for d in live if d.leader_id})
    first: dict[tuple[int, int], Message] = {}
    pairs: Pairs = []
    for d in live:
        key = (d.owner_type_id, d.owner_id)
        if key not in first:
            first[key] = _closed_message(d)
        pairs += [(pk, first[key]) for pk in people.unit(d.unit_id) + people.person(d.leader_id)]
    _send(pairs, now)
