"""Summary figures kept exact in the write's own transaction (models.Tally, models.TallyShare).

An area says, for each of its subjects, what the subject adds to the figures now (its share: a pure
function of the subject's facts). A write that changes a subject calls `refresh` before it commits:
the subject's stored share is locked, its new share computed from the facts, and the tallies move by
the difference. Reading a figure is then a sum over a few summary rows, whatever the number of
subjects; `recount` recomputes every share from the facts and reports (or repairs) any drift.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction

from luoshi.events.models import NO_DAY, Tally, TallyShare

# kind, year, leader_id, unit_id, source, status, day (ISO date; NO_DAY when the row is not about a day)
Key = tuple[str, int, int, int, str, str, str]
Share = Counter[Key]
# Given subject ids, their shares now, read from the facts (a subject that is gone has none).
Compute = Callable[[list[int]], dict[int, Share]]


def key(
    kind: str,
    *,
    year: int = 0,
    leader_id: int | None = None,
    unit_id: int | None = None,
    source: str = "",
    status: str = "",
    day: date | None = None,
) -> Key:
    return (kind, year, leader_id or 0, unit_id or 0, source, status, day.isoformat() if day else NO_DAY)


def _load(rows: list) -> Share:
    return Counter({(r[0], r[1], r[2], r[3], r[4], r[5], r[6]): r[7] for r in rows})


def _dump(share: Share) -> list:
    return [[*k, n] for k, n in sorted(share.items()) if n]


def refresh(subject_type: str, ids: Iterable[int], compute: Compute) -> None:
    """Bring the tallies in step with the subjects' facts, inside the caller's transaction.

    The shares are locked in id order and before the facts are read, so that of two writers on one
    subject the second computes from what the first committed; the tally rows are then moved in key
    order, so that writers never wait on each other in a circle."""
    wanted = sorted(set(ids))
    if not wanted:
        return
    with transaction.atomic():
        shares = _locked_shares(subject_type, wanted)
        missing = [i for i in wanted if i not in shares]
        if missing:
            TallyShare.objects.bulk_create(
                [TallyShare(subject_type=subject_type, subject_id=i) for i in missing], ignore_conflicts=True
            )
            shares = _locked_shares(subject_type, wanted)
        now = compute(wanted)
        delta: Share = Counter()
        changed: list[TallyShare] = []
        emptied: list[TallyShare] = []
        for i in wanted:
            old, new = _load(shares[i].rows), +now.get(i, Counter())
            if old == new:
                continue
            delta.update(new)
            delta.subtract(old)
            shares[i].rows = _dump(new)
            (changed if new else emptied).append(shares[i])
        move(delta)
        if changed:
            TallyShare.objects.bulk_update(changed, ["rows"])
        if emptied:
            TallyShare.objects.filter(pk__in=[s.pk for s in emptied]).delete()


def _locked_shares(subject_type: str, ids: list[int]) -> dict[int, TallyShare]:
    qs = TallyShare.objects.select_for_update().filter(subject_type=subject_type, subject_id__in=ids)
    return {s.subject_id: s for s in qs.order_by("subject_id")}


def move(delta: Share) -> None:
    """Add `delta` to the tally rows (creating the rows it needs), one upsert per row, in key order.
    The same statement on SQLite and PostgreSQL: INSERT … ON CONFLICT DO UPDATE adds to the row."""
    rows = [(*k, n) for k, n in sorted(delta.items()) if n]
    if not rows:
        return
    q = connection.ops.quote_name
    table = q(Tally._meta.db_table)
    columns = ", ".join(q(c) for c in ("kind", "year", "leader_id", "unit_id", "source", "status", "day", "n"))
    conflict = ", ".join(q(c) for c in ("kind", "year", "leader_id", "unit_id", "source", "status", "day"))
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {q('n')} = {table}.{q('n')} + excluded.{q('n')}"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


# ---------------------------------------------------------------- checking against the facts


@dataclass
class Drift:
    """What a recount found: tally rows that differ from the facts, and subjects whose stored share does."""

    rows: list[tuple[Key, int, int]] = field(default_factory=list)  # key, stored, recomputed
    subjects: list[int] = field(default_factory=list)
    checked: int = 0

    @property
    def clean(self) -> bool:
        return not self.rows and not self.subjects


def recount(
    subject_type: str, kinds: tuple[str, ...], batches: Iterator[list[int]], compute: Compute, *, fix: bool = False
) -> Drift:
    """Recompute every share of `subject_type` from the facts (batch by batch of ids) and compare with
    the stored shares and with the tally rows of `kinds`; with `fix`, store the recomputed figures.
    Run `fix` when no one writes: it replaces the rows wholesale."""
    drift = Drift()
    expected: Share = Counter()
    stored_shares = dict(TallyShare.objects.filter(subject_type=subject_type).values_list("subject_id", "rows"))
    fresh: dict[int, Share] = {}
    for ids in batches:
        drift.checked += len(ids)
        for i, share in compute(ids).items():
            share = +share
            expected.update(share)
            if _load(stored_shares.pop(i, [])) != share:
                drift.subjects.append(i)
            if share:
                fresh[i] = share
    drift.subjects.extend(i for i, rows in stored_shares.items() if rows)  # shares of subjects that are gone
    drift.rows = _differences(kinds, expected)
    if fix and not drift.clean:
        with transaction.atomic():
            Tally.objects.filter(kind__in=kinds).delete()
            TallyShare.objects.filter(subject_type=subject_type).delete()
            move(expected)
            TallyShare.objects.bulk_create(
                (TallyShare(subject_type=subject_type, subject_id=i, rows=_dump(s)) for i, s in fresh.items()),
                batch_size=2000,
            )
    return drift


def _differences(kinds: tuple[str, ...], expected: Share) -> list[tuple[Key, int, int]]:
    stored: Share = Counter()
    for row in Tally.objects.filter(kind__in=kinds).values_list(
        "kind", "year", "leader_id", "unit_id", "source", "status", "day", "n"
    ):
        k: Key = (row[0], row[1], row[2], row[3], row[4], row[5], row[6].isoformat())
        stored[k] += row[7]
    return [(k, stored[k], expected[k]) for k in sorted(set(stored) | set(expected)) if stored[k] != expected[k]]


def recount_sums(kinds: tuple[str, ...], expected: Share, *, fix: bool = False) -> Drift:
    """For figures of things never edited (reports, steps): compare the tally rows of `kinds` with the
    sums recounted from the things themselves; with `fix`, store the recounted sums."""
    drift = Drift(rows=_differences(kinds, expected))
    if fix and not drift.clean:
        with transaction.atomic():
            Tally.objects.filter(kind__in=kinds).delete()
            move(expected)
    return drift
