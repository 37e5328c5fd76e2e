"""Enumerations by 一是……；二是……: each task part an item, inline or opening its paragraph; not a description
(会议认为…呈现以下特点：一是…), nor 一是 as ordinary words (坚持一是一、二是二, 统一是前提)."""

from datetime import date

import pytest

from luoshi.lists.drafting.enumeration import enumerations
from luoshi.lists.drafting.reader import read

from .demo_org import DIR, UNIT

AS_OF = date(2026, 6, 2)
INLINE = """关于防汛工作的批示

马玉林同志：
入汛以来，黄河上游来水偏多，群众十分关注。请按以下要求抓好落实：一是市水务局牵头，立即开展堤防排查；二是市城管委要做好排涝准备，6月15日前完成管网清淤；三是加强值班值守。有关情况及时报我。

张立群
2026年6月2日
"""


def test_an_inline_enumeration_in_a_pishi_gives_an_item_per_part() -> None:
    reading = read(INLINE, directory=DIR)
    assert [p.excerpt for p in reading.items] == [
        "市水务局牵头，立即开展堤防排查；",
        "市城管委要做好排涝准备，6月15日前完成管网清淤；",
        "加强值班值守。有关情况及时报我。",  # the sentences after the last part are its own
    ]
    first, second, third = reading.items
    assert first.lead_unit == UNIT["市水务局"] and first.flags == ["deadline_asap"]
    assert second.lead_unit == UNIT["市城市管理委员会"] and second.deadline == date(2026, 6, 15)
    assert third.lead_unit is None  # a part naming no unit stays without one
    assert all("群众十分关注" not in p.excerpt for p in reading.items)  # the context is no item


def test_enumerations_opening_paragraphs_are_items_and_the_lead_in_is_not() -> None:
    text = (
        "关于安全生产的批示\n\n孙海涛同志：\n近期外地发生多起事故。请按以下要求抓好落实：\n"
        "一是市安监局牵头，立即开展大检查。\n二是各县区要压实属地责任，6月30日前完成隐患整治。\n"
        "三是市住建局负责加强工地安全监管。\n\n张立群\n2026年6月5日\n"
    )
    reading = read(text, directory=DIR)
    assert [p.excerpt[:6] for p in reading.items] == ["市安监局牵头", "各县区要压实", "市住建局负责"]
    assert reading.items[1].deadline == date(2026, 6, 30)


def test_a_numbered_items_enumeration_splits_under_its_lead_in() -> None:
    text = (
        "专题会议纪要\n一、会议研究了老旧小区改造。会议要求，市住建局牵头，年底前重点抓好：一是完成改造方案；"
        "二是市财政局负责，6月底前下达资金。\n二、市环保局负责，立即开展排查。\n"
    )
    first, second, third = read(text, as_of=AS_OF, directory=DIR).items
    assert (first.excerpt, second.excerpt[:6], third.excerpt[:6]) == ("完成改造方案；", "市财政局负责", "市环保局负责")
    # the lead-in's unit and deadline for the part naming none, with less confidence
    assert first.lead_unit == UNIT["市住建局"] and first.deadline == date(2026, 12, 31)
    assert first.confidence["lead_unit"] < 0.9
    assert second.lead_unit == UNIT["市财政局"] and second.deadline == date(2026, 6, 30)


def test_a_described_enumeration_is_not_split() -> None:
    text = (
        "专题会议纪要\n一、会议认为，今年以来经济运行呈现以下特点：一是工业生产稳中有升；二是投资增速加快。"
        "会议要求，市发改委负责加强监测调度。\n二、市环保局负责，立即开展排查。\n"
    )
    items = read(text, as_of=AS_OF, directory=DIR).items
    assert len(items) == 2 and items[0].excerpt.startswith("会议认为") and items[0].lead_unit == UNIT["市发改委"]


def test_a_description_then_demands_gives_only_the_demands() -> None:
    paragraph = (
        "存在的主要问题：一是责任不落实；二是排查不彻底。请按以下要求整改：一是市安监局牵头排查；二是市公安局配合。"
    )
    (found,) = enumerations(paragraph)
    assert found.lead_in == "请按以下要求整改：" and found.parts == ["市安监局牵头排查；", "市公安局配合。"]


@pytest.mark.parametrize(
    "paragraph",
    [
        "化解积案要坚持一是一、二是二，实事求是。",
        "思想统一是前提；二是关键。",
        "一是要高度重视此事，尽快拿出办法。",  # 一是 without 二是
        "要做好二是三是的衔接；二是加强宣传。",  # no 一是 opening the run
        "一是加强排查，二是落实责任。",  # 二是 after a comma, not a sentence's end
        "唯一是标准；二是其次。",
    ],
)
def test_ordinary_words_with_yi_shi_are_no_enumeration(paragraph: str) -> None:
    assert enumerations(paragraph) == []


def test_a_single_line_opening_with_yi_shi_is_no_number() -> None:
    text = (
        "关于供热问题的批示\n\n马玉林同志：\n一是一、二是二，此事要实事求是，尽快拿出解决办法。\n\n张立群\n2026年3月5日"
    )
    (item,) = read(text, directory=DIR).items
    assert item.excerpt.startswith("一是一、二是二") and item.flags == ["deadline_asap"]


def test_paragraphs_describing_by_yi_shi_are_not_items_but_the_demands_after_them_are() -> None:
    text = (
        "专题会议纪要\n\n会议认为，当前安全生产存在的主要问题：\n一是企业主体责任落实不到位。\n"
        "二是隐患排查不彻底。\n会议要求：\n一是市安监局牵头，立即开展大检查。\n二是市公安局负责，两周内完成整治。\n"
        "\n市政府办公厅\n2026年6月2日\n"
    )
    items = read(text, directory=DIR).items
    assert [p.excerpt for p in items] == ["市安监局牵头，立即开展大检查。", "市公安局负责，两周内完成整治。"]
    assert items[1].deadline == date(2026, 6, 16)
