"""Each person's work (web.todo and the home page): per role its items, in order, each linking to the form
that settles it; another unit's work never appears; a fixed number of queries whatever the number of items."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.duties.sweep import sweep
from luoshi.lists import completion
from luoshi.notify.models import Channel, Delivery, DeliveryStatus, Notification
from luoshi.web import todo
from luoshi.web.todo import OFFICE_KINDS, UNIT_KINDS, todo_for
from tests.conftest import NOW, TODAY, make_person
from tests.duties.conftest import at, make_urged, publish


def kinds(t: todo.Todo) -> list[str]:
    return [i.kind for i in t.items]


def report_page(rlist, unit) -> str:
    return reverse("lists:report_page", args=[rlist.pk, unit.pk])


def file(person, rlist, unit, day: date, **fields):
    fields.setdefault("progress", 30)
    fields.setdefault("done", "推进")
    return duty_services.do_report(person, rlist.duties.get(unit=unit), now=at(day), **fields)


# --- a unit's liaison or head ------------------------------------------------------------------------


def test_a_liaison_sees_the_reports_due_soonest_first_each_opening_its_report_page(office, unit_a, liaison_a):
    later = publish(office, unit_a, title="晚些到期", every=30)
    sooner = publish(office, unit_a, title="先到期", every=7)
    t = todo_for(liaison_a, date(2026, 3, 3))
    assert list(t.counts) == list(UNIT_KINDS)
    assert t.counts["report_due"] == 2
    first, second = t.items
    assert (first.title, first.url, first.due) == ("先到期", report_page(sooner, unit_a), date(2026, 3, 9))
    assert (second.title, second.url) == ("晚些到期", report_page(later, unit_a))
    assert first.unit == unit_a.name and first.owner_kind == "list" and first.owner_id == sooner.pk
    assert first.light == "green"


def test_an_overdue_report_is_red_and_on_top(office, unit_a, liaison_a):
    publish(office, unit_a, title="按时", every=30)
    late = publish(office, unit_a, title="逾期", every=7)  # due 03-09
    t = todo_for(liaison_a, date(2026, 3, 20))
    assert t.items[0].title == "逾期" and t.items[0].light == "red"
    assert t.items[0].url == report_page(late, unit_a)


def test_another_units_work_never_appears(published_list, liaison_a, liaison_b, outsider, unit_a, unit_b):
    a, b, c = (todo_for(p, TODAY) for p in (liaison_a, liaison_b, outsider))
    assert [i.unit for i in a.items] == [unit_a.name]
    assert [i.unit for i in b.items] == [unit_b.name]
    assert c.items == [] and c.total == 0


def test_a_draft_asks_the_unit_for_nothing(office, draft_list, liaison_a):
    assert todo_for(liaison_a, TODAY).items == []  # a draft is the office's alone


def test_a_returned_completion_shows_once_as_returned(office, published_list, liaison_a, unit_a):
    duty = published_list.duties.get(unit=unit_a)
    duty_services.do_report(liaison_a, duty, progress=100, done="完成", request_completion=True, now=NOW)
    assert "report_due" not in kinds(todo_for(liaison_a, TODAY))  # waiting for the office: nothing to do
    duty_completion.do_return(office, duty, "缺少验收材料", now=NOW)
    t = todo_for(liaison_a, TODAY)
    assert kinds(t) == ["completion_returned"]
    assert t.items[0].url == report_page(published_list, unit_a)
    assert t.counts["report_due"] == 0 and t.counts["completion_returned"] == 1


def test_an_extension_decision_is_news_until_the_unit_reports_again(office, published_list, liaison_a, unit_a):
    duty = published_list.duties.get(unit=unit_a)
    ext = duty_completion.do_request_extension(liaison_a, duty, TODAY + timedelta(days=90), "等审批", now=NOW)
    assert "extension_decided" not in kinds(todo_for(liaison_a, TODAY))
    duty_completion.do_decide_extension(office, ext, True, "同意", now=NOW + timedelta(hours=1))
    t = todo_for(liaison_a, TODAY)
    assert t.counts["extension_decided"] == 1
    assert [i.url for i in t.items if i.kind == "extension_decided"] == [report_page(published_list, unit_a)]
    file(liaison_a, published_list, unit_a, TODAY + timedelta(days=1))
    assert "extension_decided" not in kinds(todo_for(liaison_a, TODAY + timedelta(days=1)))


def test_open_urges_and_orders_are_the_units_until_it_reports(office, leader, unit_a, unit_b, liaison_a, liaison_b):
    rlist = make_urged(office, leader, unit_a, unit_b, liaison_b)
    day = date(2026, 3, 16)
    t = todo_for(liaison_a, day)
    assert t.counts["urge"] == 1 and t.counts["order"] == 1
    urge = next(i for i in t.items if i.kind == "urge")
    assert urge.url == report_page(rlist, unit_a) and urge.title.endswith(rlist.title) and "CB" in urge.title
    # 城关区 reported: its lateness ended, so its urge is no longer work.
    assert todo_for(liaison_b, day).counts["urge"] == 0
    file(liaison_a, rlist, unit_a, day)
    assert {todo_for(liaison_a, day).counts[k] for k in ("urge", "order")} == {0}


# --- the office ---------------------------------------------------------------------------------------


def test_the_office_decides_completion_and_extension_requests_oldest_first(
    office, unit_a, unit_b, liaison_a, liaison_b
):
    first = publish(office, unit_a, title="先申请")
    second = publish(office, unit_b, title="后申请")
    file(liaison_b, second, unit_b, date(2026, 3, 5), progress=100, request_completion=True)
    file(liaison_a, first, unit_a, date(2026, 3, 4), progress=100, request_completion=True)
    ext = duty_completion.do_request_extension(
        liaison_b, second.duties.get(), date(2027, 3, 1), "资金未到位", now=at(date(2026, 3, 4))
    )
    t = todo_for(office, date(2026, 3, 6))
    assert list(t.counts) == list(OFFICE_KINDS[:-1])  # no failed deliveries: not staff
    asked = [i for i in t.items if i.kind == "completion_request"]
    assert [i.title for i in asked] == ["先申请", "后申请"]
    assert asked[0].url == f"{reverse('lists:loop', args=[first.pk])}?next=/#completion-{unit_a.pk}"
    assert asked[0].due == date(2026, 3, 4)
    (extension,) = [i for i in t.items if i.kind == "extension_request"]
    assert extension.url.endswith(f"?next=/#extension-{ext.pk}")
    assert kinds(t)[:3] == ["completion_request", "completion_request", "extension_request"]


def test_a_list_all_of_whose_units_are_accepted_is_ready_to_strike_off(office, published_list, liaison_a, liaison_b):
    for person in (liaison_a, liaison_b):
        duty = published_list.duties.get(unit=person.unit)
        duty_services.do_report(person, duty, progress=100, done="完成", request_completion=True, now=NOW)
        assert "ready_to_close" not in kinds(todo_for(office, TODAY))
        duty_completion.do_accept(office, duty, now=NOW)
    t = todo_for(office, TODAY)
    (ready,) = [i for i in t.items if i.kind == "ready_to_close"]
    assert ready.url == f"{reverse('lists:loop', args=[published_list.pk])}?next=/"
    completion.do_close(office, published_list, now=NOW)
    assert todo_for(office, TODAY).total == 0


def test_red_lists_and_talk_proposals_reach_the_office(office, leader, unit_a, unit_b, liaison_b):
    publish(office, unit_b, title="按时的清单", every=30)
    late = publish(office, unit_a, leader=leader, title="严重逾期")
    for day in (10, 16, 24):
        sweep(at(date(2026, 3, day)))
    t = todo_for(office, date(2026, 3, 24))
    assert [i.title for i in t.items if i.kind == "red_list"] == ["严重逾期"]
    (talk,) = [i for i in t.items if i.kind == "talk_proposal"]
    assert talk.owner_id == late.pk and talk.url.startswith(reverse("escalation:talks") + "#talk-")


def test_failed_deliveries_nobody_read_reach_the_staff_who_can_open_the_log(admin, office, liaison_a):
    channel = Channel.objects.create(kind="sms", name="短信网关", url="https://sms.example/")
    unread = Notification.objects.create(recipient=liaison_a, kind="escalation.urge", title="催办", created_at=NOW)
    read = Notification.objects.create(
        recipient=liaison_a, kind="escalation.urge", title="催办", created_at=NOW, read_at=NOW
    )
    for notice in (unread, read):
        Delivery.objects.create(
            channel=channel,
            notification=notice,
            to="13800000000",
            subject="催办通知",
            text="…",
            status=DeliveryStatus.FAILED,
            next_attempt_at=NOW,
            created_at=NOW,
        )
    t = todo_for(admin, TODAY)
    (failed,) = [i for i in t.items if i.kind == "delivery_failed"]
    assert failed.url.startswith("/admin/notify/delivery/") and "13800000000" in failed.title
    assert "delivery_failed" not in todo_for(office, TODAY).counts


# --- a leader -----------------------------------------------------------------------------------------


def test_a_leader_sees_his_and_his_units_lists_red_first_then_orders_to_him(
    office, leader, other_leader, unit_a, unit_b, unit_c, liaison_b
):
    mine_green = publish(office, unit_b, leader=leader, title="我的·按时", every=30, deadline=date(2026, 12, 31))
    supervised_red = publish(office, unit_a, title="分管单位·逾期")  # 市工信委 is his supervised unit
    publish(office, unit_c, leader=other_leader, title="别人的")
    closed = publish(office, unit_b, leader=leader, title="已销号")
    duty = closed.duties.get()
    duty_services.do_report(liaison_b, duty, progress=100, done="完成", request_completion=True, now=at(TODAY))
    duty_completion.do_accept(office, duty, now=at(TODAY))
    completion.do_close(office, closed, now=at(TODAY))
    t = todo_for(leader, date(2026, 3, 20))
    lists = [i for i in t.items if i.kind == "list"]
    assert [i.title for i in lists] == ["分管单位·逾期", "我的·按时"]
    assert [i.light for i in lists] == ["red", "green"]
    assert lists[1].url == reverse("lists:loop", args=[mine_green.pk])
    assert t.lights == {"red": 1, "yellow": 0, "green": 1}
    assert supervised_red.pk in {i.owner_id for i in lists}


def test_supervision_orders_are_addressed_to_the_leader(office, leader, other_leader, unit_a, unit_b, liaison_b):
    rlist = make_urged(office, leader, unit_a, unit_b, liaison_b)
    t = todo_for(leader, date(2026, 3, 16))
    (order,) = [i for i in t.items if i.kind == "order"]
    assert order.owner_id == rlist.pk and order.unit == unit_a.name and "DB" in order.title
    assert kinds(t).index("list") < kinds(t).index("order")
    assert todo_for(other_leader, date(2026, 3, 16)).counts["order"] == 0


def test_several_roles_see_the_union_unit_work_first(office, unit_a, unit_b, liaison_b):
    both = make_person("both", ["office", "liaison"], unit_a)
    rlist = publish(office, unit_a, [unit_b])
    file(liaison_b, rlist, unit_b, date(2026, 3, 3), progress=100, request_completion=True)
    t = todo_for(both, date(2026, 3, 4))
    assert list(t.counts)[: len(UNIT_KINDS)] == list(UNIT_KINDS)
    assert kinds(t) == ["report_due", "completion_request"]


def test_a_section_is_capped_and_its_count_tells_the_whole(monkeypatch, office, unit_a, liaison_a):
    monkeypatch.setattr(todo, "CAP", 2)
    for n in range(3):
        publish(office, unit_a, title=f"任务{n}")
    t = todo_for(liaison_a, TODAY)
    assert len(t.items) == 2 and t.counts["report_due"] == 3


def test_a_count_stops_at_its_limit_and_then_says_so(monkeypatch, as_, office, unit_a, liaison_a):
    monkeypatch.setattr(todo, "CAP", 1)
    monkeypatch.setattr(todo, "COUNT_LIMIT", 2)
    monkeypatch.setattr("luoshi.web.views.COUNT_LIMIT", 2)
    for n in range(3):
        publish(office, unit_a, title=f"任务{n}")
    assert todo_for(liaison_a, TODAY).counts["report_due"] == 2
    html = as_(liaison_a).get(reverse("home")).content.decode()
    assert ">2+</span>" in html and "and 1+ more" in html


def test_a_leaders_lights_count_all_his_lists_while_the_items_are_capped(monkeypatch, office, leader, unit_a):
    monkeypatch.setattr(todo, "CAP", 1)
    for n in range(3):
        publish(office, unit_a, leader=leader, title=f"任务{n}")
    t = todo_for(leader, TODAY)
    assert len([i for i in t.items if i.kind == "list"]) == 1
    assert t.counts["list"] == 3 and sum(t.lights.values()) == 3


# --- a fixed number of queries ------------------------------------------------------------------------


def queries_for(person, day: date) -> int:
    todo_for(person, day)  # the policy is read once per process and cached
    with CaptureQueriesContext(connection) as ctx:
        todo_for(person, day)
    return len(ctx.captured_queries)


def busy_city(office, leader, unit_a, unit_b, liaison_a, liaison_b, n: int) -> None:
    for i in range(n):
        rlist = publish(office, unit_a, [unit_b], leader=leader, title=f"任务{i}")
        file(liaison_b, rlist, unit_b, date(2026, 3, 3), progress=100, request_completion=True)
        duty_completion.do_request_extension(
            liaison_a, rlist.duties.get(unit=unit_a), date(2027, 1, 31), "理由", now=at(date(2026, 3, 3))
        )
    for day in (10, 16, 24):
        sweep(at(date(2026, 3, day)))


@pytest.mark.parametrize("who", ["liaison_a", "office", "leader"])
def test_each_role_costs_the_same_queries_whatever_the_number_of_items(
    request, who, office, leader, unit_a, unit_b, liaison_a, liaison_b, admin
):
    person = request.getfixturevalue(who)
    busy_city(office, leader, unit_a, unit_b, liaison_a, liaison_b, 1)
    few = queries_for(person, date(2026, 3, 24))
    busy_city(office, leader, unit_a, unit_b, liaison_a, liaison_b, 4)
    many = queries_for(person, date(2026, 3, 24))
    assert todo_for(person, date(2026, 3, 24)).total > 1
    assert few == many
    assert many <= 8


# --- the home page ------------------------------------------------------------------------------------


def test_home_opens_on_the_persons_work(as_, published_list, liaison_a, unit_a):
    response = as_(liaison_a).get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{report_page(published_list, unit_a)}"' in html
    assert published_list.title in html and 'id="todo-report_due"' in html


def test_home_says_when_nothing_waits(as_, outsider):
    html = as_(outsider).get(reverse("home")).content.decode()
    assert 'id="todo-empty"' in html and "Nothing waits for you." in html


def test_home_shows_the_office_its_decisions(as_, office, published_list, liaison_a, unit_a):
    file(liaison_a, published_list, unit_a, TODAY, progress=100, request_completion=True)
    html = as_(office).get(reverse("home")).content.decode()
    assert f"#completion-{unit_a.pk}" in html and 'data-kind="completion_request"' in html


def test_home_needs_a_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["liaison_a", "office", "leader"])
def test_the_home_page_costs_the_same_queries_whatever_the_number_of_items(
    as_, request, who, office, leader, unit_a, unit_b, liaison_a, liaison_b
):
    client = as_(request.getfixturevalue(who))
    busy_city(office, leader, unit_a, unit_b, liaison_a, liaison_b, 1)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("home")).status_code == 200
    busy_city(office, leader, unit_a, unit_b, liaison_a, liaison_b, 4)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("home")).status_code == 200
    assert len(few.captured_queries) == len(many.captured_queries)
