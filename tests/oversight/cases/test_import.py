"""A batch of talks (a tally of many) stored at once: every row checked first, one event for the batch."""

from datetime import date

import pytest

from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.oversight import cases
from luoshi.oversight.models import Talk
from tests.conftest import NOW


def rows(unit, n: int, **extra) -> list[cases.TalkRow]:
    return [
        cases.TalkRow(kind="criticism", unit_id=unit.pk, held_on=date(2026, 2, 1 + i % 20), **extra) for i in range(n)
    ]


def test_a_batch_is_stored_with_one_event(office, unit_a, unit_b):
    assert cases.do_import_talks(office, rows(unit_a, 30) + rows(unit_b, 20), NOW) == 50
    assert Talk.objects.count() == 50 and Talk.objects.filter(unit=unit_b).count() == 20
    event = Event.objects.get(kind__startswith="talk.")
    assert event.kind == "talk.imported"
    assert (event.after["count"], event.after["units"], event.after["from"], event.after["to"]) == (
        50,
        2,
        "2026-02-01",
        "2026-02-20",
    )


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"kind": "chat"}, "rows.2.kind"),
        ({"unit_id": 999999}, "rows.2.unit"),
        ({"held_on": date(2026, 3, 9)}, "rows.2.held_on"),
        ({"record": "\x00"}, "rows.2.record"),
        ({"person_id": 999999}, "rows.2.person"),
    ],
)
def test_one_bad_row_stores_nothing_and_names_its_row(office, unit_a, bad, field):
    batch = rows(unit_a, 3)
    batch[1] = cases.TalkRow(**{**batch[1].__dict__, **bad})
    with pytest.raises(InvalidInput) as err:
        cases.do_import_talks(office, batch, NOW)
    assert err.value.field == field and not Talk.objects.exists()


def test_only_officers_import(head_a, unit_a):
    with pytest.raises(NotAllowed):
        cases.do_import_talks(head_a, rows(unit_a, 1), NOW)
