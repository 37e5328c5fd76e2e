"""A talk proposal of the ladder (约谈建议) becomes a reminder talk in one step and leaves the office's
queue; sent twice, it stays one talk."""

from datetime import date

import pytest
from django.urls import reverse

from luoshi.duties.models import Escalation
from luoshi.duties.queries import talk_counts
from luoshi.duties.sweep import sweep
from luoshi.events.models import Event
from luoshi.oversight.models import CaseReason, Talk
from tests.duties.conftest import at, publish


@pytest.fixture
def proposal(office, leader, unit_a, liaison_a, head_a, time_machine) -> Escalation:
    """unit_a never reports: by Tue 03-24 the ladder proposes a talk."""
    rlist = publish(office, unit_a, leader=leader)
    for day in (10, 16, 24):
        sweep(at(date(2026, 3, day)))
    time_machine.move_to(at(date(2026, 3, 25), 10), tick=False)
    esc = Escalation.objects.get(step="talk_proposal")
    assert esc.duty.owner_id == rlist.pk
    return esc


def test_the_queue_offers_the_one_step_talk(as_, office, proposal):
    html = as_(office).get(reverse("escalation:talks")).content.decode()
    assert reverse("oversight:talk_from_proposal", args=[proposal.pk]) in html


def test_the_proposal_becomes_a_reminder_talk_and_leaves_the_queue(as_, office, proposal, unit_a):
    r = as_(office).post(reverse("oversight:talk_from_proposal", args=[proposal.pk]))
    talk = Talk.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("oversight:talk", args=[talk.pk])
    assert (talk.kind, talk.subject_kind, talk.unit_id, talk.proposal_id) == (
        "reminder",
        "unit",
        unit_a.pk,
        proposal.pk,
    )
    assert talk.held_on == date(2026, 3, 25)
    reasons = set(CaseReason.objects.filter(case_type="talk", case_id=talk.pk).values_list("kind", "ref_id"))
    assert reasons == {("talk_proposal", proposal.pk), ("list", proposal.duty.owner_id)}
    proposal.refresh_from_db()
    assert proposal.handled_at is not None and str(talk.pk) in proposal.handled_note
    assert talk_counts()["open"] == 0 and talk_counts()["handled"] == 1
    handled = Event.objects.get(kind="escalation.talk_handled")
    assert (handled.subject_type, handled.after["talk"]) == ("list", talk.pk)


def test_sent_twice_the_proposal_stays_one_talk(api, as_, office, proposal):
    client = as_(office)
    first = client.post(reverse("oversight:talk_from_proposal", args=[proposal.pk]))
    second = client.post(reverse("oversight:talk_from_proposal", args=[proposal.pk]))
    assert first["Location"] == second["Location"]
    again = api(office).post(f"/escalations/{proposal.pk}/talk", {})
    assert again.status_code == 200 and again.json()["proposal"] == proposal.pk
    assert Talk.objects.count() == 1


def test_the_api_turns_a_proposal_into_a_talk_of_the_kind_asked(api, office, proposal):
    r = api(office).post(f"/escalations/{proposal.pk}/talk", {"kind": "criticism", "record": "当面批评"})
    assert r.status_code == 201 and (r.json()["kind"], r.json()["record"]) == ("criticism", "当面批评")


def test_a_proposal_handled_otherwise_cannot_become_a_talk(api, office, proposal):
    from luoshi.duties.sweep import do_handle_talk_proposal

    do_handle_talk_proposal(office, proposal, "单位已报送，不再约谈")
    assert api(office).post(f"/escalations/{proposal.pk}/talk", {}).status_code == 409
    assert not Talk.objects.exists()


def test_only_officers_and_only_proposals(api, as_, office, head_a, proposal):
    assert api(head_a).post(f"/escalations/{proposal.pk}/talk", {}).status_code == 403
    assert as_(head_a).post(reverse("oversight:talk_from_proposal", args=[proposal.pk])).status_code == 403
    other = Escalation.objects.exclude(step="talk_proposal").first()
    assert api(office).post(f"/escalations/{other.pk}/talk", {}).status_code == 404
    assert api(office).post(f"/escalations/{2**31}/talk", {}).status_code == 400
    assert api(office).post(f"/escalations/{proposal.pk}/talk", {"kind": "gossip"}).json()["field"] == "kind"
    assert not Talk.objects.exists()
