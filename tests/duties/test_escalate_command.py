from luoshi.cli import main
from luoshi.duties.models import Escalation
from tests.duties.conftest import publish


def test_escalate_runs_one_sweep_at_the_given_time_and_prints_it(capsys, office, leader, unit_a, liaison_a, settings):
    settings.LUOSHI_TIME_TRAVEL = True  # as on staging; without it a sweep runs as of now only
    publish(office, unit_a, leader=leader)
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
