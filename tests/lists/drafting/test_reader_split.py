"""Items: numbered paragraphs at their innermost level, a 批示's demands; not headers, greetings, signatures."""

from datetime import date

import pytest

from luoshi.lists.drafting.reader import read, title_of
from luoshi.lists.drafting.split import split

from .demo_org import DIR, UNIT

MINUTES = """中共兰州市委常委会会议纪要

第12期

中共兰州市委办公厅　　　　2025年4月16日

　　4月14日上午，李文华同志主持召开会议。现将会议议定事项纪要如下：

　　一、关于“工作落实年”活动实施方案

　　会议原则同意实施方案。
　　（一）由市委督查室牵头，会同市政府督查室，4月30日前完成首批责任清单发布。
　　（二）市委组织部负责，6月底前出台具体考核办法。

　　二、其他事项

　　（一）市信访局牵头，各县区配合，三季度末前积案化解率达到90%以上。

　　以上事项由市委督查室建立台账，跟踪督办，按月通报。

　　出席：李文华　刘振宇
　　分送：市委常委，各县区委，市直各部门党组。
"""


def test_headings_with_sub_items_are_not_items() -> None:
    layout = split(MINUTES, DIR)
    assert [p.text[:8] for p in layout.items] == ["由市委督查室牵头", "市委组织部负责，", "市信访局牵头，各"]
    assert [p.marker for p in layout.items] == ["（一）", "（二）", "（一）"]
    assert layout.items[0].heading.startswith("关于“工作落实年”")
    assert "以上事项由市委督查室建立台账，跟踪督办，按月通报。" in layout.tail
    assert layout.head[0] == "中共兰州市委常委会会议纪要"


@pytest.mark.parametrize(
    "marks",
    [
        ("1. ", "2. ", "3. "),
        ("1、", "2、", "3、"),
        ("①", "②", "③"),
        ("一、", "二、", "三、"),
        ("（1）", "（2）", "（3）"),
    ],
)
def test_number_styles(marks: tuple[str, ...]) -> None:
    body = ["市住建局负责，年底前完成。", "市环保局牵头，6月底前完成。", "市财政局负责，立即拨付。"]
    text = (
        "专题会议议定事项\n\n会议议定：\n"
        + "\n".join(m + b for m, b in zip(marks, body, strict=True))
        + "\n\n市政府办公厅\n2026年3月5日"
    )
    reading = read(text, directory=DIR)
    assert [p.excerpt for p in reading.items] == body
    assert reading.source == "agreed_item"


PISHI = """关于城关区老旧小区供热管网问题的批示

马玉林同志：
近期市民反映，城关区部分老旧小区供暖不达标，群众意见很大。请市住建局会同城关区政府立即组织排查，10个工作日内拿出整改方案；市财政局要统筹做好改造资金保障，3月底前下达首批补助资金；城关区要压实街道社区责任，张掖路街道、雁滩街道配合做好入户摸底。有关情况及时报我。

张立群
二〇二六年三月五日
"""


def test_a_pishi_paragraph_splits_into_its_demands() -> None:
    reading = read(PISHI, directory=DIR)
    assert [p.excerpt[:8] for p in reading.items] == ["请市住建局会同城", "市财政局要统筹做", "城关区要压实街道"]
    assert reading.items[2].excerpt.endswith("有关情况及时报我。")  # a sentence without a unit joins the demand before
    assert all("群众意见很大" not in p.excerpt for p in reading.items)  # the context is no demand


def test_a_pishi_without_units_is_one_item() -> None:
    reading = read("王晓燕同志：\n此事要高度重视，尽快拿出解决办法。\n\n张立群\n2026年3月5日", directory=DIR)
    assert len(reading.items) == 1 and reading.items[0].flags == ["deadline_asap"]


def test_nothing_but_headers_gives_no_items() -> None:
    assert read("市委常委会会议纪要\n\n2026年3月5日\n", directory=DIR).items == []


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("市住建局负责，年底前完成棚户区改造2000户。另需报告。", "年底前完成棚户区改造2000户"),
        ("坚持项目带动。市发改委牵头，全年谋划实施重大项目。", "坚持项目带动"),
        (
            "由市住建局牵头，会同市国土资源局、市财政局和城关区、七里河区，加快推进征收安置和回迁房建设，年底前完成。",
            "加快推进征收安置和回迁房建设，年底前完成",
        ),
        (
            "刘振宇同志负责，市工信委具体承办，对全市规模以上工业企业开展一次走访帮扶。",
            "对全市规模以上工业企业开展一次走访帮扶",
        ),
        ("市住建局负责。", "市住建局负责"),
        (
            "关于全市信访突出问题集中治理的一项很长很长很长很长很长很长很长的工作安排事项",
            "关于全市信访突出问题集中治理的一项很长很长很长很长很长很长很",
        ),
    ],
)
def test_titles(text: str, title: str) -> None:
    got = title_of(text, DIR)
    assert got == title and len(got) <= 30 and got[-1] not in "。；，、："


UNNUMBERED = """市政府专题会议纪要

　　2026年4月3日，刘振宇同志主持召开专题会议，研究老旧小区改造工作。市住建局、市财政局负责同志参加会议。纪要如下：

　　会议认为，老旧小区改造是民生实事，各有关方面要高度重视。

　　会议要求，市住建局牵头，城关区、七里河区配合，6月底前完成首批50个小区改造；市财政局要在10个工作日内下达补助资金。市规划局负责简化审批程序。

　　会议强调，要加强督查，确保按期完成。

兰州市人民政府办公厅
2026年4月5日
"""


def test_unnumbered_minutes_give_their_demands_not_the_lead_in_or_the_meetings_view() -> None:
    reading = read(UNNUMBERED, directory=DIR)
    assert [p.excerpt[:10] for p in reading.items] == [
        "会议要求，市住建局牵",
        "市财政局要在10个工",
        "市规划局负责简化审批",
    ]
    assert reading.items[0].title == "6月底前完成首批50个小区改造"


def test_minutes_without_any_demand_are_their_paragraphs() -> None:
    text = "会议纪要\n\n会议强调，要加强督查，确保按期完成。\n\n会议要求，各级各部门要转变作风。\n\n2026年4月5日"
    assert [p.excerpt[:6] for p in read(text, directory=DIR).items] == ["会议强调，要", "会议要求，各"]


def test_items_take_the_units_and_deadline_of_their_heading_when_they_name_none() -> None:
    text = (
        "工作要点\n一、市住建局牵头，城关区配合，年底前完成以下工作：\n1. 完成改造方案。\n"
        "2. 市财政局负责，6月底前下达资金。\n二、其他工作\n1. 加强宣传。\n"
    )
    first, second, third = read(text, as_of=date(2026, 3, 5), directory=DIR).items
    assert (first.lead_unit, first.co_units, first.deadline) == (UNIT["市住建局"], [UNIT["城关区"]], date(2026, 12, 31))
    assert first.evidence["lead_unit"] == "市住建局牵头" and first.confidence["lead_unit"] < 0.9
    assert (second.lead_unit, second.co_units, second.deadline) == (UNIT["市财政局"], [], date(2026, 6, 30))
    assert (third.lead_unit, third.deadline) == (None, None) and "lead_unit" not in third.evidence
