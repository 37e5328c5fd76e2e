"""The office ranks the units, proposes the worst N, may change the agenda (saying why) before confirming
it, and after the meeting records each head's commitments as the unit's duties."""

from datetime import date, timedelta

import pytest

from luoshi.duties import services as duty_services
from luoshi.duties.models import Duty, DutyStatus
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.oversight import analysis
from luoshi.oversight.analysis_queries import agenda_of, ordered_rows
from luoshi.oversight.analysis_services import (
    CommitmentInput,
    do_confirm_agenda,
    do_create_analysis,
    do_record_commitment,
    do_set_agenda,
)
from luoshi.oversight.models import Analysis, AnalysisUnit, Commitment
from tests.oversight.analysis.conftest import AFTER_MEETING, END, MEETING, RANKED_AT, START


def create(actor, **kw):
    args = {"period_from": START, "period_to": END, "meeting_on": MEETING, "count": 2, "now": RANKED_AT, **kw}
    return do_create_analysis(actor, **args)


def test_the_ranking_stores_each_units_facts_score_and_the_weights(office, city):
    a, created = create(office)
    assert created and a.weights == analysis.DEFAULT_WEIGHTS
    gathered = analysis.gather(START, END)
    rows = ordered_rows(a)
    assert {r.unit_id for r in rows} == {city.unit_a.pk, city.unit_b.pk, city.unit_c.pk}  # not the quiet unit
    for r in rows:
        assert r.facts == gathered[r.unit_id]
        assert r.score == analysis.score(r.facts, a.weights)
    assert [r.rank for r in rows] == [1, 2, 3]


def test_the_worst_n_are_proposed_in_speaking_order_with_their_heads(office, city, head_a):
    a, _ = create(office)
    agenda = agenda_of(ordered_rows(a))
    assert [r.unit_id for r in agenda] == [r.unit_id for r in ordered_rows(a)][:2]
    assert [r.speaking_order for r in agenda] == [1, 2]
    assert agenda[0].unit_id == city.unit_a.pk and agenda[0].head == head_a
    event = Event.objects.get(kind="analysis.created", subject_id=a.pk)
    assert event.after["proposed"] == [r.unit_id for r in agenda] and event.after["weights"] == a.weights


def test_other_weights_rank_otherwise(office, city):
    a, _ = create(office, weights={"late_days": 0, "urges": 0, "orders": 0, "overdue_reports": 0, "talks": 50})
    assert ordered_rows(a)[0].unit_id == city.unit_c.pk


def test_the_same_submission_key_ranks_once(office, city):
    first, created = create(office, submission_key="k1")
    again, created_again = create(office, submission_key="k1")
    assert created and not created_again and again.pk == first.pk
    assert Analysis.objects.count() == 1 and AnalysisUnit.objects.filter(analysis=first).count() == 3


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"period_from": date(2026, 4, 1)}, "period_from"),
        ({"period_to": date(2026, 4, 5)}, "period_to"),  # after the day of the ranking
        ({"meeting_on": date(2026, 3, 20)}, "meeting_on"),
        ({"count": 0}, "count"),
        ({"count": 21}, "count"),
        ({"weights": {"mood": 2}}, "weights.mood"),
        ({"title": "议程\x00"}, "title"),
        ({"place": "会议室\x1b[31m"}, "place"),
        ({"period_from": date(1999, 1, 1)}, "period_from"),
    ],
)
def test_bad_input_is_refused_naming_the_field(office, city, kw, field):
    with pytest.raises(InvalidInput) as e:
        create(office, **kw)
    assert e.value.field == field
    assert not Analysis.objects.exists()


def test_only_the_office_ranks(discipline, head_a, leader, city):
    for person in (discipline, head_a, leader):
        with pytest.raises(NotAllowed):
            create(person)


def test_the_office_swaps_a_unit_in_saying_why_and_the_event_keeps_the_change(office, city):
    a, _ = create(office)
    proposal = [r.unit_id for r in agenda_of(ordered_rows(a))]
    units = [city.unit_c.pk, proposal[0]]
    with pytest.raises(InvalidInput) as e:
        do_set_agenda(office, a, units, now=RANKED_AT)
    assert e.value.field == "note"
    do_set_agenda(office, a, units, note="市委要求榆中县登台", now=RANKED_AT)
    agenda = agenda_of(ordered_rows(a))
    assert [r.unit_id for r in agenda] == units and agenda[0].head == city.head_c
    event = Event.objects.get(kind="analysis.agenda_set", subject_id=a.pk)
    assert event.after["added"] == [city.unit_c.pk] and event.after["removed"] == [proposal[1]]
    assert event.before["agenda"] == proposal and event.note == "市委要求榆中县登台"


def test_a_unit_without_facts_may_be_put_on_and_is_ranked_last_with_zero(office, city):
    a, _ = create(office)
    do_set_agenda(office, a, [city.quiet.pk], note="按要求列入", now=RANKED_AT)
    row = AnalysisUnit.objects.get(analysis=a, unit=city.quiet)
    assert row.chosen and row.score == 0 and row.rank == 4 and row.facts == analysis.zero_facts()


@pytest.mark.parametrize(
    ("units", "field"),
    [([], "units"), ([1, 1], "units"), ([2**31 - 1], "units")],
)
def test_a_bad_agenda_is_refused_naming_the_field(office, city, units, field):
    a, _ = create(office)
    with pytest.raises(InvalidInput) as e:
        do_set_agenda(office, a, units, note="x", now=RANKED_AT)
    assert e.value.field == field


def test_an_office_unit_cannot_be_put_on_the_agenda(office, city):
    a, _ = create(office)
    from luoshi.org.models import Unit

    with pytest.raises(InvalidInput) as e:
        do_set_agenda(office, a, [Unit.objects.get(kind="office").pk], note="x", now=RANKED_AT)
    assert e.value.field == "units"


def test_who_speaks_must_be_a_person_of_the_unit(office, city, head_a):
    a, _ = create(office)
    with pytest.raises(InvalidInput) as e:
        do_set_agenda(office, a, [city.unit_b.pk], heads={city.unit_b.pk: head_a.pk}, note="x", now=RANKED_AT)
    assert e.value.field == "heads"


def test_once_confirmed_the_agenda_no_longer_changes(office, confirmed, city):
    with pytest.raises(Conflict):
        do_set_agenda(office, confirmed, [city.unit_c.pk], note="x")
    with pytest.raises(Conflict):
        do_confirm_agenda(office, confirmed)
    assert Event.objects.filter(kind="analysis.confirmed", subject_id=confirmed.pk).count() == 1


def commit(office, a, unit, key=None, text="三个月内完成园区项目台账整改", now=AFTER_MEETING, **kw):
    item = CommitmentInput(
        unit_id=unit.pk, text=text, deadline=kw.pop("deadline", date(2026, 7, 31)), submission_key=key, **kw
    )
    return do_record_commitment(office, a, item, now=now)


def test_a_commitment_becomes_the_units_open_duty_reported_like_any_other(office, confirmed, city, liaison_a):
    c, created = commit(office, confirmed, city.unit_a, report_every_days=14)
    duty = Duty.objects.get(owner_type__model="commitment", owner_id=c.pk)
    assert created and duty.unit == city.unit_a and duty.status == DutyStatus.OPEN
    assert duty.deadline == date(2026, 7, 31) and duty.next_report_due is not None and duty.code.startswith("2026-CN-")
    assert duty.title == "三个月内完成园区项目台账整改"
    confirmed.refresh_from_db()
    assert confirmed.held_at == AFTER_MEETING
    report, _ = duty_services.do_report(
        liaison_a, duty, progress=30, done="台账补齐一半", now=AFTER_MEETING + timedelta(days=3)
    )
    duty.refresh_from_db()
    assert duty.last_report == report and duty.progress == 30


def test_a_commitment_submitted_twice_is_one_duty(office, confirmed, city):
    first, _ = commit(office, confirmed, city.unit_a, key="c1")
    again, created = commit(office, confirmed, city.unit_a, key="c1")
    assert again.pk == first.pk and not created
    assert Commitment.objects.count() == 1 and Duty.objects.filter(owner_type__model="commitment").count() == 1
    with pytest.raises(Conflict) as e:
        commit(office, confirmed, city.unit_a, key="c1", text="另一项承诺")
    assert e.value.field == "submission_key"


def test_commitments_wait_for_the_confirmed_agenda_and_the_meeting(office, ranked, city):
    with pytest.raises(Conflict):
        commit(office, ranked, city.unit_a)
    do_confirm_agenda(office, ranked, now=RANKED_AT)
    with pytest.raises(Conflict):
        commit(office, ranked, city.unit_a, now=RANKED_AT + timedelta(days=2))  # before the meeting
    assert not Commitment.objects.exists()


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"text": "  "}, "text"),
        ({"text": "承诺\x00"}, "text"),
        ({"deadline": date(2026, 4, 1)}, "deadline"),
        ({"deadline": date(2099, 1, 1)}, "deadline"),
        ({"report_every_days": 0}, "report_every_days"),
    ],
)
def test_a_bad_commitment_is_refused_naming_the_field(office, confirmed, city, kw, field):
    with pytest.raises(InvalidInput) as e:
        commit(office, confirmed, city.unit_a, **kw)
    assert e.value.field == field


def test_only_units_on_the_agenda_commit(office, confirmed, city):
    on = {r.unit_id for r in agenda_of(ordered_rows(confirmed))}
    assert city.unit_c.pk not in on
    with pytest.raises(InvalidInput) as e:
        commit(office, confirmed, city.unit_c)
    assert e.value.field == "unit"


def test_only_the_office_records_commitments(discipline, head_a, confirmed, city):
    for person in (discipline, head_a):
        with pytest.raises(NotAllowed):
            commit(person, confirmed, city.unit_a)
