"""Deadlines relative to the document's date (corpus RULES.md: X前 is X itself, a period ends on its last day)."""

from datetime import date

import pytest

from luoshi.lists.drafting import deadlines
from luoshi.lists.drafting.directory import Directory

from .demo_org import DIR

AS_OF = date(2026, 3, 5)  # a Thursday


@pytest.mark.parametrize(
    ("words", "due"),
    [
        ("6月底前完成整治", date(2026, 6, 30)),
        ("9月15日前报送方案", date(2026, 9, 15)),
        ("年底前全部完工", date(2026, 12, 31)),
        ("年内建成投用", date(2026, 12, 31)),
        ("三季度末前完成", date(2026, 9, 30)),
        ("第一季度末完成", date(2026, 3, 31)),
        ("上半年完成验收", date(2026, 6, 30)),
        ("下月10日前制定办法", date(2026, 4, 10)),
        ("本月底前拿出方案", date(2026, 3, 31)),
        ("两周内完成摸底", date(2026, 3, 19)),
        ("3周内完成", date(2026, 3, 26)),
        ("15日内整改到位", date(2026, 3, 20)),
        ("10个工作日内拿出方案", date(2026, 3, 19)),
        ("本周内公布电话", date(2026, 3, 8)),  # the Sunday of the week
        ("2026年5月20日前完成", date(2026, 5, 20)),
        ("二〇二六年五月二十日前完成", date(2026, 5, 20)),
        ("于4月30日完成", date(2026, 4, 30)),
        ("2月底前完成", date(2027, 2, 28)),  # passed this year: next year's
        ("明年3月底前完成", date(2027, 3, 31)),
        ("国庆节前完成", date(2026, 9, 30)),
        ("半个月内完成", date(2026, 3, 20)),
        ("半年内完成", date(2026, 9, 5)),
        ("一年内完成", date(2027, 3, 5)),
        ("一个月内完成", date(2026, 4, 5)),
        ("6月中旬前完成", date(2026, 6, 20)),
        ("7月份完成", date(2026, 7, 31)),
    ],
)
def test_forms(words: str, due: date) -> None:
    found = deadlines.find(f"市住建局牵头，{words}。", AS_OF, DIR)
    assert found is not None and found.day == due, words
    assert not found.asap and found.evidence and found.confidence > 0


def test_working_days_skip_the_holiday() -> None:
    # 2026-09-30 (Wed): 10-01…07 rest, 10-10 (Sat) a make-up workday: 10-08, 09, 10, 12…16, 19, 20.
    found = deadlines.find("10个工作日内报送", date(2026, 9, 30), DIR)
    assert found is not None and found.day == DIR.calendar.add_workdays(date(2026, 9, 30), 10) == date(2026, 10, 20)


def test_spring_festival_from_the_calendar_then_the_lunar_eve() -> None:
    assert deadlines.find("春节前完成走访慰问", date(2025, 12, 22), DIR).day == date(2026, 2, 14)  # type: ignore[union-attr]
    # 2027 is not on the shipped calendar: the day before 除夕 (2027-02-05)
    assert deadlines.find("春节前发放到位", date(2026, 11, 16), DIR).day == date(2027, 2, 4)  # type: ignore[union-attr]
    assert deadlines.find("春节前发放到位", date(2026, 11, 16), Directory([], [])).day == date(2027, 2, 4)  # type: ignore[union-attr]


def test_fixed_holidays_beyond_the_calendar() -> None:
    assert deadlines.find("元旦前完成", date(2027, 11, 2), DIR).day == date(2027, 12, 31)  # type: ignore[union-attr]
    assert deadlines.find("国庆节前完成", date(2027, 3, 2), DIR).day == date(2027, 9, 30)  # type: ignore[union-attr]


@pytest.mark.parametrize("words", ["立即开展排查", "尽快出台办法", "马上整改", "抓紧做好预案"])
def test_asap_has_no_date_but_a_flag(words: str) -> None:
    found = deadlines.find(words, AS_OF, DIR)
    assert found is not None and found.day is None and found.asap and found.evidence


def test_a_date_beats_asap_and_the_latest_date_wins() -> None:
    found = deadlines.find("立即组织排查，3月底前完成方案，6月30日前化解60%以上，年底前基本清零。", AS_OF, DIR)
    assert found is not None and found.day == date(2026, 12, 31) and not found.asap


@pytest.mark.parametrize(
    "words",
    [
        "每月5日前报送进展",
        "每周五报告一次",
        "每季度末通报",
        "做好春节期间值班",
        "做好春节前后市场保供",
        "长期坚持",
        "对上半年发布的清单开展查账",
        "全年接待游客增长15%",
    ],
)
def test_no_deadline(words: str) -> None:
    assert deadlines.find(words, AS_OF, DIR) is None
