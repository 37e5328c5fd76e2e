"""The three rates per unit and month, hand-computed: response (an overruled and an upheld send-back, a
late sign-for), resolution (closed but not solved, a reopened problem's last visit), satisfaction (a
basically satisfied visit), the score with the weights, shared ranks, no figures → None, the districts."""

from datetime import date, timedelta

import pytest

from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.org.models import Unit
from luoshi.public import dispatch, handling, intake, rates
from luoshi.public.rates import UnitRate, UnitRef, Weights
from tests.conftest import NOW
from tests.public.conftest import submission

MARCH = date(2026, 3, 1)
LATER = NOW + timedelta(days=5)  # "now" for the figures: every sign-for limit of the month has passed


def _accepted(office, at=NOW):
    return intake.do_accept(office, intake.do_submit(office, submission(), now=at)[0], now=at)


def test_formulas():
    assert rates.response_rate(1, 2) == 0.5
    assert rates.response_rate(0, 0) is None
    assert rates.resolution_rate(2, 3) == 0.6667
    assert rates.satisfaction_rate(2, 1, 3, 80) == 0.9333
    assert rates.satisfaction_rate(0, 0, 0, 80) is None
    assert rates.score((0.5, 0.6667, 0.9333), Weights()) == 77.0
    # a rate without a denominator is left out and the other weights scaled up
    assert rates.score((None, 1.0, 0.5), Weights()) == 75.0
    assert rates.score((None, None, None), Weights()) is None
    assert rates.score((1.0, 0.0, 0.0), Weights(100, 0, 0, 80)) == 100.0


def test_ties_share_a_rank_and_no_score_no_rank():
    rows = [
        UnitRate(UnitRef(i, n), score=s)
        for i, n, s in [(1, "甲", 80.0), (2, "乙", 90.0), (3, "丙", 80.0), (4, "丁", None), (5, "戊", 70.0)]
    ]
    ranked = rates.rank(rows)
    assert [(r.unit.name, r.rank) for r in ranked] == [("乙", 1), ("丙", 2), ("甲", 2), ("戊", 4), ("丁", None)]


def test_a_month_by_hand(office, unit_a, unit_b, unit_c, liaison_a, liaison_b):
    t = NOW
    # p1: signed in 3 hours (responded); solved, satisfied.
    p1 = _accepted(office)
    dispatch.do_dispatch(office, p1, unit_a.pk, now=t)
    handling.do_sign(liaison_a, p1, unit_a.pk, now=t + timedelta(hours=3))
    handling.do_reply(liaison_a, p1, unit_a.pk, "已处理", now=t + timedelta(hours=5))
    handling.do_visit(office, p1, "satisfied", True, now=t + timedelta(hours=6))
    # p2: signed after 30 hours (late); basically satisfied, closed but not solved.
    p2 = _accepted(office)
    dispatch.do_dispatch(office, p2, unit_a.pk, now=t)
    handling.do_sign(liaison_a, p2, unit_a.pk, now=t + timedelta(hours=30))
    handling.do_reply(liaison_a, p2, unit_a.pk, "已协调", now=t + timedelta(hours=31))
    handling.do_visit(office, p2, "basically", False, now=t + timedelta(hours=32))
    handling.do_close(office, p2, now=t + timedelta(hours=33))
    # p3: sent back, ruled unit_a's (overruled: a dispatch not responded to); its new duty signed in time;
    # reopened once, then solved and satisfied (the month's last visit counts).
    p3 = _accepted(office)
    dispatch.do_dispatch(office, p3, unit_a.pk, now=t)
    dispatch.do_send_back(liaison_a, p3, unit_a.pk, "function", "非本单位职能", now=t + timedelta(hours=1))
    dispatch.do_rule(office, p3, unit_a.pk, now=t + timedelta(hours=2))
    handling.do_sign(liaison_a, p3, unit_a.pk, now=t + timedelta(hours=4))
    handling.do_reply(liaison_a, p3, unit_a.pk, "已处理", now=t + timedelta(hours=5))
    handling.do_visit(office, p3, "unsatisfied", False, reopen=True, now=t + timedelta(hours=6))
    handling.do_reply(liaison_a, p3, unit_a.pk, "已彻底处理", now=t + timedelta(hours=7))
    handling.do_visit(office, p3, "satisfied", True, now=t + timedelta(hours=8))
    # p4: sent back and given to unit_b (upheld: not unit_a's dispatch); unit_b never signs.
    p4 = _accepted(office)
    dispatch.do_dispatch(office, p4, unit_a.pk, now=t)
    dispatch.do_send_back(liaison_a, p4, unit_a.pk, "territory", "属地在城关区", now=t + timedelta(hours=1))
    dispatch.do_dispatch(office, p4, unit_b.pk, now=t + timedelta(hours=2))
    # p5: sent back, awaiting the ruling: counted against nobody.
    p5 = _accepted(office)
    dispatch.do_dispatch(office, p5, unit_a.pk, now=t)
    dispatch.do_send_back(liaison_a, p5, unit_a.pk, "ownership", "权属不清", now=t + timedelta(hours=1))
    # p6: to a street under 城关区 (unit_b), unsigned; p7: to unit_c, still within its limit at `now`.
    street = Unit.objects.create(name="张掖路街道", kind="town", parent=unit_b)
    p6 = _accepted(office)
    dispatch.do_dispatch(office, p6, street.pk, now=t)
    p7 = _accepted(office, at=LATER - timedelta(hours=1))
    dispatch.do_dispatch(office, p7, unit_c.pk, now=LATER - timedelta(hours=1))

    by_unit = {r.unit.id: r for r in rates.unit_rates(MARCH, now=LATER)}
    a = by_unit[unit_a.pk]
    assert (a.dispatched, a.responded, a.response_rate, a.wrong_send_backs) == (4, 2, 0.5, 1)
    assert (a.visited, a.solved, a.resolution_rate) == (3, 2, 0.6667)
    assert (a.satisfied, a.basically, a.satisfaction_rate) == (2, 1, 0.9333)
    assert a.score == 77.0 and a.rank == 1
    b = by_unit[unit_b.pk]
    assert (b.dispatched, b.responded, b.response_rate, b.wrong_send_backs) == (1, 0, 0.0, 0)
    assert b.resolution_rate is None and b.satisfaction_rate is None and b.score == 0.0 and b.rank == 2
    assert by_unit[street.pk].rank == 2  # a tie: both score 0
    assert unit_c.pk not in by_unit  # its only dispatch still has time to be signed for

    districts = rates.district_rates(MARCH, now=LATER)
    assert [(r.unit.name, r.dispatched, r.responded, r.rank) for r in districts] == [("城关区", 2, 0, 1)]
    # April: nothing dispatched or visited
    assert rates.unit_rates(date(2026, 4, 1), now=LATER) == []


def test_the_figures_take_a_constant_number_of_queries(office, unit_a, unit_b, django_assert_num_queries):
    p = _accepted(office)
    dispatch.do_dispatch(office, p, unit_a.pk, now=NOW)
    with django_assert_num_queries(4):
        assert len(rates.unit_rates(MARCH, now=LATER)) == 1
    for i in range(3):
        u = Unit.objects.create(name=f"区{i}单位", kind="district")
        q = _accepted(office)
        dispatch.do_dispatch(office, q, u.pk, now=NOW)
    with django_assert_num_queries(4):
        assert len(rates.unit_rates(MARCH, now=LATER)) == 4
    with django_assert_num_queries(4):
        assert len(rates.district_rates(MARCH, now=LATER)) == 3


def test_the_admin_sets_the_weights_once(admin, office):
    assert rates.weights() == Weights(10, 45, 45, 80)
    assert rates.do_set_weights(admin, 10, 45, 45, 80, now=NOW) == (Weights(), False)
    assert not Event.objects.filter(kind="rate_weights.changed").exists()
    assert rates.do_set_weights(admin, 20, 40, 40, 60, now=NOW) == (Weights(20, 40, 40, 60), True)
    assert rates.do_set_weights(admin, 20, 40, 40, 60, now=NOW)[1] is False
    assert Event.objects.filter(kind="rate_weights.changed").count() == 1
    assert rates.weights() == Weights(20, 40, 40, 60)
    with pytest.raises(NotAllowed):
        rates.do_set_weights(office, 10, 45, 45, 80, now=NOW)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ((101, 0, 0, 80), "response"),
        ((10, -1, 45, 80), "resolution"),
        ((10, 45, 44, 80), "satisfaction"),
        ((10, 45, 45, 120), "basically_counts"),
        ((10, 45, True, 80), "satisfaction"),
    ],
)
def test_bad_weights_name_their_field(admin, values, field):
    with pytest.raises(InvalidInput) as caught:
        rates.do_set_weights(admin, *values, now=NOW)
    assert caught.value.field == field
