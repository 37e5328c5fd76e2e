"""The events' SM3 chain: sealed by each commit, and any change made behind the application's back found.

These tests commit (transaction=True): the chain is sealed by the commit, which ordinary tests never reach.
"""

import itertools
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from luoshi import bulk, cli
from luoshi.events.chain import GENESIS, Verification, anchor, link, sm3, verify
from luoshi.events.models import Anchor, ChainHead, Event
from luoshi.events.services import build, record

pytestmark = pytest.mark.django_db(transaction=True)


def sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def five() -> list[Event]:
    """Five events, in four transactions (one of two rows), with text, numbers and nesting to hash."""
    record(None, "test.one", "list", 1, after={"title": "自来水异味整改", "n": 3})
    with transaction.atomic():
        record(None, "test.two", "list", 2, before={"status": "draft"}, after={"status": "published"})
        record(None, "test.three", "list", 3, after={"nested": {"b": [1, 2.5, None], "a": True}})
    record(None, "test.four", "person", 4, note="第二行\n换行", result="failed", address="10.1.2.3")
    record(None, "test.five", "person", 5, address="::1")
    return list(Event.objects.order_by("seq"))


def test_sm3_is_the_national_standard_digest():
    # GB/T 32905-2016, example 1: SM3("abc")
    assert sm3(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_each_commit_seals_its_events_in_one_gap_free_sequence():
    events = five()
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert events[0].prev == GENESIS
    assert all(b.prev == a.digest for a, b in itertools.pairwise(events))
    head = ChainHead.objects.get(pk=1)
    assert (head.seq, head.digest) == (5, events[-1].digest)
    assert verify() == Verification(True, 5)


def test_a_rolled_back_transaction_leaves_no_gap():
    record(None, "test.kept", "list", 1)
    with pytest.raises(RuntimeError), transaction.atomic():
        record(None, "test.lost", "list", 2)
        raise RuntimeError
    record(None, "test.kept", "list", 3)
    assert list(Event.objects.order_by("seq").values_list("seq", "subject_id")) == [(1, 1), (2, 3)]
    assert verify().ok


def test_bulk_inserted_events_are_sealed_too():
    now = timezone.now()
    with transaction.atomic():
        Event.objects.bulk_create([build(None, "test.bulk", "list", i, at=now) for i in range(3)])
    # outside any transaction: the insert opens its own, so that a commit seals it
    bulk.insert(
        Event,
        ["kind", "subject_type", "subject_id", "after"],
        [("test.copy", "duty", i, {"step": "urge"}) for i in range(4)],
        fixed={"at": now},
    )
    assert Event.objects.filter(seq__isnull=True).count() == 0
    assert verify() == Verification(True, 7)


def test_the_digest_is_the_same_whatever_the_database():
    """The canonical form hashes the values as read back; this row's digest was computed once, on SQLite, and
    must come out the same on PostgreSQL (a backup restored on the other database verifies)."""
    from datetime import UTC, datetime

    row = {
        "at": datetime(2026, 12, 2, 4, 5, 6, 789, tzinfo=UTC),
        "actor_id": None,
        "kind": "test.one",
        "subject_type": "list",
        "subject_id": 1,
        "unit_id": None,
        "before": {},
        "after": {"标题": "落实", "n": 1.5},
        "note": "",
        "address": "10.0.0.1",
        "result": "ok",
    }
    assert link(GENESIS, 1, row) == "52de2e856cb4eaea6f8f6641abc3a1d100f3c9dac1900eaaf6a727cbb384cf43"
    record(None, row["kind"], "list", 1, after=row["after"], address="10.0.0.1", at=row["at"])
    assert Event.objects.get().digest == link(GENESIS, 1, row)


def test_an_edited_row_is_named():
    events = five()
    sql("UPDATE events_event SET note = 'changed' WHERE id = %s", [events[2].pk])
    result = verify()
    assert (result.ok, result.event_id, result.seq, result.checked) == (False, events[2].pk, 3, 2)
    assert "edited" in result.problem


def test_an_edited_json_value_is_named():
    events = five()
    Event.objects.filter(pk=events[1].pk).update(after={"status": "closed"})  # the ORM behind the services' back
    assert verify().event_id == events[1].pk


def test_a_deleted_row_is_named():
    events = five()
    sql("DELETE FROM events_event WHERE id = %s", [events[1].pk])
    result = verify()
    assert (result.ok, result.event_id, result.seq) == (False, events[2].pk, 3)
    assert "missing" in result.problem


def test_deleting_the_last_rows_is_caught_by_the_head():
    five()
    sql("DELETE FROM events_event WHERE seq >= 4")
    result = verify()
    assert not result.ok and result.checked == 3 and "head" in result.problem


def test_a_reordered_pair_is_named():
    events = five()
    a, b = events[1], events[2]
    sql("UPDATE events_event SET seq = -1 WHERE id = %s", [a.pk])
    sql("UPDATE events_event SET seq = 2 WHERE id = %s", [b.pk])
    sql("UPDATE events_event SET seq = 3 WHERE id = %s", [a.pk])
    result = verify()
    assert (result.ok, result.event_id, result.seq) == (False, b.pk, 2)


def test_a_row_inserted_behind_the_applications_back_is_named():
    five()
    sql(
        "INSERT INTO events_event (at, kind, subject_type, subject_id, before, after, note, result, prev, digest) "
        "VALUES (CURRENT_TIMESTAMP, 'forged', 'list', 9, '{}', '{}', '', 'ok', '', '')"
    )
    forged = Event.objects.get(kind="forged")
    result = verify()
    assert (result.ok, result.event_id) == (False, forged.pk)
    assert "outside the chain" in result.problem


def test_a_row_inserted_with_a_made_up_place_is_named():
    events = five()
    sql(
        "INSERT INTO events_event (at, kind, subject_type, subject_id, before, after, note, result, seq, prev, "
        "digest) VALUES (CURRENT_TIMESTAMP, 'forged', 'list', 9, '{}', '{}', '', 'ok', 6, %s, %s)",
        [events[-1].digest, "f" * 64],
    )
    result = verify()
    assert not result.ok and result.seq == 6


def rechain_from(seq: int) -> None:
    """What a careful forger does: edit a row, then recompute every digest after it and the head."""
    rows = list(
        Event.objects.order_by("seq").values(
            "id",
            "seq",
            "prev",
            "digest",
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
    )
    digest = rows[seq - 2]["digest"] if seq > 1 else GENESIS
    for row in rows[seq - 1 :]:
        if row["seq"] == seq:
            row["note"] = "rewritten"
        new = link(digest, row["seq"], row)
        Event.objects.filter(pk=row["id"]).update(note=row["note"], prev=digest, digest=new)
        digest = new
    ChainHead.objects.filter(pk=1).update(digest=digest)


def test_a_rechained_rewrite_is_caught_by_an_anchor():
    five()
    kept = anchor()
    assert (kept.seq, Anchor.objects.count()) == (5, 1)
    rechain_from(2)
    result = verify()
    assert (result.ok, result.seq) == (False, 5)
    assert "anchor" in result.problem


def test_an_anchor_kept_outside_the_database_catches_a_rewrite_of_the_stored_anchors_too():
    events = five()
    outside = (3, events[2].digest)
    rechain_from(2)
    Anchor.objects.all().delete()
    assert verify().ok  # nothing inside the database can tell…
    result = verify(anchors=[outside])
    assert (result.ok, result.seq) == (False, 3)  # …the copy kept elsewhere can


def test_the_command_prints_the_rows_checked_and_exits_zero(capsys):
    five()
    cli.main(["audit", "verify"])  # returns: exit status 0
    assert "5 rows checked" in capsys.readouterr().out


def test_the_command_exits_non_zero_naming_the_first_bad_row(capsys):
    events = five()
    sql("UPDATE events_event SET kind = 'x' WHERE id = %s", [events[3].pk])
    with pytest.raises(SystemExit) as exited:
        cli.main(["audit", "verify"])
    assert exited.value.code == 1
    assert f"event {events[3].pk} (seq 4)" in capsys.readouterr().out


def test_the_command_checks_an_anchor_given_on_the_line(capsys):
    events = five()
    cli.main(["audit", "verify", "--anchor", f"2:{events[1].digest}"])
    with pytest.raises(SystemExit) as exited:
        cli.main(["audit", "verify", "--anchor", f"2:{'0' * 64}"])
    assert exited.value.code == 1
    with pytest.raises(SystemExit) as exited:
        cli.main(["audit", "verify", "--anchor", "2:nothex"])
    assert exited.value.code == 2  # argparse: a usage error
    assert "SEQ:DIGEST" in capsys.readouterr().err


def test_the_anchor_command_prints_the_head(capsys):
    events = five()
    cli.main(["audit", "anchor"])
    assert f"seq 5 digest {events[-1].digest}" in capsys.readouterr().out
    assert Anchor.objects.get().seq == 5


def test_concurrent_writers_keep_the_chain_whole():
    """Eight threads, each committing twenty transactions of one or two events: one sequence, no gaps, and the
    chain verifies (on PostgreSQL the writers truly overlap; SQLite serialises them)."""
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(20):
                with transaction.atomic():
                    record(None, "test.thread", "list", n * 100 + i)
                    if i % 2:
                        record(None, "test.thread", "list", n * 100 + i, note="second")
        except BaseException as e:  # reported by the assertion below
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert list(Event.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 241))
    assert verify() == Verification(True, 240)


def test_a_row_inserted_behind_the_back_is_not_taken_into_the_chain_by_the_next_commit():
    five()
    sql(
        "INSERT INTO events_event (at, kind, subject_type, subject_id, before, after, note, result, prev, digest) "
        "VALUES (CURRENT_TIMESTAMP, 'forged', 'list', 9, '{}', '{}', '', 'ok', '', '')"
    )
    record(None, "test.after", "list", 10)  # an honest commit after it
    forged = Event.objects.get(kind="forged")
    assert forged.seq is None
    assert verify().event_id == forged.pk


def test_a_transaction_of_thousands_of_events_is_sealed_in_parts():
    now = timezone.now()
    bulk.insert(
        Event,
        ["kind", "subject_type", "subject_id"],
        [("test.many", "duty", i) for i in range(4500)],
        fixed={"at": now},
    )
    assert list(Event.objects.order_by("id").values_list("seq", flat=True)) == list(range(1, 4501))
    assert verify(chunk=1000) == Verification(True, 4500)
