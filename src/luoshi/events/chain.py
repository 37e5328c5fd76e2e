"""The tamper-evident trail: every event row is chained by SM3 (GB/T 32905) to the one before it.

Each row's digest is SM3(previous digest ‖ the row's canonical content, its place in the sequence
included). The sequence is one per database, gap-free, in commit order: a transaction's new rows are
sealed by its commit (events.backends), under a lock on the one ChainHead row. `verify` recomputes the
chain and names the first row that does not hold; anchors (the head kept at times, and printed) catch a
rewrite of the whole chain from some row on.
"""

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from luoshi.events.models import Anchor, ChainHead, Event

log = logging.getLogger("luoshi.audit")

GENESIS = "0" * 64
CONTENT = (
    "at",
    "actor_id",
    "kind",
    "subject_type",
    "subject_id",
    "unit_id",
    "before",
    "after",
    "note",
    "address",
    "result",
)


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def canonical(seq: int, row: dict[str, Any]) -> bytes:
    """The row as a JSON array with sorted keys and no spaces, the same on SQLite and PostgreSQL (the values
    as read back, so that what the database normalised is what is hashed)."""
    at: datetime = row["at"]
    values = [seq, at.astimezone(UTC).isoformat(timespec="microseconds")]
    values += [row[name] for name in CONTENT[1:]]
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def link(prev: str, seq: int, row: dict[str, Any]) -> str:
    return sm3(prev.encode() + canonical(seq, row))


def seal(connection: Any, token: int) -> int:
    """Chain this transaction's new rows (those with its token), oldest id first; called by its commit.
    Returns how many."""
    rows = list(Event.objects.using(connection.alias).filter(pending=token).order_by("id").values("id", *CONTENT))
    if not rows:
        return 0
    head_table = connection.ops.quote_name(ChainHead._meta.db_table)
    with connection.cursor() as cursor:
        # One statement takes the lock, reserves the places and reads the digest before them.
        claim = f"UPDATE {head_table} SET seq = seq + %s WHERE id = 1 RETURNING seq, digest"
        cursor.execute(claim, [len(rows)])
        found = cursor.fetchone()
        if found is None:  # an emptied database (the migration makes the row): two first writers may race here
            cursor.execute(f"INSERT INTO {head_table} (id, seq, digest) VALUES (1, 0, '') ON CONFLICT (id) DO NOTHING")
            cursor.execute(claim, [len(rows)])
            found = cursor.fetchone()
    seq, digest = found[0] - len(rows), found[1] or GENESIS
    updates = []
    for row in rows:
        seq += 1
        new = link(digest, seq, row)
        updates.append((seq, digest, new, row["id"]))
        digest = new
    _write_links(connection, updates)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {head_table} SET digest = %s WHERE id = 1", [digest])
    return len(rows)


# Rows per UPDATE: four parameters each, within SQLite's 32,766 and PostgreSQL's 65,535.
LINKS_PER_STATEMENT = 2000


def _write_links(connection: Any, updates: list[tuple[int, str, str, int]]) -> None:
    """One UPDATE … FROM (VALUES …) per 2,000 rows, not one statement per row: the head is locked meanwhile."""
    table = connection.ops.quote_name(Event._meta.db_table)
    cast = "::bigint" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        for start in range(0, len(updates), LINKS_PER_STATEMENT):
            part = updates[start : start + LINKS_PER_STATEMENT]
            values = ", ".join([f"(%s{cast}, %s{cast}, %s, %s)"] * len(part))
            cursor.execute(
                f"WITH v (id, seq, prev, digest) AS (VALUES {values}) "
                f"UPDATE {table} SET seq = v.seq, prev = v.prev, digest = v.digest, pending = NULL "
                f"FROM v WHERE {table}.id = v.id",
                [x for seq, prev, digest, pk in part for x in (pk, seq, prev, digest)],
            )


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    problem: str = ""
    event_id: int | None = None
    seq: int | None = None

    def __str__(self) -> str:
        if self.ok:
            return f"audit chain holds: {self.checked} rows checked"
        where = f"event {self.event_id}" if self.event_id is not None else "the chain"
        at = f" (seq {self.seq})" if self.seq is not None else ""
        return f"audit chain broken at {where}{at}: {self.problem} (after {self.checked} good rows)"


def _rows(chunk: int) -> Iterator[dict[str, Any]]:
    last = 0
    while True:
        batch = list(
            Event.objects.filter(seq__gt=last).order_by("seq").values("id", "seq", "prev", "digest", *CONTENT)[:chunk]
        )
        yield from batch
        if len(batch) < chunk:
            return
        last = batch[-1]["seq"]


def verify(anchors: Iterable[tuple[int, str]] = (), chunk: int = 5000) -> Verification:
    """Recompute the chain from its first row: each row's place, link to the one before and digest; then the
    head, and the anchors (stored ones and those given, e.g. copied from the log)."""
    unchained = Event.objects.filter(seq__isnull=True).order_by("id").values_list("id", flat=True).first()
    if unchained is not None:
        return Verification(False, 0, "a row outside the chain (inserted behind the application's back)", unchained)
    wanted = dict(Anchor.objects.values_list("seq", "digest"))
    wanted.update(dict(anchors))
    expected, digest, checked = 1, GENESIS, 0
    for row in _rows(chunk):
        if row["seq"] != expected:
            problem = (
                f"rows {expected}–{row['seq'] - 1} are missing (deleted)"
                if row["seq"] > expected
                else ("out of sequence")
            )
            return Verification(False, checked, problem, row["id"], row["seq"])
        if row["prev"] != digest:
            return Verification(
                False, checked, "it does not follow the row before it (re-chained or moved)", row["id"], row["seq"]
            )
        digest = link(digest, row["seq"], row)
        if row["digest"] != digest:
            return Verification(False, checked, "its content does not match its digest (edited)", row["id"], row["seq"])
        if row["seq"] in wanted and wanted[row["seq"]] != digest:
            return Verification(
                False, checked, "the chain up to here differs from its anchor (rewritten)", row["id"], row["seq"]
            )
        expected += 1
        checked += 1
    head = ChainHead.objects.filter(pk=1).first()
    head_seq, head_digest = (head.seq, head.digest) if head else (0, "")
    if head_seq != checked or (checked and head_digest != digest):
        return Verification(
            False,
            checked,
            f"the chain's head is row {head_seq}, its last row is {checked} "
            "(the last rows were deleted or the head altered)",
            None,
            head_seq,
        )
    if beyond := [seq for seq in wanted if seq > checked]:
        return Verification(
            False,
            checked,
            f"an anchor names row {min(beyond)}, beyond the chain's end (rows deleted)",
            None,
            min(beyond),
        )
    return Verification(True, checked)


def anchor(*, logged: bool = True) -> Anchor | None:
    """Keep the head as it is now, and log it (the copy outside the database). None while the chain is empty."""
    head = ChainHead.objects.filter(pk=1).first()
    if head is None or not head.seq:
        return None
    kept = Anchor.objects.create(at=timezone.now(), seq=head.seq, digest=head.digest)
    if logged:
        log.warning("audit anchor: seq %s digest %s at %s", kept.seq, kept.digest, kept.at.isoformat())
    return kept
