from datetime import timedelta

import pytest

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.errors import Conflict, NotAllowed
from luoshi.events.models import Event
from luoshi.lists import completion
from luoshi.lists.models import ListStatus
from tests.conftest import NOW


def complete(rlist, office, people, at):
    for ob, person in zip(rlist.duties.order_by("-role", "id"), people, strict=True):
        duty_services.do_report(person, ob, progress=100, done="完成", request_completion=True, now=at)
        duty_completion.do_accept(office, ob, now=at)


def test_a_list_cannot_be_closed_while_units_are_open_and_the_refusal_names_them(published_list, office, liaison_a):
    ob_a = published_list.duties.get(role="lead")
    duty_services.do_report(liaison_a, ob_a, progress=100, done="完成", request_completion=True, now=NOW)
    duty_completion.do_accept(office, ob_a, now=NOW)
    with pytest.raises(Conflict) as err:
        completion.do_close(office, published_list, now=NOW)
    assert "城关区" in err.value.message
    assert "市工信委" not in err.value.message


def test_office_strikes_off_a_completed_list_on_time(published_list, office, liaison_a, liaison_b):
    complete(published_list, office, [liaison_a, liaison_b], NOW + timedelta(days=10))
    rlist = completion.do_close(office, published_list, now=NOW + timedelta(days=11))
    assert rlist.status == ListStatus.CLOSED
    assert rlist.closed_at == NOW + timedelta(days=11)
    assert rlist.closed_late is False and rlist.days_late == 0
    assert Event.objects.filter(kind="list.closed", subject_id=rlist.pk).exists()


def test_lateness_is_stored_at_close(published_list, office, liaison_a, liaison_b):
    complete(published_list, office, [liaison_a, liaison_b], NOW + timedelta(days=65))  # deadline: day 60
    rlist = completion.do_close(office, published_list, now=NOW + timedelta(days=66))
    assert rlist.closed_late is True and rlist.days_late == 5


def test_only_the_office_closes(published_list, office, leader, liaison_a, liaison_b):
    complete(published_list, office, [liaison_a, liaison_b], NOW)
    with pytest.raises(NotAllowed):
        completion.do_close(leader, published_list, now=NOW)


def test_a_closed_list_takes_no_reports_and_cannot_close_again(published_list, office, liaison_a, liaison_b):
    complete(published_list, office, [liaison_a, liaison_b], NOW)
    completion.do_close(office, published_list, now=NOW)
    with pytest.raises(Conflict):
        completion.do_close(office, published_list, now=NOW)


def test_lateness_counts_from_the_units_request_not_the_offices_acceptance(
    published_list, office, liaison_a, liaison_b
):
    for ob, person in zip(published_list.duties.order_by("-role", "id"), [liaison_a, liaison_b], strict=True):
        # asked on day 58, two days before the deadline; the office only accepts on day 70
        duty_services.do_report(
            person, ob, progress=100, done="完成", request_completion=True, now=NOW + timedelta(days=58)
        )
        duty_completion.do_accept(office, ob, now=NOW + timedelta(days=70))
    rlist = completion.do_close(office, published_list, now=NOW + timedelta(days=71))
    assert rlist.closed_late is False and rlist.days_late == 0
