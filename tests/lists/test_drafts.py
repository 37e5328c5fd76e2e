"""Drafts: the office edits and deletes them (service, web and API); published lists refuse both (409);
other people are refused; repeating a submission neither duplicates nor loses anything."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from luoshi.duties.models import Duty, HandlingRole
from luoshi.errors import Conflict, InvalidInput, NotAllowed, NotFound
from luoshi.events.models import Event
from luoshi.lists import drafts, services
from luoshi.lists.models import Milestone, ResponsibilityList
from tests.conftest import NOW, ApiClient, days
from tests.lists.test_create_view import form_data


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def units_of(rlist: ResponsibilityList) -> dict:
    return {ob.unit_id: ob.role for ob in Duty.objects.filter(list=rlist)}


# ---------------------------------------------------------------- the services


def test_office_edits_a_draft_and_the_event_says_what_changed(office, draft_list, unit_a, unit_b, unit_c):
    drafts.do_update_draft(
        office,
        draft_list,
        {"title": "  新标题 ", "co_units": [unit_c], "deadline": days(90)},
        reason="领导批示调整",
        now=NOW,
    )
    draft_list.refresh_from_db()
    assert draft_list.title == "新标题"
    assert draft_list.deadline == days(90)
    assert units_of(draft_list) == {unit_a.pk: HandlingRole.LEAD, unit_c.pk: HandlingRole.CO}
    assert set(Duty.objects.filter(list=draft_list).values_list("deadline", flat=True)) == {days(90)}
    event = Event.objects.get(kind="list.updated")
    assert event.actor == office and event.subject_id == draft_list.pk
    assert event.note == "领导批示调整"
    assert event.before == {
        "title": "推进兰州新区产业园区建设",
        "co_units": [unit_b.pk],
        "deadline": days(60).isoformat(),
    }
    assert event.after == {"title": "新标题", "co_units": [unit_c.pk], "deadline": days(90).isoformat()}


def test_swapping_the_lead_and_a_co_unit_keeps_one_row_each(office, draft_list, unit_a, unit_b):
    ids = set(Duty.objects.filter(list=draft_list).values_list("id", flat=True))
    drafts.do_update_draft(office, draft_list, {"lead_unit": unit_b, "co_units": [unit_a]}, now=NOW)
    assert units_of(draft_list) == {unit_b.pk: HandlingRole.LEAD, unit_a.pk: HandlingRole.CO}
    assert set(Duty.objects.filter(list=draft_list).values_list("id", flat=True)) == ids


def test_milestones_are_replaced_and_the_leader_can_be_taken_off(office, draft_list):
    new = [services.MilestoneInput(days(10), "调研"), services.MilestoneInput(days(40), "验收")]
    drafts.do_update_draft(office, draft_list, {"milestones": new, "leader": None}, now=NOW)
    draft_list.refresh_from_db()
    assert draft_list.leader is None
    assert list(Milestone.objects.filter(list=draft_list).values_list("title", flat=True)) == ["调研", "验收"]


def test_an_edit_that_changes_nothing_records_nothing(office, draft_list):
    changes = {"title": draft_list.title, "deadline": draft_list.deadline}
    drafts.do_update_draft(office, draft_list, changes, now=NOW)
    drafts.do_update_draft(office, draft_list, {"title": "改一次"}, now=NOW)
    drafts.do_update_draft(office, draft_list, {"title": "改一次"}, now=NOW)  # the same submission again
    assert Event.objects.filter(kind="list.updated").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "   "}, "title"),
        ({"source": "rumour"}, "source"),
        ({"deadline": NOW.date() - timedelta(days=1)}, "deadline"),
        ({"report_every_days": 0}, "report_every_days"),
        ({"co_units": "lead"}, "co_units"),
        ({"code": "2026-ZR-9999"}, "code"),
    ],
)
def test_an_edit_follows_the_rules_of_creation(office, draft_list, unit_a, change, field):
    if change.get("co_units") == "lead":
        change = {"co_units": [unit_a]}  # the lead unit again
    with pytest.raises(InvalidInput) as err:
        drafts.do_update_draft(office, draft_list, change, now=NOW)
    assert err.value.field == field
    draft_list.refresh_from_db()
    assert draft_list.title == "推进兰州新区产业园区建设"
    assert not Event.objects.filter(kind="list.updated").exists()


def test_only_the_office_edits_or_deletes(draft_list, liaison_a, leader, head_a):
    for person in (liaison_a, leader, head_a):
        with pytest.raises(NotAllowed):
            drafts.do_update_draft(person, draft_list, {"title": "x"}, now=NOW)
        with pytest.raises(NotAllowed):
            drafts.do_delete_draft(person, draft_list, now=NOW)
    assert ResponsibilityList.objects.filter(pk=draft_list.pk, title="推进兰州新区产业园区建设").exists()


def test_a_published_list_is_neither_edited_nor_deleted(office, published_list):
    with pytest.raises(Conflict):
        drafts.do_update_draft(office, published_list, {"title": "x"}, now=NOW)
    with pytest.raises(Conflict):
        drafts.do_delete_draft(office, published_list, now=NOW)
    published_list.refresh_from_db()
    assert published_list.title == "推进兰州新区产业园区建设"


def test_deleting_a_draft_removes_it_and_logs_what_it_was(office, draft_list, unit_a, unit_b):
    pk = draft_list.pk
    drafts.do_delete_draft(office, draft_list, now=NOW)
    assert not ResponsibilityList.objects.filter(pk=pk).exists()
    assert not Duty.objects.filter(owner_id=pk).exists()
    assert not Milestone.objects.filter(list_id=pk).exists()
    event = Event.objects.get(kind="list.deleted", subject_id=pk)
    assert event.before["title"] == "推进兰州新区产业园区建设"
    assert event.before["lead_unit"] == unit_a.pk and event.before["co_units"] == [unit_b.pk]
    with pytest.raises(NotFound):  # a second delete: gone, not an error of the server
        drafts.do_delete_draft(office, draft_list, now=NOW)
    assert Event.objects.filter(kind="list.deleted").count() == 1


def test_creating_twice_with_one_submission_key_stores_one_draft(office, unit_a):
    def create():
        return services.do_create_list(
            office,
            source="instruction",
            title="一次提交",
            content="",
            leader=None,
            lead_unit=unit_a,
            co_units=[],
            deadline=days(30),
            report_every_days=14,
            now=NOW,
            submission_key="k-1",
        )

    first, second = create(), create()
    assert first.pk == second.pk
    assert ResponsibilityList.objects.count() == 1
    assert Event.objects.filter(kind="list.created").count() == 1


# ---------------------------------------------------------------- the web pages


def edit_url(rlist):
    return reverse("lists:edit", args=[rlist.pk])


def delete_url(rlist):
    return reverse("lists:delete", args=[rlist.pk])


def test_the_edit_form_is_the_create_form_filled_in(as_, office, draft_list, unit_a, unit_b):
    response = as_(office).get(edit_url(draft_list))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["title"].value() == "推进兰州新区产业园区建设"
    assert form["lead_unit"].value() == unit_a.pk
    assert form["co_units"].value() == [unit_b.pk]
    html = response.content.decode()
    assert f'action="{edit_url(draft_list)}"' in html
    assert "Save changes" in html
    assert "完成规划审批" in html  # the milestone


def test_saving_the_edit_form_redirects_to_the_draft(as_, office, draft_list, unit_a, unit_c):
    data = form_data(unit_a, [unit_c], title="改过的标题")
    response = as_(office).post(edit_url(draft_list), data)
    loop = reverse("lists:loop", args=[draft_list.pk])
    assert response.status_code == 302 and response.url == loop
    draft_list.refresh_from_db()
    assert draft_list.title == "改过的标题"
    assert units_of(draft_list) == {unit_a.pk: HandlingRole.LEAD, unit_c.pk: HandlingRole.CO}
    assert "Draft saved." in as_(office).get(loop).content.decode()
    # The same form posted again (a double click) changes nothing more.
    assert as_(office).post(edit_url(draft_list), data).status_code == 302
    assert Event.objects.filter(kind="list.updated").count() == 1


def test_a_bad_edit_gets_400_with_the_field_and_keeps_the_draft(as_, office, draft_list, unit_a):
    data = form_data(unit_a, [unit_a], title="不会保存")
    response = as_(office).post(edit_url(draft_list), data)
    assert response.status_code == 400
    assert "co_units" in response.context["form"].errors
    draft_list.refresh_from_db()
    assert draft_list.title == "推进兰州新区产业园区建设"


def test_the_loop_page_of_a_draft_offers_edit_and_delete_to_the_office(as_, office, draft_list):
    html = as_(office).get(reverse("lists:loop", args=[draft_list.pk])).content.decode()
    assert edit_url(draft_list) in html and delete_url(draft_list) in html


def test_the_loop_page_of_a_published_list_offers_neither(as_, office, published_list):
    html = as_(office).get(reverse("lists:loop", args=[published_list.pk])).content.decode()
    assert edit_url(published_list) not in html and delete_url(published_list) not in html


@pytest.mark.parametrize("who", ["liaison_a", "leader", "outsider"])
def test_others_cannot_see_a_draft_to_edit_or_delete_it(as_, request, draft_list, who):
    client = as_(request.getfixturevalue(who))
    assert client.get(edit_url(draft_list)).status_code == 404
    assert client.post(edit_url(draft_list), {"title": "x"}).status_code == 404
    assert client.post(delete_url(draft_list)).status_code == 404
    assert ResponsibilityList.objects.filter(pk=draft_list.pk).exists()


def test_a_leader_who_sees_a_published_list_still_cannot_edit_it(as_, leader, published_list, unit_a):
    assert as_(leader).post(edit_url(published_list), form_data(unit_a)).status_code == 403
    assert as_(leader).post(delete_url(published_list)).status_code == 403


def test_editing_or_deleting_a_published_list_is_409(as_, office, published_list, unit_a):
    response = as_(office).post(edit_url(published_list), form_data(unit_a, title="x"))
    assert response.status_code == 409
    assert "Only a draft can be edited" in response.content.decode()
    assert as_(office).get(edit_url(published_list)).status_code == 409
    response = as_(office).post(delete_url(published_list))
    assert response.status_code == 409
    assert ResponsibilityList.objects.filter(pk=published_list.pk, title="推进兰州新区产业园区建设").exists()


def test_delete_asks_first_then_deletes_and_a_second_click_is_harmless(as_, office, draft_list):
    client = as_(office)
    page = client.get(delete_url(draft_list))
    assert page.status_code == 200
    assert "Delete this draft?" in page.content.decode()
    assert ResponsibilityList.objects.filter(pk=draft_list.pk).exists()  # asking deletes nothing

    response = client.post(delete_url(draft_list))
    assert response.status_code == 302 and response.url == reverse("lists:index")
    assert not ResponsibilityList.objects.filter(pk=draft_list.pk).exists()
    again = client.post(delete_url(draft_list))
    assert again.status_code == 302 and again.url == reverse("lists:index")
    assert "no longer exists" in client.get(again.url).content.decode()
    assert Event.objects.filter(kind="list.deleted").count() == 1


def test_delete_over_htmx_answers_with_a_client_redirect(as_, office, draft_list):
    response = as_(office).post(delete_url(draft_list), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("lists:index")


def test_get_delete_of_a_missing_list_is_404(as_, office):
    assert as_(office).get(reverse("lists:delete", args=[999999])).status_code == 404


# ---------------------------------------------------------------- the API


class Api(ApiClient):
    def patch(self, path: str, data: dict):
        return self.client.patch(f"/api/v1{path}", data, content_type="application/json", headers=self.headers)

    def delete(self, path: str):
        return self.client.delete(f"/api/v1{path}", headers=self.headers)


def test_api_patches_a_draft(office, draft_list, unit_b, unit_c):
    r = Api(office).patch(
        f"/lists/{draft_list.pk}",
        {"title": "接口改的标题", "lead_unit": unit_b.pk, "co_units": [unit_c.pk], "leader": None, "reason": "调整"},
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["title"] == "接口改的标题" and body["leader"] is None
    assert [(o["unit"], o["role"]) for o in body["obligations"]] == [(unit_b.pk, "lead"), (unit_c.pk, "co")]
    assert body["deadline"] == body["effective_deadline"] == days(60).isoformat()
    assert Event.objects.get(kind="list.updated").note == "调整"


def test_api_patch_leaves_out_what_is_not_sent(office, draft_list, leader):
    r = Api(office).patch(f"/lists/{draft_list.pk}", {"content": "只改内容"})
    assert r.status_code == 200, r.content
    draft_list.refresh_from_db()
    assert draft_list.content == "只改内容"
    assert draft_list.title == "推进兰州新区产业园区建设" and draft_list.leader == leader
    assert [m["title"] for m in r.json()["milestones"]] == ["完成规划审批"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"source": "rumour"}, "source"),
        ({"lead_unit": 99999}, "lead_unit"),
        ({"lead_unit": 99999999999999999999}, "lead_unit"),
        ({"co_units": [99999]}, "co_units"),
        ({"deadline": "2020-01-01"}, "deadline"),
        ({"report_every_days": 0}, "report_every_days"),
        ({"leader": 99999}, "leader"),
        ({"title": "a\u0000b"}, "title"),
    ],
)
def test_api_bad_patch_gets_400_with_the_field(office, draft_list, change, field):
    r = Api(office).patch(f"/lists/{draft_list.pk}", change)
    assert r.status_code == 400, r.content
    assert r.json()["field"] == field


@pytest.fixture
def second_draft(office, unit_a):
    return services.do_create_list(
        office,
        source="meeting",
        title="另一份草稿",
        content="",
        leader=None,
        lead_unit=unit_a,
        co_units=[],
        deadline=days(30),
        report_every_days=14,
        now=NOW,
    )


def test_api_refuses_others_and_published_lists(office, liaison_a, second_draft, published_list):
    assert Api(liaison_a).patch(f"/lists/{second_draft.pk}", {"title": "x"}).status_code == 404  # drafts are unseen
    assert Api(liaison_a).delete(f"/lists/{second_draft.pk}").status_code == 404
    assert Api(liaison_a).patch(f"/lists/{published_list.pk}", {"title": "x"}).status_code == 403
    assert Api(liaison_a).delete(f"/lists/{published_list.pk}").status_code == 403
    # A published list changes with a reason (lists.changes), and only its title, content, leader and deadline.
    missing = Api(office).patch(f"/lists/{published_list.pk}", {"title": "x"})
    assert missing.status_code == 400 and missing.json()["field"] == "reason"
    assert Api(office).patch(f"/lists/{published_list.pk}", {"source": "media", "reason": "改"}).status_code == 400
    assert Api(office).delete(f"/lists/{published_list.pk}").status_code == 409


def test_api_deletes_a_draft_with_204_then_404(office, draft_list, second_draft):
    api = Api(office)
    r = api.delete(f"/lists/{second_draft.pk}")
    assert r.status_code == 204 and r.content == b""
    assert api.delete(f"/lists/{second_draft.pk}").status_code == 404
    assert list(ResponsibilityList.objects.values_list("pk", flat=True)) == [draft_list.pk]


def test_the_create_form_carries_a_fresh_submission_key(as_, office):
    first = as_(office).get(reverse("lists:create")).context["form"]["submission_key"].value()
    second = Client()
    second.force_login(office)
    assert first and first != second.get(reverse("lists:create")).context["form"]["submission_key"].value()


def test_a_draft_and_its_units_have_no_light_in_the_api(office, draft_list):
    body = Api(office).get(f"/lists/{draft_list.pk}").json()
    assert body["status"] == "draft" and body["light"] is None
    assert [o["light"] for o in body["obligations"]] == [None, None]


def test_the_openapi_document_declares_patch_and_delete(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    item = paths["/api/v1/lists/{list_id}"]
    assert {"get", "patch", "delete"} <= set(item)
    assert "204" in item["delete"]["responses"] and "409" in item["patch"]["responses"]
    ref = item["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"][ref]
    assert "required" not in schema  # every field optional
    assert "anyOf" not in schema["properties"]["title"]  # optional, not nullable: null is a 400
    assert {"type": "null"} in schema["properties"]["leader"]["anyOf"]  # null takes the leader off
