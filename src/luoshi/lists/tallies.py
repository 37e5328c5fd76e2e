"""The lists' summary figures (the overview, the index's status tabs, the cockpit to come), kept as
tallies (events.tallies) that every write on a list refreshes in its own transaction.

A list adds to four kinds of row:
- LISTS: one per list, by year, source, leader and status (drafts included, for the office's tabs);
- LATE_LISTS: a list in progress, by year and leader, on the first day it is overdue (a unit still
  working has a report or its deadline behind it: lights.overdue_q);
- UNIT_DUTIES: each unit's share, by year, unit and state (completed, in progress, suspended,
  cancelled, or other: unfinished on a closed list); a withdrawn duty counts as cancelled when the
  list's cancellation withdrew it, else as withdrawn; units on drafts count as draft;
- LATE_DUTIES: a unit working on a list in progress, by year and unit, on the first day it is overdue.
"""

import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from luoshi.duties.models import LIVE_STATUSES, Duty, DutyStatus
from luoshi.events import tallies
from luoshi.events.models import Event, TallyShare
from luoshi.events.tallies import Share, key
from luoshi.lists.models import ListStatus, ResponsibilityList

SUBJECT = "list"
LISTS, LATE_LISTS, UNIT_DUTIES, LATE_DUTIES = "list", "list.late", "list.unit", "list.unit.late"
KINDS = (LISTS, LATE_LISTS, UNIT_DUTIES, LATE_DUTIES)
ONE_DAY = timedelta(days=1)
WITHDRAWN = DutyStatus.WITHDRAWN.value
# Unit rows the overview leaves out: units on drafts, and units withdrawn (other than by a cancellation).
NOT_ISSUED = (ListStatus.DRAFT.value, WITHDRAWN)
DATE_FIELDS = ("working_due", "working_deadline", "final_deadline", "units_to_accept")


def late_from(next_report_due: date | None, deadline: date) -> date:
    """The first day open work is overdue: the day after its report or its deadline falls due."""
    return min(d for d in (next_report_due, deadline) if d is not None) + ONE_DAY


def unit_state(duty_status: str, list_status: str) -> str:
    if duty_status == DutyStatus.COMPLETED:
        return "completed"
    if list_status == ListStatus.IN_PROGRESS:
        return "in_progress"
    if list_status == ListStatus.SUSPENDED:
        return "suspended"
    return "other"


def list_share(rlist: dict[str, Any], duties: list[dict[str, Any]], cancelled_duties: set[int]) -> Share:
    """What one list adds to the figures, from its row and its duties' rows (pure)."""
    share: Share = Counter()
    year, leader, status = rlist["year"], rlist["leader_id"], rlist["status"]
    share[key(LISTS, year=year, leader_id=leader, source=rlist["source"], status=status)] += 1
    if status == ListStatus.DRAFT:  # nothing is owed yet: the units are counted apart (the filters' choices)
        for d in duties:
            share[key(UNIT_DUTIES, year=year, unit_id=d["unit_id"], status=ListStatus.DRAFT)] += 1
        return share
    open_duties = [d for d in duties if d["status"] == DutyStatus.OPEN]
    if status == ListStatus.IN_PROGRESS and open_duties:
        first = min(late_from(d["next_report_due"], d["deadline"]) for d in open_duties)
        share[key(LATE_LISTS, year=year, leader_id=leader, day=first)] += 1
    for d in duties:
        if d["status"] == DutyStatus.WITHDRAWN:
            state = "cancelled" if d["id"] in cancelled_duties else WITHDRAWN
            share[key(UNIT_DUTIES, year=year, unit_id=d["unit_id"], status=state)] += 1
            continue
        share[key(UNIT_DUTIES, year=year, unit_id=d["unit_id"], status=unit_state(d["status"], status))] += 1
        if status == ListStatus.IN_PROGRESS and d["status"] == DutyStatus.OPEN:
            day = late_from(d["next_report_due"], d["deadline"])
            share[key(LATE_DUTIES, year=year, unit_id=d["unit_id"], day=day)] += 1
    return share


# working_due, working_deadline, final_deadline, units_to_accept
Dates = tuple[date | None, date | None, date | None, int]


def working_dates(deadline: date, duties: list[dict[str, Any]]) -> Dates:
    """The list's derived dates and count (models.ResponsibilityList), from its duties' rows (pure)."""
    working = [d for d in duties if d["status"] == DutyStatus.OPEN]
    live = [d["deadline"] for d in duties if d["status"] != DutyStatus.WITHDRAWN]
    not_accepted = [d["deadline"] for d in duties if d["status"] in LIVE_STATUSES]
    return (
        min((d["next_report_due"] for d in working if d["next_report_due"]), default=None),
        min((d["deadline"] for d in working), default=None),
        max(not_accepted or live or [deadline]),
        len(not_accepted),
    )


LIST_FIELDS = ("id", "year", "source", "leader_id", "status", "deadline", *DATE_FIELDS)


def _facts(ids: list[int]) -> tuple[list[dict[str, Any]], dict[int, list[dict[str, Any]]], dict[int, set[int]]]:
    """The lists' rows, their duties' rows and the duties each cancellation withdrew: three queries."""
    lists = list(ResponsibilityList.objects.filter(pk__in=ids).values(*LIST_FIELDS))
    by_list: dict[int, list[dict[str, Any]]] = {row["id"]: [] for row in lists}
    for d in Duty.objects.filter(
        owner_type=ContentType.objects.get_for_model(ResponsibilityList), owner_id__in=ids
    ).values("id", "owner_id", "unit_id", "status", "next_report_due", "deadline"):
        by_list.setdefault(d["owner_id"], []).append(cast(dict[str, Any], d))
    cancelled = [row["id"] for row in lists if row["status"] == ListStatus.CANCELLED]
    withdrawn_by_cancel: dict[int, set[int]] = {}
    if cancelled:
        for subject_id, after in Event.objects.filter(
            kind="list.cancelled", subject_type=SUBJECT, subject_id__in=cancelled
        ).values_list("subject_id", "after"):
            withdrawn_by_cancel.setdefault(subject_id, set()).update(after.get("withdrawn", []))
    return lists, by_list, withdrawn_by_cancel


def _stale_dates(lists: list[dict[str, Any]], by_list: dict[int, list[dict[str, Any]]]) -> dict[int, Dates]:
    """The lists whose stored dates differ from their duties', with the dates they should have."""
    stale = {}
    for row in lists:
        dates = working_dates(row["deadline"], by_list.get(row["id"], []))
        if dates != tuple(row[f] for f in DATE_FIELDS):
            stale[row["id"]] = dates
    return stale


def _store_dates(stale: dict[int, Dates]) -> None:
    """One UPDATE statement, run for each list in id order (a recount may store thousands at once)."""
    if not stale:
        return
    q = connection.ops.quote_name
    columns = ", ".join(f"{q(f)} = %s" for f in DATE_FIELDS)
    sql = f"UPDATE {q(ResponsibilityList._meta.db_table)} SET {columns} WHERE {q('id')} = %s"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(*dates, pk) for pk, dates in sorted(stale.items())])


def shares(ids: list[int], stale: dict[int, Dates] | None = None) -> dict[int, Share]:
    """The lists' shares now, read from the facts in three queries (and, into `stale`, the lists
    whose derived dates have to move)."""
    lists, by_list, withdrawn_by_cancel = _facts(ids)
    if stale is not None:
        stale.update(_stale_dates(lists, by_list))
    return {
        row["id"]: list_share(row, by_list.get(row["id"], []), withdrawn_by_cancel.get(row["id"], set()))
        for row in lists
    }


_batch = threading.local()


@contextmanager
def one_refresh() -> Iterator[None]:
    """Inside a write's transaction: the refreshes asked for within (the duty engine's, once per
    duty, and the write's own) are noted and done once, on the way out. One refresh per transaction
    moves the tally rows in one sorted pass, so that concurrent writers never deadlock on them."""
    if hasattr(_batch, "ids"):
        yield  # an inner write: the outermost one refreshes
        return
    _batch.ids = set()
    try:
        yield
        refresh(_batch.__dict__.pop("ids"))
    finally:
        _batch.__dict__.pop("ids", None)


def refresh(ids: Iterable[int]) -> None:
    """Call at the end of every write that changes a list or its duties, inside its transaction
    (within `one_refresh`, the ids are noted for its end)."""
    if hasattr(_batch, "ids"):
        _batch.ids.update(ids)
        return
    stale: dict[int, Dates] = {}
    tallies.refresh(SUBJECT, ids, lambda wanted: shares(wanted, stale))
    _store_dates(stale)


def _batches(size: int = 2000) -> Iterator[list[int]]:
    last = 0
    while ids := list(
        ResponsibilityList.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size]
    ):
        yield ids
        last = ids[-1]


def recount(*, fix: bool = False) -> tallies.Drift:
    """Check (or, with `fix`, repair) the tallies and the lists' derived dates against the facts;
    lists with stale dates are reported with the lists whose share differs."""
    stale: dict[int, Dates] = {}
    drift = tallies.recount(SUBJECT, KINDS, _batches(), lambda ids: shares(ids, stale), fix=fix)
    drift.subjects = sorted(set(drift.subjects) | set(stale))
    if fix and stale:
        with transaction.atomic():
            _store_dates(stale)
    return drift


def rebuild_if_missing() -> None:
    """After `migrate`: a database that has lists but no tallies yet (an upgrade from a release
    without them) gets them, and the lists their derived dates."""
    if ResponsibilityList.objects.exists() and not TallyShare.objects.filter(subject_type=SUBJECT).exists():
        recount(fix=True)
