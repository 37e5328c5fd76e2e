"""Drafts from a text: the office stores the document and its corrected drafts in one step, all or none."""

from datetime import date

import pytest
import time_machine

from luoshi.duties.models import HandlingRole
from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.lists.drafting_services import DraftItem, do_create_drafts_from_text, read_text
from luoshi.lists.models import ListStatus, ResponsibilityList, SourceText
from tests.conftest import NOW, TODAY, days
from tests.lists.drafting.fake_reader import use_fake_reader  # noqa: F401  (a fixture)

TEXT = (
    "市政府常务会议纪要\n2026年3月2日\n一、市工信委牵头，城关区配合，6月30日前完成园区规划。\n二、榆中县负责道路修缮。"
)


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW):
        yield


def items(leader, unit_a, unit_b, unit_c, **change) -> list[DraftItem]:
    first = {
        "title": "完成园区规划",
        "content": "市工信委牵头，城关区配合，6月30日前完成园区规划。",
        "source": "meeting",
        "leader": leader,
        "lead_unit": unit_a,
        "co_units": [unit_b],
        "deadline": date(2026, 6, 30),
        "report_every_days": 14,
        "excerpt": "一、市工信委牵头，城关区配合，6月30日前完成园区规划。",
    }
    first.update(change)
    second = DraftItem(
        "道路修缮", "榆中县负责道路修缮。", "meeting", None, unit_c, [], days(90), 30, "二、榆中县负责道路修缮。"
    )
    return [DraftItem(**first), second]


def create(actor, its, key="k1", **change):
    args = {"text": TEXT, "name": "纪要.docx", "source": "meeting", "as_of": TODAY, "items": its, "submission_key": key}
    return do_create_drafts_from_text(actor, **{**args, **change}, now=NOW)


def test_the_office_creates_all_drafts_linked_to_the_document(office, leader, unit_a, unit_b, unit_c):
    st, lists, created = create(office, items(leader, unit_a, unit_b, unit_c))
    assert created and SourceText.objects.get() == st
    assert (st.text, st.name, st.source, st.as_of, st.created_by) == (TEXT, "纪要.docx", "meeting", TODAY, office)
    assert [r.title for r in lists] == ["完成园区规划", "道路修缮"]
    first = ResponsibilityList.objects.get(pk=lists[0].pk)
    assert first.status == ListStatus.DRAFT and first.source_text == st
    assert first.source_excerpt.startswith("一、市工信委牵头")
    assert (first.leader, first.deadline, first.report_every_days) == (leader, date(2026, 6, 30), 14)
    roles = {(d.unit_id, d.role) for d in first.duties.all()}
    assert roles == {(unit_a.pk, HandlingRole.LEAD), (unit_b.pk, HandlingRole.CO)}
    assert not ResponsibilityList.objects.exclude(status=ListStatus.DRAFT).exists()
    assert Event.objects.filter(kind="source_text.created", subject_id=st.pk).count() == 1


def test_a_double_submit_is_stored_once(office, leader, unit_a, unit_b, unit_c):
    st, lists, _ = create(office, items(leader, unit_a, unit_b, unit_c))
    again, lists_again, created = create(office, items(leader, unit_a, unit_b, unit_c))
    assert not created and again == st and [r.pk for r in lists_again] == [r.pk for r in lists]
    assert SourceText.objects.count() == 1 and ResponsibilityList.objects.count() == 2
    create(office, items(leader, unit_a, unit_b, unit_c), key="k2")  # another key: another document
    assert SourceText.objects.count() == 2


def test_only_the_office(liaison_a, leader, unit_a, unit_b, unit_c):
    for person in (liaison_a, leader):
        with pytest.raises(NotAllowed):
            create(person, items(leader, unit_a, unit_b, unit_c))
        with pytest.raises(NotAllowed):
            read_text(person, TEXT)
    assert not SourceText.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lead_unit": None}, "items.0.lead_unit"),
        ({"deadline": None}, "items.0.deadline"),
        ({"deadline": date(2025, 1, 1)}, "items.0.deadline"),
        ({"title": " "}, "items.0.title"),
        ({"title": "x\x00"}, "items.0.title"),
        ({"source": "nope"}, "items.0.source"),
        ({"report_every_days": 0}, "items.0.report_every_days"),
        ({"co_units": "LEAD"}, "items.0.co_units"),
        ({"excerpt": "a\x07"}, "items.0.excerpt"),
    ],
)
def test_an_invalid_item_creates_nothing_and_names_its_field(office, leader, unit_a, unit_b, unit_c, change, field):
    if change.get("co_units") == "LEAD":
        change["co_units"] = [unit_a]
    with pytest.raises(InvalidInput) as err:
        create(office, items(leader, unit_a, unit_b, unit_c, **change))
    assert err.value.field == field
    assert not SourceText.objects.exists() and not ResponsibilityList.objects.exists()


def test_a_non_leader_is_refused_as_leader(office, liaison_a, unit_a, unit_b, unit_c):
    with pytest.raises(InvalidInput) as err:
        create(office, items(liaison_a, unit_a, unit_b, unit_c))
    assert err.value.field == "items.0.leader"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"text": " "}, "text"),
        ({"text": "a\x00b"}, "text"),
        ({"text": "字" * 100_001}, "text"),
        ({"name": "a\nb"}, "name"),
        ({"source": "tv"}, "source"),
        ({"as_of": "2026-03-02"}, "as_of"),
        ({"items": []}, "items"),
    ],
)
def test_a_bad_document_names_its_field(office, leader, unit_a, unit_b, unit_c, change, field):
    with pytest.raises(InvalidInput) as err:
        create(office, items(leader, unit_a, unit_b, unit_c), **change)
    assert err.value.field == field


def test_reading_proposes_without_storing(use_fake_reader, office, leader, unit_a, unit_b, unit_c):  # noqa: F811
    reading = read_text(office, TEXT)
    assert reading.as_of == TODAY and len(reading.items) == 2
    assert (reading.items[0].lead_unit, reading.items[0].co_units) == (unit_a.pk, [unit_b.pk])
    assert not SourceText.objects.exists()
    with pytest.raises(InvalidInput) as err:
        read_text(office, TEXT, source="tv")
    assert err.value.field == "source"
