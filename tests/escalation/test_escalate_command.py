from datetime import date

import time_machine

from luoshi.cli import main
from luoshi.escalation.models import Escalation
from luoshi.lists import services
from tests.escalation.conftest import at


def test_escalate_runs_one_sweep_at_the_given_time_and_prints_it(capsys, office, leader, unit_a, liaison_a):
    with time_machine.travel(at(date(2026, 3, 2)), tick=False):
        services.do_publish(
            office,
            services.do_create_list(
                office,
                source="meeting",
                title="任务",
                content="",
                leader=leader,
                lead_unit=unit_a,
                co_units=[],
                deadline=date(2026, 12, 31),
                report_every_days=7,
            ),
        )
    main(["escalate", "--now", "2026-03-10T09:00:00+08:00"])
    out = capsys.readouterr().out
    assert "urge" in out and "1 obligations due" in out
    assert Escalation.objects.get().step == "urge"


def test_escalate_refuses_a_bad_time(capsys, db):
    try:
        main(["escalate", "--now", "yesterday"])
    except SystemExit as e:
        assert "ISO-8601" in str(e)
    else:
        raise AssertionError("expected an exit")
