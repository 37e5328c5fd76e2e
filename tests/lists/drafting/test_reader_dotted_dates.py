"""Dates written with points, slashes or hyphens as deadlines (2026.3.5, 2026/3/5, 3.15前, 于4.30); a decimal
(3.5亿元, 12.5%) is no date: a month.day needs a deadline word (前/止/为限 after, 于/截至/限 before)."""

from datetime import date

import pytest

from luoshi.lists.drafting import deadlines
from luoshi.lists.drafting.reader import read

from .demo_org import DIR

AS_OF = date(2026, 3, 5)


@pytest.mark.parametrize(
    ("words", "due"),
    [
        ("2026.3.20前完成", date(2026, 3, 20)),
        ("2026.03.20完成", date(2026, 3, 20)),
        ("2026/3/20前报送", date(2026, 3, 20)),
        ("2026-03-20前报送", date(2026, 3, 20)),
        ("2026．3．20前完成", date(2026, 3, 20)),
        ("2027.1.10前完成", date(2027, 1, 10)),
        ("3.31前完成", date(2026, 3, 31)),
        ("3.31之前完成", date(2026, 3, 31)),
        ("于4.30完成招标", date(2026, 4, 30)),
        ("截至4.30完成", date(2026, 4, 30)),
        ("截止到4.30", date(2026, 4, 30)),
        ("4.30止", date(2026, 4, 30)),
        ("3.1前完成", date(2027, 3, 1)),  # passed this year: next year's, as 3月1日前
        ("先于3.20前完成摸底，2026.6.30前全部完成", date(2026, 6, 30)),  # the latest
    ],
)
def test_dotted_dates(words: str, due: date) -> None:
    found = deadlines.find(f"市住建局牵头，{words}。", AS_OF, DIR)
    assert found is not None and found.day == due, words
    assert not found.asap and found.evidence


def test_a_month_day_takes_the_documents_year_from_its_date() -> None:
    text = "关于供暖的批示\n\n马玉林同志：\n请市住建局于1.10完成供热管网检修。\n\n张立群\n2026年11月16日"
    (item,) = read(text, directory=DIR).items
    assert item.deadline == date(2027, 1, 10) and item.evidence["deadline"] == "于1.10"


@pytest.mark.parametrize(
    "words",
    [
        "总投资3.5亿元",
        "增长12.5%",
        "控制在12.5%以内",
        "容积率控制在3.5以内",
        "提高到3.5",
        "于3.5亿元的投资中安排",
        "完成3.5万户改造",
        "改造1.2万户",
        "达到95.5%",
        "完成率12.5%前",
        "2026.13.5前完成",
        "2026.2.30前完成",
        "执行1.2.3版标准",
        "联系电话0931-8123456",
        "2026-2028年行动计划",
    ],
)
def test_decimals_are_no_dates(words: str) -> None:
    assert deadlines.find(f"市住建局负责，{words}。", AS_OF, DIR) is None


def test_a_decimal_beside_a_deadline_leaves_the_deadline() -> None:
    found = deadlines.find("安排资金3.5亿元，增长12.5%，年底前完成3.5万户改造。", AS_OF, DIR)
    assert found is not None and found.day == date(2026, 12, 31) and found.evidence == "年底前"
