"""Items numbered 第一条 / 第二条 … and 第一项 / 第二项 …, like 一、二、; only in a run from the first."""

from datetime import date

import pytest

from luoshi.lists.drafting.reader import read
from luoshi.lists.drafting.split import split

from .demo_org import DIR, UNIT

BODY = ["市住建局负责，年底前完成。", "市环保局牵头，6月底前完成。", "市财政局负责，立即拨付。"]


@pytest.mark.parametrize(
    "marks",
    [
        ("第一条　", "第二条　", "第三条　"),
        ("第一条 ", "第二条 ", "第三条 "),
        ("第一项：", "第二项：", "第三项："),
        ("第一项、", "第二项、", "第三项、"),
        ("第1条 ", "第2条 ", "第3条 "),
    ],
)
def test_article_numbers_mark_items(marks: tuple[str, ...]) -> None:
    text = "专题会议议定事项\n\n会议议定：\n" + "\n".join(m + b for m, b in zip(marks, BODY, strict=True))
    reading = read(text + "\n\n市政府办公厅\n2026年3月5日", directory=DIR)
    assert [p.excerpt for p in reading.items] == BODY
    assert reading.items[1].lead_unit == UNIT["市环保局"] and reading.items[1].deadline == date(2026, 6, 30)


def test_articles_nest_under_chinese_numbers() -> None:
    text = "工作要点\n一、城市建设\n第一条　市住建局负责，年底前完成。\n第二条　市规划局负责，6月底前完成。\n"
    layout = split(text, DIR)
    assert [(p.marker, p.heading) for p in layout.items] == [("第一条　", "城市建设"), ("第二条　", "城市建设")]


def test_an_article_mentioned_in_a_sentence_or_alone_is_no_number() -> None:
    alone = "关于供热问题的批示\n\n马玉林同志：\n第一条 原则要把群众冷暖放在心上，市住建局要尽快拿出办法。\n\n张立群\n2026年3月5日"
    (item,) = read(alone, directory=DIR).items
    assert item.excerpt.startswith("第一条 原则")
    text = "议定事项\n第一条　市住建局负责，年底前完成。\n第二条　市卫生计生委负责，推进第一条所列片区建设。\n"
    assert [p.excerpt[:6] for p in read(text, as_of=date(2026, 3, 5), directory=DIR).items] == [
        "市住建局负责",
        "市卫生计生委",
    ]


def test_a_line_opening_with_the_words_first_item_is_no_number() -> None:
    text = "会议纪要\n\n会议要求，第一项工作由市住建局负责，年底前完成；第二项工作由市财政局负责。\n\n2026年3月5日"
    assert [p.excerpt[:7] for p in read(text, directory=DIR).items] == ["会议要求，第一"]
