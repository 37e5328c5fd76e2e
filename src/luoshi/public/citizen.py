"""What the public does without logging in: send a problem through the web form (guarded by the proof of
work and the per-address limit) and read a tracking code's status. The status never shows the reporter, the
people who handled it or internal notes: only the public steps, their times, the unit's name and the reply."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.duties.services import resolve_now
from luoshi.errors import InvalidInput, NotFound
from luoshi.events.models import Event
from luoshi.public import categories, intake, intake_queue, pow, throttle
from luoshi.public.intake import Submission
from luoshi.public.models import Channel, Problem, Reply, Status

# The timeline's public steps: the event kind and the step it shows as.
STEPS = {
    "problem.received": "received",
    "problem.accepted": "accepted",
    "problem.rejected": "rejected",
    "problem.duplicate": "duplicate",
    "problem.dispatched": "dispatched",
    "problem.handling": "signed",
    "problem.replied": "replied",
    "problem.visited": "visited",
    "problem.closed": "closed",
}
# Steps shown with the unit's name (the unit is public: the portal names it too).
WITH_UNIT = {"dispatched", "signed", "replied"}
# Of an original, a duplicate's page shows what came after the original was taken in.
ORIGINAL_ONLY_AFTER = {"received", "accepted"}


def submission_key(challenge: str) -> str:
    """The problem's submission key: the challenge's digest, so that a retry of the same request (a lost
    answer) returns the tracking code it was given."""
    return hashlib.sha256(challenge.encode()).hexdigest()


def do_submit_public(
    submission: Submission, address_digest: str, challenge: str, nonce: str, now: datetime | None = None
) -> tuple[str, bool]:
    """A problem from the public web form, queued (intake_queue): (tracking code, created). Refused with
    InvalidInput("challenge" or "nonce") without a fresh challenge and its work, with InvalidInput naming
    the field for a bad one, with throttle.TooMany over the limit, with intake_queue.Full while the queue is
    at its bound (before anything is counted or stored). The count and the queued row are one
    transaction: a refused submission counts nothing and leaves the challenge unspent. The same challenge
    again (a retry after a lost answer) gets the code it was given, created False."""
    now = resolve_now(now)
    if submission.channel != Channel.WEB:
        raise InvalidInput(_("This channel is not open to the public."), "channel")
    pow.check(challenge, nonce, now)
    fields = intake.clean(submission)
    intake_queue.check_room()
    key = submission_key(challenge)
    code = intake.new_code()
    with transaction.atomic():
        throttle.take_turn(address_digest, now)
        if intake_queue.put(code, key, address_digest, now, fields):
            return code, True
        transaction.set_rollback(True)  # the sender's count is not raised by a request sent again
    earlier = intake_queue.code_of(key)
    if earlier is None:  # taken in and purged: the challenge has expired by then, so this is a race at most
        raise InvalidInput(_("This form was sent already: reload the page to send another problem."), "challenge")
    return earlier, False


@dataclass
class Update:
    step: str
    at: datetime
    unit: str | None = None
    original: bool = False  # a step of the original a duplicate was merged into


@dataclass
class PublicStatus:
    """A tracking code's page: nothing in here names the reporter or the people who worked on it."""

    code: str
    status: str
    category: str
    created: datetime
    reply: Reply | None
    reply_unit: str | None
    updates: list[Update]


def find(code: str) -> Problem:
    """The problem of a tracking code as typed, else NotFound. A malformed code costs the same lookup as an
    unknown one and gets the same answer: neither tells anything about the codes that exist."""
    normal = intake.normal_code(code[:100] if isinstance(code, str) else "")
    found = Problem.objects.select_related("category").filter(code=normal or "-").first()
    if found is None:
        raise NotFound(_("No problem has this tracking code. Check it and try again."))
    return found


def _updates(problem: Problem, root: Problem) -> list[Update]:
    ids = [problem.pk] if root.pk == problem.pk else [problem.pk, root.pk]
    rows = (
        Event.objects.filter(subject_type="problem", subject_id__in=ids, kind__in=list(STEPS))
        .order_by("at", "id")
        .values_list("kind", "at", "subject_id", "unit__name", "after")
    )
    updates = []
    for kind, at, subject, unit, after in rows:
        step = STEPS[kind]
        if subject != problem.pk and step in ORIGINAL_ONLY_AFTER:
            continue
        if step == "visited" and isinstance(after, dict) and after.get("reopened"):
            step = "reopened"
        updates.append(Update(step, at, unit if step in WITH_UNIT else None, original=subject != problem.pk))
    # A duplicate's own steps (received, merged), then the original's from its dispatch on.
    return sorted(updates, key=lambda u: u.original)


def public_status(code: str) -> PublicStatus:
    """The status page of a tracking code; a duplicate shows its original's progress and reply, and a
    problem still in the queue (not yet taken in by the worker) shows as received, awaiting triage."""
    try:
        problem = find(code)
    except NotFound:
        queued = intake_queue.waiting(intake.normal_code(code[:100] if isinstance(code, str) else "") or "-")
        if queued is None:
            raise
        return PublicStatus(
            code=queued.code,
            status=Status.PENDING,
            category=categories.name_of(queued.category_id),
            created=queued.received_at,
            reply=None,
            reply_unit=None,
            updates=[Update("received", queued.received_at)],
        )
    root = intake.root_of(problem) if problem.status == Status.DUPLICATE else problem
    reply = Reply.objects.filter(problem=root).select_related("unit").order_by("-at", "-pk").first()
    return PublicStatus(
        code=problem.code,
        status=root.status,
        category=problem.category.name,
        created=problem.created_at,
        reply=reply,
        reply_unit=reply.unit.name if reply else None,
        updates=_updates(problem, root),
    )
