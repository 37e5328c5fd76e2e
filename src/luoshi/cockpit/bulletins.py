"""The weekly supervision bulletin (督查通报): made by the office for any period, or by the worker every Monday
for the week before; numbered 2026年第N期 per year of issue; delivered to the leaders and the units.

Numbering: the year's counter (events.next_number, key `bulletin-<year>`) is taken in the same transaction
as the bulletin's row, so numbers never repeat or skip: a second maker waits for the first's commit, and a
failed insert gives its number back. The documents are printed before the counter is locked, with the number
the counter will most likely give; only when another bulletin took it meanwhile are they printed again.

Double submission: the same `submission_key` (the form's hidden key, the API's Idempotency-Key, the worker's
`weekly-<Monday>`) stores one bulletin, however many makers race; the second gets the first's."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.cockpit import bulletin_data, bulletin_documents
from luoshi.cockpit.models import Bulletin
from luoshi.duties.services import resolve_now
from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events.models import Counter
from luoshi.events.services import next_number, record
from luoshi.notify import kinds
from luoshi.notify.services import Message, in_every_language, notify_many
from luoshi.org.models import Person, Role
from luoshi.schemas import MAX_YEAR, MIN_YEAR

KIND = "cockpit.bulletin"
READERS = (Role.OFFICE, Role.LEADER, Role.UNIT_HEAD, Role.LIAISON)
RECIPIENTS = (Role.LEADER, Role.UNIT_HEAD, Role.LIAISON)


def register_kinds() -> None:
    kinds.register(KIND, gettext_lazy("The weekly supervision bulletin"))


def may_make(person: Person | None) -> bool:
    return person is not None and person.is_active and person.is_office


def may_read(person: Person) -> bool:
    """The office, the leaders, the units' heads and liaisons: those it is made for and sent to."""
    return person.is_active and person.has_role(*READERS)


def require_reader(person: Person) -> None:
    if not may_read(person):
        raise NotAllowed(_("The bulletin is for the office, the leaders and the units' heads and liaisons."))


def counter_key(year: int) -> str:
    return f"bulletin-{year}"


def last_week(today: date) -> tuple[date, date]:
    """The Monday–Sunday week before the one of `today`."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=7), monday - timedelta(days=1)


def year_after(start: date) -> date:
    """The same day a year later (1 March after a 29 February): a period must end before it."""
    try:
        return start.replace(year=start.year + 1)
    except ValueError:
        return date(start.year + 1, 3, 1)


def check_period(start: date | None, end: date | None, today: date) -> tuple[date, date]:
    """InvalidInput naming `from` or `to` unless start..end is a period of at most a year, ended by today."""
    for name, day in (("from", start), ("to", end)):
        if day is None:
            raise InvalidInput(_("Give the day “%(param)s” as YYYY-MM-DD.") % {"param": name}, field=name)
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise InvalidInput(
                _("“%(param)s”: give a date between %(first)s and %(last)s.")
                % {"param": name, "first": MIN_YEAR, "last": MAX_YEAR},
                field=name,
            )
    assert start is not None and end is not None
    if start > end:
        raise InvalidInput(_("“from” is after “to”."), field="from")
    if end > today:
        raise InvalidInput(_("“to” is in the future: a bulletin reports on days that have passed."), field="to")
    if end >= year_after(start):
        raise InvalidInput(_("The period is longer than a year."), field="to")
    return start, end


def _viewer(actor: Person | None) -> Person:
    """Whom the figures are read for: the office (the worker reads as the office would)."""
    return actor if actor is not None else Person(username="luoshi-worker", roles=[Role.OFFICE])


class _Made(Exception):
    """The same submission was stored by another maker: roll back and answer with it."""


def _likely_number(year: int) -> int:
    return (Counter.objects.filter(key=counter_key(year)).values_list("value", flat=True).first() or 0) + 1


def recipients() -> list[int]:
    """The active leaders, unit heads and liaisons (roles are a JSON list: checked in Python)."""
    people = Person.objects.filter(is_active=True).only("id", "roles").order_by("pk")
    return [p.pk for p in people if p.has_role(*RECIPIENTS) and not p.has_role(Role.ADMIN, Role.SECURITY, Role.AUDITOR)]


@in_every_language
def bulletin_message(b: Bulletin) -> Message:
    number = bulletin_documents.number_label(b.year, b.number)
    title = _("Supervision bulletin %(number)s") % {"number": number}
    body = _("The supervision bulletin %(number)s (%(start)s to %(end)s) is out: open it to read or download it.") % {
        "number": number,
        "start": b.period_from.isoformat(),
        "end": b.period_to.isoformat(),
    }
    return Message(kind=KIND, title=title, body=body, url=reverse("cockpit:bulletin", args=[b.pk]))


def do_make_bulletin(
    actor: Person | None,
    start: date | None,
    end: date | None,
    *,
    now: datetime | None = None,
    submission_key: str | None = None,
) -> tuple[Bulletin, bool]:
    """Make, number, print, archive and deliver the bulletin of start..end (inclusive). `actor` is the office,
    or None for the worker. Returns (bulletin, created); an earlier bulletin of the same key is returned."""
    if actor is not None and not may_make(actor):
        raise NotAllowed(_("Only the supervision office makes the bulletin."))
    now = resolve_now(now)
    today = timezone.localdate(now)
    start, end = check_period(start, end, today)
    if submission_key and (earlier := Bulletin.objects.filter(submission_key=submission_key).first()):
        return earlier, False
    with translation.override(settings.LANGUAGE_CODE):  # the document's language, whoever asks
        figures = bulletin_data.gather(start, end, now, _viewer(actor))
    year = today.year
    guess = _likely_number(year)
    pdf, docx = bulletin_documents.render(year, guess, today, figures)
    try:
        with transaction.atomic():
            number = next_number(counter_key(year))
            if submission_key and Bulletin.objects.filter(submission_key=submission_key).exists():
                raise _Made  # the same submission committed while this one waited for the counter
            if number != guess:  # another bulletin took it meanwhile: print ours with its own number
                pdf, docx = bulletin_documents.render(year, number, today, figures)
            b = Bulletin.objects.create(
                year=year,
                number=number,
                period_from=start,
                period_to=end,
                figures=figures,
                pdf=pdf,
                docx=docx,
                created_by=actor,
                created_at=now,
                submission_key=submission_key or None,
            )
            after = {"year": year, "number": number, "from": start.isoformat(), "to": end.isoformat()}
            if submission_key:
                after["submission_key"] = submission_key
            record(actor, "bulletin.made", "bulletin", b.pk, after=after, at=now)
            message = bulletin_message(b)
            notify_many([(pk, message) for pk in recipients()], now)
    except (IntegrityError, _Made):
        if not submission_key:
            raise
        return Bulletin.objects.get(submission_key=submission_key), False  # the same submission raced in
    return b, True


def weekly_key(start: date) -> str:
    return f"weekly-{start.isoformat()}"


def make_weekly(now: datetime | None = None) -> Bulletin | None:
    """The worker's Monday job: the bulletin of last Monday–Sunday, once (its key is the week's), unless the
    office already made one for exactly that week. Returns the bulletin made, or None."""
    now = resolve_now(now)
    start, end = last_week(timezone.localdate(now))
    if Bulletin.objects.filter(period_from=start, period_to=end).exists():
        return None
    b, created = do_make_bulletin(None, start, end, now=now, submission_key=weekly_key(start))
    return b if created else None
