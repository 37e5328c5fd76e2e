"""The talk-proposal queue by state: to decide (cause still there), cause ended, handled, all."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.duties.models import Escalation
from luoshi.duties.queries import talk_counts, talk_queue
from luoshi.duties.sweep import sweep
from luoshi.lists import completion
from tests.conftest import make_person
from tests.duties.conftest import at, publish

TALKS = reverse("escalation:talks")


@pytest.fixture
def queue(office, leader, unit_a, unit_b, unit_c, liaison_a, liaison_b, head_a):
    """Three units more than 10 working days late by Tue 03-24 get talk proposals; then unit_b reports
    (its lateness ends) and unit_c's work is accepted and its list struck off."""
    rlist = publish(office, unit_a, [unit_b], leader=leader)
    other = publish(office, unit_c, leader=leader, title="另一任务")
    for day in (10, 16, 24):
        sweep(at(date(2026, 3, day)))
    duty_services.do_report(
        liaison_b, rlist.duties.get(unit=unit_b), progress=40, done="推进", now=at(date(2026, 3, 25))
    )
    liaison_c = make_person("liaison_c", ["liaison"], unit_c)
    ob_c = other.duties.get()
    duty_services.do_report(
        liaison_c, ob_c, progress=100, done="完成", request_completion=True, now=at(date(2026, 3, 25))
    )
    duty_completion.do_accept(office, ob_c, now=at(date(2026, 3, 25), 10))
    completion.do_close(office, other, now=at(date(2026, 3, 25), 11))
    return {p.unit_id: p for p in Escalation.objects.filter(step="talk_proposal")}


@pytest.fixture
def on_0326():
    with time_machine.travel(at(date(2026, 3, 26), 11), tick=False):
        yield


def units(response) -> list[str]:
    return sorted(p.unit.name for p in response.context["proposals"])


def test_a_proposal_whose_cause_ended_is_marked_and_kept(queue, unit_a, unit_b, unit_c):
    assert len(queue) == 3
    ended = {p.unit_id: p.cause_ended for p in talk_queue()}
    assert ended == {unit_a.pk: False, unit_b.pk: True, unit_c.pk: True}
    assert talk_counts() == {"open": 1, "ended": 2, "handled": 0, "all": 3}


def test_the_queue_shows_what_waits_for_a_decision_by_default(as_, office, queue, unit_a, unit_b, unit_c, on_0326):
    client = as_(office)
    response = client.get(TALKS)
    assert response.status_code == 200 and units(response) == [unit_a.name]
    counts = {t["value"]: t["count"] for t in response.context["tabs"]}
    assert counts == {"": 1, "ended": 2, "handled": 0, "all": 3}
    ended = client.get(TALKS, {"state": "ended"})
    assert units(ended) == sorted([unit_b.name, unit_c.name])
    html = ended.content.decode()
    assert html.count('data-state="ended"') == 2 and 'data-state="open"' not in html
    # unit_c's request for completion was a report: it ended the lateness before the acceptance
    assert html.count("Cause ended: the unit reported 2026-03-25") == 2
    assert html.count('name="note"') == 2  # still to be recorded, like any other
    assert len(client.get(TALKS, {"state": "all"}).context["proposals"]) == 3
    assert client.get(TALKS, {"state": "handled"}).context["proposals"] == []


def test_handling_a_proposal_whose_cause_ended(as_, office, queue, unit_b, on_0326):
    client = as_(office)
    proposal = queue[unit_b.pk]
    response = client.post(
        reverse("escalation:handle_talk", args=[proposal.pk]) + "?state=ended", {"note": "已报送进展，不再约谈"}
    )
    assert response.status_code == 302 and response.url == f"{TALKS}?state=ended"
    assert talk_counts() == {"open": 1, "ended": 1, "handled": 1, "all": 3}
    assert [p.pk for p in client.get(TALKS, {"state": "handled"}).context["proposals"]] == [proposal.pk]


def test_an_unknown_state_gets_400(as_, office, queue, on_0326):
    response = as_(office).get(TALKS, {"state": "open-ish"})
    assert response.status_code == 400 and "Unknown view" in response.content.decode()
