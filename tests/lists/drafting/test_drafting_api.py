"""POST /api/v1/lists/drafts-from-text (a reading, no side effects) and …/create (the drafts, once per key)."""

import pytest
import time_machine

from luoshi.lists.models import ListStatus, ResponsibilityList, SourceText
from tests.conftest import NOW, days
from tests.lists.drafting.fake_reader import use_fake_reader  # noqa: F401  (a fixture)

READ = "/lists/drafts-from-text"
CREATE = "/lists/drafts-from-text/create"
TEXT = "市政府常务会议纪要\n2026年3月2日\n一、李副市长要求，市工信委牵头，城关区配合，6月30日前完成园区规划。\n二、榆中县尽快修缮道路。"


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW):
        yield


def payload(leader, unit_a, unit_b, unit_c, **change) -> dict:
    items = [
        {
            "title": "完成园区规划",
            "content": "市工信委牵头，城关区配合，6月30日前完成园区规划。",
            "source": "meeting",
            "leader": leader.pk,
            "lead_unit": unit_a.pk,
            "co_units": [unit_b.pk],
            "deadline": "2026-06-30",
            "report_every_days": 14,
            "excerpt": "一、李副市长要求，市工信委牵头，城关区配合，6月30日前完成园区规划。",
        },
        {"title": "修缮道路", "source": "meeting", "lead_unit": unit_c.pk, "deadline": days(30).isoformat()},
    ]
    return {"text": TEXT, "as_of": "2026-03-02", "source": "meeting", "name": "纪要", "items": items, **change}


def test_the_office_reads_a_text_into_proposals(api, use_fake_reader, office, leader, unit_a, unit_b, unit_c):  # noqa: F811
    r = api(office).post(READ, {"text": TEXT})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["as_of"] == "2026-03-02" and body["source"] == "meeting" and len(body["items"]) == 2
    first, second = body["items"]
    assert (first["lead_unit"], first["co_units"], first["leader"]) == (unit_a.pk, [unit_b.pk], leader.pk)
    assert first["deadline"] == "2026-06-30" and first["evidence"]["deadline"] == "6月30日前"
    assert first["confidence"]["lead_unit"] == 0.9 and first["excerpt"].startswith("一、")
    assert second["deadline"] is None and second["flags"] == ["deadline_asap"]
    assert not SourceText.objects.exists() and not ResponsibilityList.objects.exists()
    given = api(office).post(READ, {"text": "一、榆中县修路", "as_of": "2026-04-01", "source": "instruction"}).json()
    assert (given["as_of"], given["source"]) == ("2026-04-01", "instruction")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "a\x00b"}, "text"),
        ({"text": "a\x1bb"}, "text"),
        ({"text": "字" * 100_001}, "text"),
        ({"text": "一、甲", "as_of": "soon"}, "as_of"),
        ({"text": "一、甲", "source": "tv"}, "source"),
    ],
)
def test_a_bad_reading_request_names_its_field(api, use_fake_reader, office, body, field):  # noqa: F811
    r = api(office).post(READ, body)
    assert r.status_code == 400 and r.json()["field"] == field


def test_a_liaison_or_leader_may_not_read_or_create(api, use_fake_reader, liaison_a, leader, unit_a, unit_b, unit_c):  # noqa: F811
    for person in (liaison_a, leader):
        assert api(person).post(READ, {"text": TEXT}).status_code == 403
        assert api(person).post(CREATE, payload(leader, unit_a, unit_b, unit_c)).status_code == 403
    assert not SourceText.objects.exists()


def test_the_office_creates_the_drafts_once_per_key(api, office, leader, unit_a, unit_b, unit_c):
    c = api(office)
    r = c.post(CREATE, payload(leader, unit_a, unit_b, unit_c), headers={"Idempotency-Key": "abc"})
    assert r.status_code == 201, r.content
    body = r.json()
    st = SourceText.objects.get()
    assert body["source_text"] == st.pk and len(body["lists"]) == 2
    lists = ResponsibilityList.objects.filter(pk__in=body["lists"]).order_by("pk")
    assert [r.title for r in lists] == ["完成园区规划", "修缮道路"]
    assert all(r.status == ListStatus.DRAFT and r.source_text_id == st.pk for r in lists)
    assert lists[0].source_excerpt.startswith("一、李副市长") and lists[1].source_excerpt == ""
    again = c.post(CREATE, payload(leader, unit_a, unit_b, unit_c), headers={"Idempotency-Key": "abc"})
    assert again.status_code == 200 and again.json() == body
    assert SourceText.objects.count() == 1 and ResponsibilityList.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"as_of": None}, "as_of"),
        ({"source": "tv"}, "source"),
        ({"text": "x\x00"}, "text"),
        ({"items": []}, "items"),
        ({"name": "a\nb"}, "name"),
    ],
)
def test_a_bad_document_gets_400_naming_the_field(api, office, leader, unit_a, unit_b, unit_c, change, field):
    r = api(office).post(CREATE, payload(leader, unit_a, unit_b, unit_c, **change))
    assert r.status_code == 400 and r.json()["field"] == field
    assert not SourceText.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lead_unit": 999999}, "items.0.lead_unit"),
        ({"co_units": [999999]}, "items.0.co_units"),
        ({"leader": 999999}, "items.0.leader"),
        ({"deadline": "2020-01-01"}, "items.0.deadline"),
        ({"title": ""}, "items.0.title"),
        ({"report_every_days": 0}, "items.0.report_every_days"),
        ({"excerpt": "a\x00"}, "items.0.excerpt"),
    ],
)
def test_a_bad_item_gets_400_naming_its_field(api, office, leader, unit_a, unit_b, unit_c, change, field):
    body = payload(leader, unit_a, unit_b, unit_c)
    body["items"][0].update(change)
    r = api(office).post(CREATE, body)
    assert r.status_code == 400 and r.json()["field"] == field, r.json()
    assert not SourceText.objects.exists() and not ResponsibilityList.objects.exists()


def test_a_leader_who_is_not_one_is_refused(api, office, liaison_a, leader, unit_a, unit_b, unit_c):
    body = payload(leader, unit_a, unit_b, unit_c)
    body["items"][0]["leader"] = liaison_a.pk
    r = api(office).post(CREATE, body)
    assert r.status_code == 400 and r.json()["field"] == "items.0.leader"


def test_reading_with_the_real_reader_takes_a_constant_number_of_queries(api, db, django_assert_max_num_queries):
    from luoshi.demo.drafting import sample_minutes
    from tests.conftest import TODAY, make_person
    from tests.lists.drafting.demo_org import build_demo_org

    build_demo_org()
    c = api(make_person("office2", ["office"]))
    short = sample_minutes(TODAY)
    more = short.replace("以上事项", "六、榆中县负责，两周内完成道路修缮。\n七、皋兰县牵头，年底前完成。\n以上事项")
    for text, n in ((short, 5), (more, 7)):
        with django_assert_max_num_queries(12):
            r = c.post(READ, {"text": text})
        assert r.status_code == 200 and len(r.json()["items"]) == n
