"""A unit's to-do shows its ledger work: its share of the tasks and the quarter confirmations it owes."""

from datetime import timedelta

from django.utils import timezone

from luoshi.ledger.cycle_quarters import do_start_quarter
from luoshi.web.todo import todo_for


def test_a_units_todo_lists_its_ledger_duties_and_quarter_confirmation(office, opened, ledger, liaison_b):
    quarter = do_start_quarter(office, ledger, 1, timezone.localdate() + timedelta(days=10))
    items = [i for i in todo_for(liaison_b).items if i.kind == "other_due"]
    assert {(i.owner_kind, i.owner_id) for i in items} == {
        ("ledger_task", opened["second"].pk),
        ("ledger_quarter", quarter.pk),
    }
    assert all(i.url.startswith("/ledger/") for i in items)
