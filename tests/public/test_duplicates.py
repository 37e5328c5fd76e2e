"""Possible duplicates at triage: same category, similar text, near place; unrelated problems not suggested."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.public import duplicates, intake
from luoshi.public.models import Problem
from tests.conftest import NOW
from tests.public.conftest import submission


def _new(office, at=NOW, **changes) -> Problem:
    return intake.do_submit(office, submission(**changes), now=at)[0]


def test_the_same_problem_told_again_is_suggested_first(office):
    original = _new(office, at=NOW - timedelta(days=3))
    near = _new(office, at=NOW - timedelta(days=2), content="张掖路58号小区门口的垃圾堆了好几天没人清运")
    unrelated = _new(office, content="路灯坏了一个月，晚上很黑，希望尽快修好。", place="西固区福利路")
    new = _new(office, content="小区门口垃圾堆放多日无人清运，气味很大", place="城关区张掖路街道58号")
    found = duplicates.possible_duplicates(new)
    ids = [p.pk for p, _ in found]
    assert ids[0] == original.pk and near.pk in ids and unrelated.pk not in ids
    assert all(0 <= s <= 1 for _, s in found)
    assert found[0][1] > {p.pk: s for p, s in found}[near.pk]


def test_other_categories_old_rejected_and_itself_are_left_out(office):
    _new(office, at=NOW - timedelta(days=61))
    _new(office, category="交通出行")
    rejected = _new(office)
    intake.do_reject(office, rejected, "重复来电")
    new = _new(office)
    assert duplicates.possible_duplicates(new) == []


def test_coordinates_decide_nearness_when_both_have_them(office):
    here = {"lat": "36.061000", "lon": "103.834000"}
    same_spot = _new(office, place="", **here)
    far = _new(office, place="", lat="36.100000", lon="103.700000")
    new = _new(office, place="", **here)
    scores = {p.pk: s for p, s in duplicates.possible_duplicates(new)}
    assert scores[same_spot.pk] > scores.get(far.pk, 0)
    assert duplicates.haversine(36.0, 103.0, 36.0, 103.0) == 0
    assert 110_000 < duplicates.haversine(36.0, 103.0, 37.0, 103.0) < 112_000


def test_the_work_is_one_query_and_bounded(office, monkeypatch):
    for _ in range(4):
        _new(office)
    new = _new(office)
    monkeypatch.setattr(duplicates, "CANDIDATES", 2)
    with CaptureQueriesContext(connection) as ctx:
        found = duplicates.possible_duplicates(new, limit=5)
    assert len(ctx.captured_queries) == 1 and len(found) == 2


def test_text_helpers():
    assert duplicates.bigrams("垃圾， 清运") == frozenset({"垃圾", "圾清", "清运"})
    assert duplicates.dice(frozenset(), frozenset({"ab"})) == 0
    assert duplicates.score(1.0, 1.0) == 1.0


def test_the_same_complaint_of_another_place_is_another_problem(office):
    text = "广场舞音响声音太大，影响周边居民休息。"
    elsewhere = _new(office, content=text, place="", lat="36.340000", lon="103.950000")  # 皋兰县, 30 km off
    close_by = _new(office, content=text, place="", lat="36.061500", lon="103.834500")  # some 70 m off
    new = _new(office, content=text, place="", lat="36.061000", lon="103.834000")
    ids = [p.pk for p, _ in duplicates.possible_duplicates(new)]
    assert ids == [close_by.pk] and elsewhere.pk not in ids
    # Place strings of one district share its name: that alone is not nearness.
    a = _new(office, content=text, place="城关区东岗西路街道雁园路")
    b = _new(office, content=text, place="城关区酒泉路街道南昌路")
    assert duplicates.nearness(a, b) < 0.2
