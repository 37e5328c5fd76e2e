"""Dispatch suggestion: the unit that handled like problems comes first; accuracy measured on the newest."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.public import intake, suggest
from luoshi.public.models import Problem, Status
from tests.conftest import NOW
from tests.public.conftest import submission

# (category, place, text) of problems each unit handled.
HISTORY = {
    "a": [
        ("食品安全", "西固区福利路", "饭店后厨卫生很差，老鼠乱窜"),
        ("食品安全", "七里河区", "超市出售过期食品"),
        ("食品安全", "安宁区", "小吃摊使用地沟油"),
    ],
    "b": [
        ("市容环境", "城关区张掖路街道", "小区门口垃圾无人清运"),
        ("市容环境", "城关区庆阳路", "路边垃圾桶满了没人倒"),
        ("交通出行", "城关区东岗西路", "公交站牌被撞坏了"),
    ],
}


def _handled(office, unit, category, place, content, at) -> Problem:
    p = intake.do_submit(office, submission(category=category, place=place, content=content), now=at)[0]
    Problem.objects.filter(pk=p.pk).update(status=Status.CLOSED, lead_unit=unit)
    return p


def _history(office, units, rounds=3):
    at = NOW - timedelta(days=100)
    for _ in range(rounds):
        for key, rows in HISTORY.items():
            for cat, place, text in rows:
                at += timedelta(hours=1)
                _handled(office, units[key], cat, place, text, at)


def test_the_unit_that_handled_like_problems_is_suggested_first(office, unit_a, unit_b, unit_c):
    suggest.forget()
    _history(office, {"a": unit_a, "b": unit_b})
    # A problem still with a unit, or sent back, teaches nothing.
    pending = intake.do_submit(office, submission(category="食品安全"))[0]
    Problem.objects.filter(pk=pending.pk).update(status=Status.HANDLING, lead_unit=unit_c)
    new = intake.do_submit(office, submission(category="市容环境", place="城关区张掖路", content="垃圾堆放"))[0]
    found = suggest.suggest_units(new)
    assert [u.pk for u, _ in found][:2] == [unit_b.pk, unit_a.pk]
    assert all(0 <= s <= 1 for _, s in found) and found[0][1] > 0.5
    food = intake.do_submit(office, submission(category="食品安全", place="西固区", content="餐馆卫生差"))[0]
    assert suggest.suggest_units(food, k=1)[0][0] == unit_a


def test_a_unit_named_in_the_place_counts(office, unit_a, unit_b):
    suggest.forget()
    _history(office, {"a": unit_a, "b": unit_b})
    feats = suggest.features(suggest.Example(1, "城关区张掖路街道", "垃圾"), {unit_b.pk: "城关区"})
    assert feats[f"u:{unit_b.pk}"] == suggest.UNIT_WEIGHT and "p:张掖路" in feats


def test_the_model_is_cached_until_the_history_changes(office, unit_a, unit_b, django_assert_max_num_queries):
    suggest.forget()
    _history(office, {"a": unit_a, "b": unit_b})
    new = intake.do_submit(office, submission())[0]
    suggest.suggest_units(new)
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(20):
            suggest.suggest_units(new)
    assert len(ctx.captured_queries) == 20 * 3  # the key's two aggregates and the units: no retraining
    before = suggest.model()
    _handled(office, unit_a, "市容环境", "城关区", "垃圾", NOW)
    assert suggest.model() is not before and suggest.model().size == before.size + 1


def test_accuracy_is_measured_on_the_newest_problems(office, unit_a, unit_b):
    assert suggest.measure_accuracy() == {"top1": None, "top3": None, "n": 0}
    _history(office, {"a": unit_a, "b": unit_b}, rounds=5)
    figures = suggest.measure_accuracy(held_out_fraction=0.2)
    assert figures["n"] == 6
    assert figures["top1"] >= 0.8 and figures["top3"] == 1.0
