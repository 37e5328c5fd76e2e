"""The document as a whole: its date, its kind, the proposals' shape; the directory from the database."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.lists.drafting import FIELDS, Reading
from luoshi.lists.drafting.reader import directory, read
from luoshi.org.models import Person, Unit
from luoshi.workdays import calendar

from .demo_org import DIR, UNIT, build_demo_org

BODY = "一、市住建局牵头，城关区配合，6月底前完成改造。\n二、市环保局负责，立即开展排查。\n"


@pytest.mark.parametrize(
    ("dated", "as_of"),
    [
        ("\n张立群\n二〇二六年三月五日", date(2026, 3, 5)),
        ("\n市政府办公厅\n2026年3月5日", date(2026, 3, 5)),
        ("\n市政府办公厅\n（2026年3月5日）", date(2026, 3, 5)),
        ("\n3月5日", date(2025, 3, 5)),  # the year of the date given
    ],
)
def test_the_documents_date(dated: str, as_of: date) -> None:
    reading = read("会议纪要\n" + BODY + dated, as_of=date(2025, 1, 1), directory=DIR)
    assert reading.as_of == as_of and reading.evidence["as_of"]
    assert reading.items[0].deadline == date(as_of.year, 6, 30)


def test_a_heading_date_and_not_the_dates_in_sentences() -> None:
    head = (
        "市委常委会会议纪要\n中共兰州市委办公厅　　　　2025年4月16日\n4月14日上午，李文华同志主持召开会议。纪要如下：\n"
    )
    assert read(head + BODY, directory=DIR).as_of == date(2025, 4, 16)
    undated = "关于3月20日火灾事故的批示\n7月23日，会议研究。纪要如下：\n" + BODY
    reading = read(undated, as_of=date(2026, 2, 1), directory=DIR)
    assert reading.as_of == date(2026, 2, 1) and "as_of" not in reading.evidence


@pytest.mark.parametrize(
    ("title", "source"),
    [
        ("关于供热问题的批示", "instruction"),
        ("市政府第十二次常务会议议定事项", "agreed_item"),
        ("市委常委会会议纪要", "meeting"),
        ("市委常委会2026年工作要点", "work_point"),
    ],
)
def test_the_kind_from_the_title_and_overridden(title: str, source: str) -> None:
    reading = read(title + "\n" + BODY, as_of=date(2026, 3, 5), directory=DIR)
    assert reading.source == source and reading.evidence["source"] == title
    assert {p.source for p in reading.items} == {source}
    assert reading.items[0].evidence["source"] == title and reading.items[0].confidence["source"] == 0.9
    overridden = read(title + "\n" + BODY, source="assigned", directory=DIR).items[0]
    assert overridden.source == "assigned" and overridden.confidence["source"] == 1.0


def test_an_unmarked_document_is_minutes_not_recognised() -> None:
    reading = read(BODY, as_of=date(2026, 3, 5), directory=DIR)
    assert reading.source == "meeting" and "source" not in reading.evidence
    assert "source" not in reading.items[0].evidence and "source" not in reading.items[0].confidence


def test_a_proposal_carries_its_words_and_confidence_and_guesses_nothing() -> None:
    reading = read("会议纪要\n" + BODY + "一二、\n", as_of=date(2026, 3, 5), directory=DIR)
    first, second = reading.items[:2]
    assert (
        first.title == "6月底前完成改造"
        and first.content == first.excerpt == "市住建局牵头，城关区配合，6月底前完成改造。"
    )
    assert first.lead_unit == UNIT["市住建局"] and first.co_units == [UNIT["城关区"]]
    assert first.evidence["lead_unit"] == "市住建局牵头" and first.evidence["deadline"] == "6月底前"
    assert all(0 < first.confidence[f] <= 1 for f in ("title", "lead_unit", "co_units", "deadline"))
    assert set(first.evidence) <= set(FIELDS)
    assert second.deadline is None and second.flags == ["deadline_asap"] and second.evidence["deadline"] == "立即"
    assert "deadline" not in second.confidence and second.leader is None and "leader" not in second.evidence
    assert second.co_units == [] and "co_units" not in second.evidence


@pytest.mark.django_db
def test_the_directory_in_constant_queries() -> None:
    build_demo_org()
    calendar.forget()
    with CaptureQueriesContext(connection) as few:
        small = directory()
    Unit.objects.create(name="市气象局", kind="department", aliases=["气象局"])
    Person.objects.create(username="leader13", name="钱立新", title="副市长", roles=["leader"], password="!")
    Person.objects.create(username="someone", name="钱学文", title="科员", roles=["liaison"], password="!")
    calendar.forget()
    with CaptureQueriesContext(connection) as more:
        big = directory()
    assert len(more) == len(few) <= 4
    assert len(big.units) == len(small.units) + 1 and [p.name for p in big.leaders][-1] == "钱立新"
    assert "春节" in big.holidays and big.calendar.is_workday(date(2026, 2, 14))
    reading: Reading = read(
        "会议纪要\n1. 气象局负责，钱立新同志督促，春节前完成。\n", as_of=date(2026, 1, 5), directory=big
    )
    item = reading.items[0]
    assert item.lead_unit == Unit.objects.get(name="市气象局").pk
    assert item.leader == Person.objects.get(username="leader13").pk
    assert item.deadline == date(2026, 2, 14)


@pytest.mark.django_db
def test_read_loads_the_directory_when_not_given() -> None:
    build_demo_org()
    item = read("会议纪要\n1. 市住建局牵头，年底前完成。\n", as_of=date(2026, 3, 5)).items[0]
    assert item.lead_unit == Unit.objects.get(name="市住建局").pk
