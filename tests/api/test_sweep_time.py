"""A sweep runs as of now: another time only with DEBUG or LUOSHI_TIME_TRAVEL (staging); junk is 400."""

import json
from datetime import date

import pytest
import time_machine

from luoshi.cli import main
from luoshi.duties.models import Escalation
from tests.duties.conftest import at, publish

LATE = at(date(2026, 3, 10))  # the day after the first report was due: an urge


@pytest.fixture
def late_list(office, leader, unit_a, liaison_a):
    return publish(office, unit_a, leader=leader)


def test_a_sweep_asked_to_run_in_the_future_outside_debug_is_refused(api, office, late_list, settings):
    settings.DEBUG, settings.LUOSHI_TIME_TRAVEL = False, False
    with time_machine.travel(at(date(2026, 3, 3)), tick=False):
        r = api(office).post("/escalations/run", {"now": "2027-09-07T10:00:00+08:00"})
    assert r.status_code == 400 and r.json()["field"] == "now"
    assert "LUOSHI_TIME_TRAVEL" in r.json()["detail"]
    assert not Escalation.objects.exists()


def test_a_sweep_in_the_past_is_refused_too(api, office, late_list):
    with time_machine.travel(at(date(2026, 3, 20)), tick=False):
        r = api(office).post("/escalations/run", {"now": LATE.isoformat()})
    assert r.status_code == 400 and r.json()["field"] == "now"
    assert not Escalation.objects.exists()


def test_a_sweep_runs_as_of_now(api, office, late_list):
    with time_machine.travel(LATE, tick=False):
        assert api(office).post("/escalations/run", {}).json()["urge"] == 1
        # A client whose clock is a minute off still means now.
        assert api(office).post("/escalations/run", {"now": "2026-03-10T09:01:00+08:00"}).status_code == 200
    assert Escalation.objects.get().step == "urge"


@pytest.mark.parametrize("switch", ["DEBUG", "LUOSHI_TIME_TRAVEL"])
def test_debug_or_time_travel_allows_another_time(api, office, late_list, settings, switch):
    setattr(settings, switch, True)
    with time_machine.travel(at(date(2026, 3, 3)), tick=False):
        r = api(office).post("/escalations/run", {"now": LATE.isoformat()})
    assert r.status_code == 200 and r.json()["urge"] == 1


@pytest.mark.parametrize(
    "body",
    [[None, None], [], "now", 5, {"now": "9999-12-31T00:00:00"}, {"now": "0001-01-01T00:00:00"}, {"now": "soon"}],
)
def test_junk_bodies_are_400_even_with_time_travel(api, office, late_list, settings, body):
    settings.LUOSHI_TIME_TRAVEL = True
    c = api(office)
    r = c.client.post("/api/v1/escalations/run", json.dumps(body), content_type="application/json", headers=c.headers)
    assert r.status_code == 400, r.content
    assert not Escalation.objects.exists()


def test_only_the_office_runs_the_sweep(api, liaison_a, late_list):
    assert api(liaison_a).post("/escalations/run", {}).status_code == 403


def test_the_command_refuses_another_time_outside_debug(capsys, late_list):
    with time_machine.travel(at(date(2026, 3, 3)), tick=False), pytest.raises(SystemExit) as exit_:
        main(["escalate", "--now", LATE.isoformat()])
    assert "LUOSHI_TIME_TRAVEL" in str(exit_.value)
    with pytest.raises(SystemExit) as exit_:
        main(["escalate", "--now", "9999-12-31T00:00:00"])
    assert "2100" in str(exit_.value)
    assert not Escalation.objects.exists()


def test_the_command_sweeps_now(capsys, late_list):
    with time_machine.travel(LATE, tick=False):
        main(["escalate"])
    assert "urge           1" in capsys.readouterr().out
