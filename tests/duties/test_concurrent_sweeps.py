"""Many workers sweeping at once do exactly what one sweep does: no step twice, none lost."""

from collections import Counter as Tally
from datetime import date, datetime, time

import pytest
from django.db import transaction

from luoshi.duties.models import Escalation
from luoshi.duties.sweep import sweep
from luoshi.events.models import Counter, Event
from luoshi.notify.models import Notification
from luoshi.worker import claim
from tests.conftest import SHANGHAI
from tests.duties.conftest import publish
from tests.lists.test_concurrency import run_together


def outcome() -> dict:
    """What a sweep left behind, in terms that do not depend on which worker took which row."""
    steps = Escalation.objects.values_list("episode__duty_id", "episode__kind", "step", "unit_id")
    return {
        # every step but the talk proposal on its own obligation and episode kind
        "steps": Tally((ob, kind, step) for ob, kind, step, _u in steps if step != "talk_proposal"),
        # a unit's talk proposal goes with whichever of its orders came K-th: counted per unit
        "talks": Tally(unit for _o, _k, step, unit in steps if step == "talk_proposal"),
        "numbers": sorted(n for n in Escalation.objects.values_list("number", flat=True) if n),
        "notifications": Tally(Notification.objects.values_list("recipient_id", "kind")),
        "events": Tally(Event.objects.filter(kind__startswith="escalation.").values_list("kind", flat=True)),
    }


class Rollback(Exception):
    pass


def sequential_reference(now) -> tuple[dict, dict]:
    """One sweep alone, on the same data, rolled back: what the concurrent sweeps must add up to."""
    try:
        with transaction.atomic():
            counts = sweep(now)
            result = outcome()
            raise Rollback
    except Rollback:
        pass
    assert not Escalation.objects.exists()
    assert not Counter.objects.filter(key__in=["CB-2026", "DB-2026"]).exists()  # the numbers start again at 1
    return counts, result


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_do_what_one_sweep_does(
    office, leader, unit_a, unit_b, unit_c, liaison_a, liaison_b, outsider
):
    for i in range(30):
        publish(office, unit_a, [unit_b, unit_c], leader=leader, title=f"任务{i}")
    now = datetime.combine(date(2026, 3, 16), time(9), tzinfo=SHANGHAI)  # a week overdue: urge + order
    counts, reference = sequential_reference(now)
    assert (counts["urge"], counts["order"], counts["talk_proposal"]) == (90, 90, 3)
    assert reference["notifications"] and len(reference["numbers"]) == 180

    results: list[dict] = []
    run_together(*[lambda: results.append(sweep(now))] * 4)
    assert outcome() == reference
    for step in ("reminder", "urge", "order", "talk_proposal"):
        assert sum(r[step] for r in results) == counts[step], step
    assert sweep(now) == {**counts, **dict.fromkeys(("reminder", "urge", "order", "talk_proposal"), 0)}


@pytest.mark.django_db(transaction=True)
def test_one_worker_wins_each_scheduled_run():
    now = datetime(2026, 3, 2, 9, tzinfo=SHANGHAI)
    wins: list[bool] = []
    run_together(*[lambda: wins.append(claim("sweep", 300, now))] * 4)
    assert wins.count(True) == 1
    assert claim("sweep", 300, now) is False
