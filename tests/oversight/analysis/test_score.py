"""The score is transparent and reproducible: a pure sum of counts times weights, the ranking a pure
order of the scores (no database here)."""

import random
from datetime import date

import pytest

from luoshi.duties.models import DutyStatus
from luoshi.errors import InvalidInput
from luoshi.oversight import analysis
from luoshi.oversight.analysis import DEFAULT_WEIGHTS, check_weights, finished_on, late_days_within, points, rank, score


def facts(**kw: int) -> dict[str, int]:
    return {**analysis.zero_facts(), **kw}


def test_the_score_is_each_facts_count_times_its_weight_summed():
    f = facts(late_days=31, overdue_reports=2, urges=4, orders=1, unrectified_findings=3, talks=1)
    assert points(f, DEFAULT_WEIGHTS) == {
        "late_days": 31,
        "overdue_reports": 4,
        "urges": 12,
        "orders": 5,
        "unrectified_findings": 12,
        "talks": 3,
    }
    assert score(f, DEFAULT_WEIGHTS) == 31 + 4 + 12 + 5 + 12 + 3


def test_the_default_weights_are_the_ones_shown():
    assert DEFAULT_WEIGHTS == {
        "late_days": 1,
        "overdue_reports": 2,
        "urges": 3,
        "orders": 5,
        "unrectified_findings": 4,
        "talks": 3,
    }
    assert tuple(DEFAULT_WEIGHTS) == analysis.FACTS


def test_a_weight_of_zero_leaves_a_fact_out_of_the_score():
    f = facts(late_days=100, talks=2)
    assert score(f, {**DEFAULT_WEIGHTS, "late_days": 0}) == 6


def test_the_office_may_change_some_weights_and_the_others_keep_their_defaults():
    assert check_weights({"talks": 10}) == {**DEFAULT_WEIGHTS, "talks": 10}
    assert check_weights(None) == DEFAULT_WEIGHTS


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"popularity": 1}, "weights.popularity"),
        ({"talks": -1}, "weights.talks"),
        ({"talks": 101}, "weights.talks"),
        ({"talks": 1.5}, "weights.talks"),
        ({"talks": True}, "weights.talks"),
        ({"talks": "3"}, "weights.talks"),
    ],
)
def test_a_bad_weight_is_refused_naming_it(raw, field):
    with pytest.raises(InvalidInput) as e:
        check_weights(raw)
    assert e.value.field == field


def test_the_worst_score_ranks_first_and_units_without_facts_are_not_ranked():
    by_unit = {1: facts(late_days=5), 2: facts(orders=3), 3: facts(), 4: facts(talks=1)}
    ranking = rank(by_unit, DEFAULT_WEIGHTS)
    assert [(r.unit_id, r.rank, r.score) for r in ranking] == [(2, 1, 15), (1, 2, 5), (4, 3, 3)]


def test_equal_scores_share_a_rank_and_are_listed_by_the_units_number():
    by_unit = {9: facts(urges=1), 3: facts(talks=1), 5: facts(late_days=10), 7: facts(late_days=1)}
    ranking = rank(by_unit, DEFAULT_WEIGHTS)
    assert [(r.unit_id, r.rank) for r in ranking] == [(5, 1), (3, 2), (9, 2), (7, 4)]


def test_the_same_facts_and_weights_always_give_the_same_ranking():
    rng = random.Random(7)
    by_unit = {u: facts(**{name: rng.randint(0, 3) for name in analysis.FACTS}) for u in range(1, 60)}
    first = rank(by_unit, DEFAULT_WEIGHTS)
    shuffled = list(by_unit.items())
    rng.shuffle(shuffled)
    assert rank(dict(shuffled), DEFAULT_WEIGHTS) == first
    for r in first:  # anyone can redo each sum from the stored facts and weights
        assert r.score == sum(r.facts[name] * DEFAULT_WEIGHTS[name] for name in analysis.FACTS)


def test_other_weights_give_another_order():
    by_unit = {1: facts(late_days=20), 2: facts(talks=2)}
    assert [r.unit_id for r in rank(by_unit, DEFAULT_WEIGHTS)] == [1, 2]
    assert [r.unit_id for r in rank(by_unit, {**DEFAULT_WEIGHTS, "talks": 20})] == [2, 1]


def test_the_proposal_is_the_worst_n_in_ranking_order():
    ranking = rank({1: facts(late_days=1), 2: facts(orders=1), 3: facts(urges=1)}, DEFAULT_WEIGHTS)
    assert analysis.proposed(ranking, 2) == [2, 3]
    assert analysis.proposed(ranking, 10) == [2, 3, 1]


MARCH_1, MARCH_31 = date(2026, 3, 1), date(2026, 3, 31)


@pytest.mark.parametrize(
    ("deadline", "finished", "days"),
    [
        (date(2026, 3, 10), None, 21),  # unfinished: 03-11 … 03-31
        (date(2026, 3, 10), date(2026, 3, 12), 2),  # finished two days late
        (date(2026, 3, 10), date(2026, 3, 10), 0),  # on its deadline
        (date(2026, 3, 10), date(2026, 3, 1), 0),  # early
        (date(2026, 2, 10), None, 31),  # late since February: only March counts
        (date(2026, 2, 10), date(2026, 2, 20), 0),  # finished before the period
        (date(2026, 2, 10), date(2026, 4, 20), 31),  # finished after it
        (date(2026, 3, 31), None, 0),  # due on the last day
        (date(2026, 4, 2), None, 0),  # due after the period
    ],
)
def test_days_late_within_the_period(deadline, finished, days):
    assert late_days_within(deadline, finished, MARCH_1, MARCH_31) == days


def test_when_work_was_finished_follows_its_status():
    deadline = date(2026, 3, 10)
    assert finished_on(DutyStatus.COMPLETED, deadline, 4, None, None) == date(2026, 3, 14)
    assert finished_on(DutyStatus.OPEN, deadline, None, None, None) is None
    assert finished_on(DutyStatus.WITHDRAWN, deadline, None, None, None) is None
