"""Creating the draft lists the office corrected from a reading (lists.drafting): the document is kept as a
SourceText and every draft links to it with the words of its item, all in one transaction.

Every item goes through services.do_create_list, so it follows the same rules as a draft made by hand; an
invalid item rolls back all of them (its field is named `items.N.field`). Nothing is published here.
A repeated `submission_key` (a double click, a resent API request) answers the first call's document and
drafts instead of storing them again.
"""

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.duties.services import require_office, resolve_now
from luoshi.errors import InvalidInput
from luoshi.events.models import Event
from luoshi.events.services import record
from luoshi.lists import services, tallies
from luoshi.lists.drafting import Reading
from luoshi.lists.models import ResponsibilityList, Source, SourceText
from luoshi.org.models import Person, Unit
from luoshi.text import check_text

MAX_TEXT = 100_000  # characters: a year's work points run to some 30,000
MAX_NAME = 120
MAX_ITEMS = 200
MAX_EXCERPT = 5_000
MAX_CONTENT = 20_000
CREATED = "source_text.created"


@dataclass(frozen=True)
class DraftItem:
    """One item as the office corrected it: what do_create_list takes, and the item's words."""

    title: str
    content: str
    source: str
    leader: Person | None
    lead_unit: Unit | None
    co_units: list[Unit] = field(default_factory=list)
    deadline: date | None = None
    report_every_days: int = 30
    excerpt: str = ""


def check_document(text: str, name: str, source: str, as_of: date) -> tuple[str, str]:
    """The document's text and file name as stored, or InvalidInput naming the field."""
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("At most %(max)d characters.") % {"max": MAX_TEXT}, "text")
    text = check_text(text, "text", required=True)
    if len(name) > MAX_NAME:
        raise InvalidInput(_("At most %(max)d characters.") % {"max": MAX_NAME}, "name")
    name = check_text(name, "name", multiline=False)
    if source not in Source.values:
        raise InvalidInput(_("Unknown source."), "source")
    if not isinstance(as_of, date):
        raise InvalidInput(_("Give the document's date."), "as_of")
    return text, name


def _check_item(i: int, item: DraftItem, now: datetime) -> tuple[Unit, date, str]:
    """The checks do_create_list cannot make (it needs a lead unit and a deadline), then its own."""
    where = f"items.{i}"
    if item.lead_unit is None:
        raise InvalidInput(_("Choose the lead unit."), f"{where}.lead_unit")
    if item.deadline is None:
        raise InvalidInput(_("Give the deadline."), f"{where}.deadline")
    if len(item.title) > 200:
        raise InvalidInput(_("At most %(max)d characters.") % {"max": 200}, f"{where}.title")
    if len(item.content) > MAX_CONTENT:
        raise InvalidInput(_("At most %(max)d characters.") % {"max": MAX_CONTENT}, f"{where}.content")
    if len(item.excerpt) > MAX_EXCERPT:
        raise InvalidInput(_("At most %(max)d characters.") % {"max": MAX_EXCERPT}, f"{where}.excerpt")
    for name, value, multiline in (("title", item.title, False), ("content", item.content, True)):
        check_text(value, f"{where}.{name}", multiline=multiline, required=name == "title")
    excerpt = check_text(item.excerpt, f"{where}.excerpt")
    try:
        services.check_list_input(
            source=item.source,
            title=item.title,
            content=item.content,
            leader=item.leader,
            lead_unit=item.lead_unit,
            co_units=list(dict.fromkeys(item.co_units)),
            deadline=item.deadline,
            report_every_days=item.report_every_days,
            milestones=(),
            now=now,
        )
    except InvalidInput as err:
        raise InvalidInput(err.message, f"{where}.{err.field}" if err.field else where) from None
    return item.lead_unit, item.deadline, excerpt


def _earlier(actor: Person, submission_key: str) -> tuple[SourceText, list[ResponsibilityList]] | None:
    """What this person stored with this key, if anything. The person's row is locked first, so that two
    requests with the same key queue up here and the second finds the first's event."""
    Person.objects.select_for_update().filter(pk=actor.pk).first()
    event = Event.objects.filter(kind=CREATED, actor=actor, after__submission_key=submission_key).first()
    st = SourceText.objects.filter(pk=event.subject_id).first() if event else None
    if st is None:
        return None
    return st, list(ResponsibilityList.objects.filter(source_text=st).order_by("pk"))


def do_create_drafts_from_text(
    actor: Person,
    *,
    text: str,
    name: str,
    source: str,
    as_of: date,
    items: Sequence[DraftItem],
    submission_key: str | None,
    now: datetime | None = None,
) -> tuple[SourceText, list[ResponsibilityList], bool]:
    """The stored document, its drafts (in the items' order) and whether they were created now (False: the
    same submission_key came before and its document and drafts are answered)."""
    require_office(actor)
    now = resolve_now(now)
    text, name = check_document(text, name, source, as_of)
    if not items:
        raise InvalidInput(_("Keep at least one item."), "items")
    if len(items) > MAX_ITEMS:
        raise InvalidInput(_("At most %(max)d items at once.") % {"max": MAX_ITEMS}, "items")
    checked = [_check_item(i, item, now) for i, item in enumerate(items)]
    with transaction.atomic(), tallies.one_refresh():
        if submission_key and (earlier := _earlier(actor, submission_key)):
            return (*earlier, False)
        st = SourceText.objects.create(
            text=text, name=name, source=source, as_of=as_of, created_by=actor, created_at=now
        )
        created = []
        for item, (lead_unit, deadline, excerpt) in zip(items, checked, strict=True):
            rlist = services.do_create_list(
                actor,
                source=item.source,
                title=item.title,
                content=item.content,
                leader=item.leader,
                lead_unit=lead_unit,
                co_units=item.co_units,
                deadline=deadline,
                report_every_days=item.report_every_days,
                now=now,
            )
            rlist.source_text, rlist.source_excerpt = st, excerpt
            rlist.save(update_fields=["source_text", "source_excerpt"])
            created.append(rlist)
        after = {"lists": [r.pk for r in created], **({"submission_key": submission_key} if submission_key else {})}
        record(actor, CREATED, "source_text", st.pk, after=after, note=name, at=now)
    return st, created, True


def read_text(actor: Person, text: str, *, as_of: date | None = None, source: str | None = None) -> Reading:
    """The reader's proposals for the text (lists.drafting.reader; no side effects), for the office only:
    the text is checked as it would be stored."""
    require_office(actor)
    if len(text) > MAX_TEXT:
        raise InvalidInput(_("At most %(max)d characters.") % {"max": MAX_TEXT}, "text")
    text = check_text(text, "text", required=True)
    if source is not None and source not in Source.values:
        raise InvalidInput(_("Unknown source."), "source")
    reader = importlib.import_module("luoshi.lists.drafting.reader")
    return reader.read(text, as_of=as_of, source=source, directory=reader.directory())
