"""Handling units change after publication: added, withdrawn, transferred (转办) by the office."""

from datetime import timedelta

import pytest

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.duties.models import Duty, DutyStatus, HandlingRole
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.lists import changes, completion
from luoshi.lists.models import ListStatus
from luoshi.notify.models import Notification
from tests.conftest import NOW, days, make_person

LATER = NOW + timedelta(days=3)


def duty_of(rlist, unit):
    return rlist.duties.exclude(status=DutyStatus.WITHDRAWN).get(unit=unit)


def test_an_added_unit_starts_its_duty_now_and_hears_of_it(
    published_list, office, unit_c, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        duty = changes.do_add_unit(office, published_list, unit_c, "co", "需要榆中县配合", now=LATER)
    assert duty.status == DutyStatus.OPEN and duty.role == HandlingRole.CO
    assert duty.created_at == LATER and duty.deadline == published_list.deadline
    assert duty.next_report_due == days(3 + 14)  # one cadence from today (Thu 03-05 + 14 days)
    assert duty.code == published_list.code and duty.title == published_list.title
    event = Event.objects.get(kind="duty.started", subject_id=published_list.pk)
    assert event.unit_id == unit_c.pk and event.note == "需要榆中县配合" and event.after["duty"] == duty.pk
    assert Notification.objects.filter(recipient=outsider, kind="duty.assigned").count() == 1


def test_adding_a_unit_already_on_the_list_is_refused_naming_the_unit(published_list, office, unit_b):
    with pytest.raises(InvalidInput) as err:
        changes.do_add_unit(office, published_list, unit_b, "co", now=LATER)
    assert err.value.field == "unit"
    assert published_list.duties.count() == 2


def test_a_second_lead_is_refused_naming_the_role(published_list, office, unit_c):
    with pytest.raises(InvalidInput) as err:
        changes.do_add_unit(office, published_list, unit_c, "lead", now=LATER)
    assert err.value.field == "role"


def test_only_the_office_adds_a_unit(published_list, liaison_a, leader, unit_c):
    for person in (liaison_a, leader):
        with pytest.raises(NotAllowed):
            changes.do_add_unit(person, published_list, unit_c, "co", now=LATER)


def test_a_draft_is_changed_as_a_draft(draft_list, office, unit_c):
    with pytest.raises(Conflict):
        changes.do_add_unit(office, draft_list, unit_c, "co", now=LATER)


def test_a_withdrawn_co_unit_keeps_its_history_and_the_list_closes_without_it(
    published_list, office, unit_a, unit_b, liaison_a, liaison_b, django_capture_on_commit_callbacks
):
    ob_b = duty_of(published_list, unit_b)
    duty_services.do_report(liaison_b, ob_b, progress=30, done="已调研", now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = changes.do_withdraw_unit(office, published_list, unit_b, "经研究不需城关区参与", now=LATER)
    assert withdrawn.status == DutyStatus.WITHDRAWN and withdrawn.next_report_due is None
    assert withdrawn.reports.count() == 1 and withdrawn.progress == 30
    event = Event.objects.get(kind="duty.withdrawn")
    assert event.unit_id == unit_b.pk and event.note == "经研究不需城关区参与"
    assert Notification.objects.filter(recipient=liaison_b, kind="duty.withdrawn").exists()

    ob_a = duty_of(published_list, unit_a)
    duty_services.do_report(liaison_a, ob_a, progress=100, done="完成", request_completion=True, now=LATER)
    duty_completion.do_accept(office, ob_a, now=LATER)
    assert completion.do_close(office, published_list, now=LATER).status == ListStatus.CLOSED


def test_withdrawing_twice_stores_once(published_list, office, unit_b):
    changes.do_withdraw_unit(office, published_list, unit_b, "不需要", now=LATER)
    changes.do_withdraw_unit(office, published_list, unit_b, "不需要", now=LATER)
    assert Event.objects.filter(kind="duty.withdrawn").count() == 1
    assert published_list.duties.filter(unit=unit_b).count() == 1


def test_the_lead_is_never_withdrawn(published_list, office, unit_a):
    with pytest.raises(InvalidInput) as err:
        changes.do_withdraw_unit(office, published_list, unit_a, "理由", now=LATER)
    assert err.value.field == "unit"
    assert duty_of(published_list, unit_a).status == DutyStatus.OPEN


def test_withdrawing_needs_a_reason_and_a_unit_on_the_list(published_list, office, unit_b, unit_c):
    with pytest.raises(InvalidInput) as err:
        changes.do_withdraw_unit(office, published_list, unit_b, "  ", now=LATER)
    assert err.value.field == "reason"
    with pytest.raises(InvalidInput) as err:
        changes.do_withdraw_unit(office, published_list, unit_b, "理由\x07", now=LATER)
    assert err.value.field == "reason"
    with pytest.raises(InvalidInput) as err:
        changes.do_withdraw_unit(office, published_list, unit_c, "理由", now=LATER)
    assert err.value.field == "unit"


def test_the_lead_is_transferred_and_the_new_unit_starts_now(
    published_list, office, unit_a, unit_c, liaison_a, outsider, django_capture_on_commit_callbacks
):
    old = duty_of(published_list, unit_a)
    duty_services.do_report(liaison_a, old, progress=40, done="前期工作", now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        new = changes.do_transfer(office, published_list, unit_a, unit_c, "职能调整，转榆中县办理", now=LATER)
    old.refresh_from_db()
    assert old.status == DutyStatus.WITHDRAWN and old.reports.count() == 1
    assert new.unit == unit_c and new.role == HandlingRole.LEAD and new.status == DutyStatus.OPEN
    assert new.progress == 0 and new.deadline == old.deadline and new.created_at == LATER
    event = Event.objects.get(kind="duty.transferred")
    assert event.unit_id == unit_c.pk and event.before["unit"] == unit_a.pk and event.after["duty"] == new.pk
    assert Notification.objects.filter(recipient=liaison_a, kind="duty.withdrawn").exists()
    assert Notification.objects.filter(recipient=outsider, kind="duty.assigned").exists()


def test_a_transfer_keeps_an_extended_deadline(published_list, office, unit_a, unit_c, liaison_a):
    old = duty_of(published_list, unit_a)
    ext = duty_completion.do_request_extension(liaison_a, old, days(90), "征地", now=NOW)
    duty_completion.do_decide_extension(office, ext, True, now=NOW)
    new = changes.do_transfer(office, published_list, unit_a, unit_c, "转办", now=LATER)
    assert new.deadline == days(90)


def test_a_transfer_sent_twice_stores_once(published_list, office, unit_a, unit_c):
    first = changes.do_transfer(office, published_list, unit_a, unit_c, "转办", now=LATER)
    again = changes.do_transfer(office, published_list, unit_a, unit_c, "转办", now=LATER)
    assert again.pk == first.pk
    assert Duty.objects.filter(unit=unit_c).count() == 1
    assert Event.objects.filter(kind="duty.transferred").count() == 1


def test_a_transfer_to_a_unit_on_the_list_or_from_one_not_on_it_is_refused(
    published_list, office, unit_a, unit_b, unit_c
):
    with pytest.raises(InvalidInput) as err:
        changes.do_transfer(office, published_list, unit_a, unit_b, "转办", now=LATER)
    assert err.value.field == "to_unit"
    with pytest.raises(InvalidInput) as err:
        changes.do_transfer(office, published_list, unit_c, unit_a, "转办", now=LATER)
    assert err.value.field == "from_unit"
    with pytest.raises(InvalidInput) as err:
        changes.do_transfer(office, published_list, unit_a, unit_a, "转办", now=LATER)
    assert err.value.field == "to_unit"
    with pytest.raises(InvalidInput) as err:
        changes.do_transfer(office, published_list, unit_a, unit_c, "", now=LATER)
    assert err.value.field == "reason"


def test_a_unit_may_come_back_after_a_transfer(published_list, office, unit_a, unit_c):
    changes.do_transfer(office, published_list, unit_a, unit_c, "转办", now=LATER)
    back = changes.do_transfer(office, published_list, unit_c, unit_a, "又转回", now=LATER + timedelta(days=1))
    assert back.unit == unit_a and back.status == DutyStatus.OPEN
    assert published_list.duties.filter(unit=unit_a).count() == 2  # the first, withdrawn, is kept


def test_only_the_office_transfers(published_list, liaison_a, unit_a, unit_c):
    with pytest.raises(NotAllowed):
        changes.do_transfer(liaison_a, published_list, unit_a, unit_c, "转办", now=LATER)


def test_the_heads_of_an_added_unit_hear_of_it_but_not_its_other_staff(
    published_list, office, unit_c, django_capture_on_commit_callbacks
):
    head_c = make_person("head_c", ["unit_head"], unit_c)
    clerk_c = make_person("clerk_c", [], unit_c)
    with django_capture_on_commit_callbacks(execute=True):
        changes.do_add_unit(office, published_list, unit_c, "co", now=LATER)
    assert Notification.objects.filter(recipient=head_c, kind="duty.assigned").exists()
    assert not Notification.objects.filter(recipient=clerk_c).exists()


def test_the_change_notices_are_tunable_and_a_refused_change_tells_nobody(
    published_list, office, unit_a, django_capture_on_commit_callbacks
):
    from luoshi.notify import kinds

    assert {"list.changed", "list.cancelled", "transfer.requested"} <= {k.kind for k in kinds.registered()}
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(InvalidInput):
        changes.do_withdraw_unit(office, published_list, unit_a, "牵头单位不能撤回", now=LATER)
    assert not Notification.objects.exists()
