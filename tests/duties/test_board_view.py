"""The office's board (催办督办台) and talk-proposal queue, a leader's orders and a unit's escalations."""

from datetime import date

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.duties import services as duty_services
from luoshi.duties.models import Episode, Escalation
from luoshi.duties.sweep import sweep
from luoshi.events.models import Event
from tests.conftest import make_person
from tests.duties.conftest import at, publish

BOARD = reverse("escalation:board")
TALKS = reverse("escalation:talks")
ORDERS = reverse("escalation:orders")
UNIT = reverse("escalation:unit")


@pytest.fixture
def on_0316():
    with time_machine.travel(at(date(2026, 3, 16), 11), tick=False):
        yield


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def counted(client, url, params=None) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    return response, len(ctx.captured_queries)


# --- the board ------------------------------------------------------------------------------------


def test_the_office_sees_open_lateness_with_its_notices(as_, office, urged, unit_a, on_0316):
    response = as_(office).get(BOARD)
    assert response.status_code == 200
    (row,) = response.context["episodes"]
    assert row.unit == unit_a and row.last_step == "order" and row.due_date == date(2026, 3, 9)
    assert row.days_overdue == 5  # 10, 11, 12, 13, 16
    assert [e.number for e in row.notices] == ["2026-CB-0001", "2026-DB-0001"]
    html = response.content.decode()
    assert reverse("lists:loop", args=[urged.pk]) in html and urged.code in html
    order = Escalation.objects.get(step="order")
    assert reverse("escalation:notice", args=[order.pk, "pdf"]) in html
    assert reverse("escalation:notice", args=[order.pk, "docx"]) in html
    assert "Supervision order" in html and "Report due" in html and "5 working days" in html
    counts = {t["value"]: t["count"] for t in response.context["tabs"]}
    assert counts == {"": 1, "reminder": 0, "urge": 0, "order": 1, "talk_proposal": 0}


def test_the_board_filters_by_step_unit_list_and_age(as_, office, urged, unit_a, unit_b, liaison_a, on_0316):
    other = publish(office, unit_b, title="另一任务", day=date(2026, 3, 6))  # due Fri 03-13: urged on 03-16
    sweep(at(date(2026, 3, 16), 10))
    client = as_(office)

    def units(**params):
        response = client.get(BOARD, params)
        assert response.status_code == 200, response.content
        return sorted(e.unit.name for e in response.context["episodes"])

    assert units() == sorted([unit_a.name, unit_b.name])
    assert units(step="order") == [unit_a.name]
    assert units(step="urge") == [unit_b.name]
    assert units(unit=unit_b.pk) == [unit_b.name]
    assert units(list=other.code) == [unit_b.name]
    assert units(list=other.code.lower()) == [unit_b.name]
    assert units(list=str(urged.pk)) == [unit_a.name]
    assert units(list="2026-ZR-9999") == []
    assert units(age="le3") == [unit_b.name]  # due 03-13, 3 days ago
    assert units(age="4-10") == [unit_a.name]  # due 03-09, 7 days ago
    assert units(age="gt10") == []
    # the step counts follow the other filters
    response = client.get(BOARD, {"unit": unit_b.pk, "step": "order"})
    assert {t["value"]: t["count"] for t in response.context["tabs"]}["urge"] == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"step": "spank"}, "Unknown step"),
        ({"unit": "x"}, "Unknown unit"),
        ({"unit": "99999"}, "Unknown unit"),
        ({"age": "ancient"}, "Unknown age"),
        ({"list": "x" * 30}, "at most 20 characters"),
    ],
)
def test_bad_board_filters_get_400_with_a_message(as_, office, urged, params, message, on_0316):
    response = as_(office).get(BOARD, params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_only_the_office_sees_the_board(client, as_, urged, liaison_a, leader, admin, office, on_0316):
    assert as_(liaison_a).get(BOARD).status_code == 403
    assert as_(leader).get(BOARD).status_code == 403
    assert as_(admin).get(BOARD).status_code == 403  # the system administrator sees no business (三员)
    assert as_(office).get(BOARD).status_code == 200
    client.logout()
    response = client.get(BOARD)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def late_lists(office, n, start=0):
    from luoshi.org.models import Unit

    for i in range(start, start + n):
        unit = Unit.objects.create(name=f"单位{i}", kind="department")
        publish(office, unit, title=f"任务{i}")
    sweep(at(date(2026, 3, 10)))


def test_the_board_runs_a_constant_number_of_queries(as_, office, django_assert_max_num_queries, on_0316):
    client = as_(office)
    late_lists(office, 3)
    with django_assert_max_num_queries(10):
        few, n_few = counted(client, BOARD)
    late_lists(office, 12, start=3)
    with django_assert_max_num_queries(10):
        many, n_many = counted(client, BOARD)
    assert len(few.context["episodes"]) == 3 and len(many.context["episodes"]) == 15
    assert n_few == n_many


# --- the manual urge: tests/duties/test_manual_urge.py ------------------------------------------


# --- talk proposals ---------------------------------------------------------------------------------


@pytest.fixture
def proposals(office, leader, unit_a, unit_b, liaison_a, liaison_b, head_a):
    """Neither unit reports on the list due 03-09: by Tue 03-24 each is more than 10 working days late."""
    rlist = publish(office, unit_a, [unit_b], leader=leader)
    for day in (10, 16, 24):
        sweep(at(date(2026, 3, day)))
    return rlist


@pytest.fixture
def on_0325():
    with time_machine.travel(at(date(2026, 3, 25), 11), tick=False):
        yield


def handle(client, esc, note):
    return client.post(reverse("escalation:handle_talk", args=[esc.pk]), {"note": note})


def test_the_office_sees_talk_proposals_with_why(as_, office, proposals, unit_a, on_0325):
    response = as_(office).get(TALKS)
    assert response.status_code == 200
    shown = response.context["proposals"]
    assert {p.unit.name for p in shown} == {"市工信委", "城关区"}
    a = next(p for p in shown if p.unit == unit_a)
    assert a.orders_in_window == 1 and a.days_overdue == 11
    html = response.content.decode()
    assert "1 supervision order within 90 days" in html and "11 working days overdue" in html
    assert html.count('name="note"') == 2


def test_handling_a_talk_proposal_records_it_once(as_, office, proposals, on_0325):
    client = as_(office)
    first = client.get(TALKS).context["proposals"][0]
    response = handle(client, first, "  已于3月25日约谈单位主要负责人  ")
    assert response.status_code == 302 and response.url == TALKS
    first.refresh_from_db()
    assert first.handled_at and first.handled_note == "已于3月25日约谈单位主要负责人"
    assert messages_of(response) == [f"The talk proposal for {first.unit.name} is recorded as handled."]
    # handled ones leave the default view; in "all" they go after the unhandled
    assert first.pk not in [p.pk for p in client.get(TALKS).context["proposals"]]
    assert [p.pk for p in client.get(TALKS, {"state": "all"}).context["proposals"]][-1] == first.pk
    assert [p.pk for p in client.get(TALKS, {"state": "handled"}).context["proposals"]] == [first.pk]
    again = handle(client, first, "再次提交")
    assert again.status_code == 409 and "already been handled" in again.content.decode()
    assert Event.objects.filter(kind="escalation.talk_handled").count() == 1


def test_an_empty_note_gets_400_with_a_message(as_, office, proposals, on_0325):
    esc = Escalation.objects.filter(step="talk_proposal").first()
    response = handle(as_(office), esc, "   ")
    assert response.status_code == 400
    assert "Say what was decided." in response.content.decode()
    esc.refresh_from_db()
    assert esc.handled_at is None and not Event.objects.filter(kind="escalation.talk_handled").exists()


def test_talk_refusals(as_, office, proposals, liaison_a, leader, on_0325):
    esc = Escalation.objects.filter(step="talk_proposal").first()
    assert as_(liaison_a).get(TALKS).status_code == 403
    assert handle(as_(leader), esc, "约谈").status_code == 403
    client = as_(office)
    order = Escalation.objects.filter(step="order").first()
    assert handle(client, order, "约谈").status_code == 404
    assert client.post(reverse("escalation:handle_talk", args=[99999]), {"note": "x"}).status_code == 404
    assert client.get(TALKS, {"state": "maybe"}).status_code == 400
    assert Escalation.objects.filter(handled_at__isnull=False).count() == 0


def test_the_talk_queue_runs_a_constant_number_of_queries(as_, office, django_assert_max_num_queries, on_0325):
    from luoshi.org.models import Unit

    def proposals_for(n, start):
        for i in range(start, start + n):
            publish(office, Unit.objects.create(name=f"单位{i}", kind="department"), title=f"任务{i}")
        for day in (10, 16, 24):
            sweep(at(date(2026, 3, day), 9 + start))

    client = as_(office)
    proposals_for(3, 0)
    with django_assert_max_num_queries(8):
        few, n_few = counted(client, TALKS)
    proposals_for(12, 3)
    with django_assert_max_num_queries(8):
        many, n_many = counted(client, TALKS)
    assert len(few.context["proposals"]) == 3 and len(many.context["proposals"]) == 15
    assert n_few == n_many


# --- a leader's orders ------------------------------------------------------------------------------


@pytest.fixture
def ordered(office, leader, unit_a, unit_b, liaison_a, liaison_b, head_a):
    """Both units late on the list due 03-09 get orders on Fri 03-13; unit_b then reports (its order closes)."""
    rlist = publish(office, unit_a, [unit_b], leader=leader)
    sweep(at(date(2026, 3, 10)))
    sweep(at(date(2026, 3, 13)))
    duty_services.do_report(
        liaison_b, rlist.duties.get(unit=unit_b), progress=30, done="推进", now=at(date(2026, 3, 13), 15)
    )
    return rlist


def test_a_leader_sees_the_orders_on_his_lists_open_first(as_, leader, ordered, unit_a, unit_b, on_0316):
    response = as_(leader).get(ORDERS)
    assert response.status_code == 200
    orders = response.context["orders"]
    assert [(o.unit, o.is_open) for o in orders] == [(unit_a, True), (unit_b, False)]
    html = response.content.decode()
    assert reverse("escalation:notice", args=[orders[0].pk, "pdf"]) in html
    assert reverse("lists:loop", args=[ordered.pk]) in html
    assert response.context["counts"] == {"all": 2, "open": 1}


def test_orders_are_for_leaders_only(as_, ordered, other_leader, office, liaison_a, on_0316):
    assert as_(other_leader).get(ORDERS).context["orders"] == []
    assert as_(office).get(ORDERS).status_code == 404
    assert as_(liaison_a).get(ORDERS).status_code == 404


def test_the_orders_page_runs_a_constant_number_of_queries(as_, office, leader, django_assert_max_num_queries, on_0316):
    from luoshi.org.models import Unit

    def orders_for(n, start):
        for i in range(start, start + n):
            publish(office, Unit.objects.create(name=f"单位{i}", kind="department"), leader=leader, title=f"任务{i}")
        sweep(at(date(2026, 3, 10), 9 + start))
        sweep(at(date(2026, 3, 13), 9 + start))

    client = as_(leader)
    orders_for(3, 0)
    with django_assert_max_num_queries(6):
        few, n_few = counted(client, ORDERS)
    orders_for(12, 3)
    with django_assert_max_num_queries(6):
        many, n_many = counted(client, ORDERS)
    assert len(few.context["orders"]) == 3 and len(many.context["orders"]) == 15
    assert n_few == n_many


# --- a unit's escalations ---------------------------------------------------------------------------


def test_a_unit_sees_what_was_urged_on_it(as_, urged, unit_a, liaison_a, head_a, on_0316):
    response = as_(liaison_a).get(UNIT)
    assert response.status_code == 200
    shown = response.context["escalations"]
    assert {e.unit_id for e in shown} == {unit_a.pk}
    assert [(e.step, e.number, e.is_open) for e in shown] == [
        ("order", "2026-DB-0001", True),
        ("urge", "2026-CB-0001", True),
    ]
    html = response.content.decode()
    assert reverse("escalation:notice", args=[shown[0].pk, "docx"]) in html
    assert "Supervision order" in html and "Urge notice" in html
    assert [e.step for e in as_(head_a).get(UNIT, {"step": "urge"}).context["escalations"]] == ["urge"]


def test_a_units_closed_escalations_show_as_closed(as_, urged, unit_b, liaison_b, on_0316):
    shown = as_(liaison_b).get(UNIT).context["escalations"]
    assert [(e.step, e.is_open) for e in shown] == [("urge", False)]
    assert Episode.objects.get(unit=unit_b).closed_reason == "report"


def test_the_unit_page_needs_a_unit(as_, urged, office, leader, liaison_a, on_0316):
    assert as_(office).get(UNIT).status_code == 404
    assert as_(leader).get(UNIT).status_code == 404
    response = as_(liaison_a).get(UNIT, {"step": "spank"})
    assert response.status_code == 400 and "Unknown step" in response.content.decode()


def test_the_unit_page_runs_a_constant_number_of_queries(as_, office, unit_a, django_assert_max_num_queries, on_0316):
    liaison = make_person("liaison_x", ["liaison"], unit_a)

    def lists(n, start):
        for i in range(start, start + n):
            publish(office, unit_a, title=f"任务{i}")
        sweep(at(date(2026, 3, 10), 9 + start))

    client = as_(liaison)
    lists(3, 0)
    with django_assert_max_num_queries(7):
        few, n_few = counted(client, UNIT)
    lists(12, 3)
    with django_assert_max_num_queries(7):
        many, n_many = counted(client, UNIT)
    assert len(few.context["escalations"]) == 3 and len(many.context["escalations"]) == 15
    assert n_few == n_many
