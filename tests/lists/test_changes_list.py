"""A published list's own changes: its fields and deadline, suspension (暂缓), resumption, cancellation (撤销)."""

from datetime import date, timedelta

import pytest

from luoshi.duties import completion as duty_completion
from luoshi.duties import services as duty_services
from luoshi.duties.models import DutyStatus, Episode, Escalation
from luoshi.duties.queries import open_episodes
from luoshi.duties.sweep import sweep
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.lists import changes, completion, queries
from luoshi.lists.models import ListStatus
from luoshi.notify.models import Notification
from tests.conftest import NOW, days
from tests.duties.conftest import at, make_urged, publish

LATER = NOW + timedelta(days=3)


def dates(rlist):
    return {d.unit_id: (d.deadline, d.next_report_due) for d in rlist.duties.all()}


# --- title, requirements, leader, deadline -------------------------------------------------------------


def test_the_title_and_leader_change_on_the_list_and_its_duties(
    published_list, office, other_leader, liaison_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        changes.do_change_published(
            office, published_list, {"title": "推进新区园区建设", "leader": other_leader}, "领导分工调整", now=LATER
        )
    published_list.refresh_from_db()
    assert published_list.title == "推进新区园区建设" and published_list.leader == other_leader
    assert set(published_list.duties.values_list("title", "leader_id")) == {("推进新区园区建设", other_leader.pk)}
    event = Event.objects.get(kind="list.changed")
    assert event.before["title"] == "推进兰州新区产业园区建设" and event.after["leader"] == other_leader.pk
    assert event.note == "领导分工调整"
    assert Notification.objects.filter(recipient=liaison_b, kind="list.changed").exists()


def test_a_change_needs_a_reason_and_a_change_of_nothing_records_nothing(published_list, office):
    with pytest.raises(InvalidInput) as err:
        changes.do_change_published(office, published_list, {"title": "新标题"}, "", now=LATER)
    assert err.value.field == "reason"
    changes.do_change_published(office, published_list, {"title": published_list.title}, "理由", now=LATER)
    assert not Event.objects.filter(kind="list.changed").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", " "), ("title", "标题\x1b[31m"), ("deadline", date(2026, 3, 1)), ("deadline", date(9999, 1, 1))],
)
def test_bad_fields_are_refused_naming_them(published_list, office, field, value):
    with pytest.raises(InvalidInput) as err:
        changes.do_change_published(office, published_list, {field: value}, "理由", now=LATER)
    assert err.value.field == field


def test_the_leader_must_be_a_leader_and_the_source_stays(published_list, office, liaison_a):
    with pytest.raises(InvalidInput) as err:
        changes.do_change_published(office, published_list, {"leader": liaison_a}, "理由", now=LATER)
    assert err.value.field == "leader"
    with pytest.raises(InvalidInput) as err:
        changes.do_change_published(office, published_list, {"source": "media"}, "理由", now=LATER)
    assert err.value.field == "source"


def test_only_the_office_changes_a_published_list(published_list, leader, liaison_a):
    for person in (leader, liaison_a):
        with pytest.raises(NotAllowed):
            changes.do_change_published(person, published_list, {"title": "新标题"}, "理由", now=LATER)


def test_a_new_deadline_moves_every_unit_but_one_extended_beyond_it(published_list, office, unit_a, unit_b, liaison_a):
    ob_a = published_list.duties.get(unit=unit_a)
    ext = duty_completion.do_request_extension(liaison_a, ob_a, days(90), "征地", now=NOW)
    duty_completion.do_decide_extension(office, ext, True, now=NOW)
    changes.do_change_published(office, published_list, {"deadline": days(75)}, "市领导要求", now=LATER)
    assert {u: d for u, (d, _due) in dates(published_list).items()} == {unit_a.pk: days(90), unit_b.pk: days(75)}
    event = Event.objects.get(kind="list.changed")
    assert event.after["units_moved"] == [unit_b.pk] and event.after["units_kept"] == [unit_a.pk]
    changes.do_change_published(office, published_list, {"deadline": days(100)}, "再延", now=LATER)
    assert {d for d, _due in dates(published_list).values()} == {days(100)}


def test_an_earlier_deadline_brings_a_later_report_forward(published_list, office, unit_b):
    changes.do_change_published(office, published_list, {"deadline": days(10)}, "提前完成", now=LATER)
    assert dates(published_list)[unit_b.pk] == (days(10), days(10))  # the report was due on day 14


def test_a_struck_off_or_cancelled_list_is_not_changed(published_list, office):
    changes.do_cancel(office, published_list, "上级叫停", now=LATER)
    with pytest.raises(Conflict):
        changes.do_change_published(office, published_list, {"title": "新标题"}, "理由", now=LATER)


# --- suspension ---------------------------------------------------------------------------------------


def test_suspension_pauses_the_ladder_and_resumption_shifts_every_date(
    office, unit_a, unit_b, liaison_a, liaison_b, django_capture_on_commit_callbacks
):
    rlist = publish(office, unit_a, [unit_b], deadline=date(2026, 6, 30))  # first reports due Mon 03-09
    with django_capture_on_commit_callbacks(execute=True):
        changes.do_suspend(office, rlist, "等待省级审批", now=at(date(2026, 3, 6)))
    rlist.refresh_from_db()
    assert rlist.status == ListStatus.SUSPENDED and rlist.suspended_at == at(date(2026, 3, 6))
    assert all(d.paused_at for d in rlist.duties.all())
    assert Notification.objects.filter(recipient=liaison_b, kind="list.suspended").exists()
    assert (
        queries.list_light(queries.with_lights(type(rlist).objects.filter(pk=rlist.pk)).get(), date(2026, 3, 12))
        is None
    )

    counts = sweep(at(date(2026, 3, 12)))  # three days after the reports fell due: no step taken
    assert counts["due"] == 0 and not Escalation.objects.exists()
    assert queries.overview(office, 2026, date(2026, 3, 12))["lists"]["overdue"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        changes.do_resume(office, rlist, now=at(date(2026, 3, 16)))  # ten days later
    rlist.refresh_from_db()
    assert rlist.status == ListStatus.IN_PROGRESS and rlist.suspended_at is None
    assert rlist.deadline == date(2026, 7, 10)
    assert set(dates(rlist).values()) == {(date(2026, 7, 10), date(2026, 3, 19))}
    assert all(d.paused_at is None for d in rlist.duties.all())
    assert Event.objects.get(kind="list.resumed").after["shift_days"] == 10
    assert Notification.objects.filter(recipient=liaison_a, kind="list.resumed").exists()
    sweep(at(date(2026, 3, 17)))
    assert not Escalation.objects.exclude(step="reminder").exists()  # not late: only reminded of 03-19


def test_suspension_ends_the_urging_under_way_and_the_board_no_longer_shows_it(
    office, leader, unit_a, unit_b, liaison_a, liaison_b, head_a
):
    rlist = make_urged(office, leader, unit_a, unit_b, liaison_b)  # unit_a ordered on 03-16
    assert open_episodes(office).filter(duty__unit=unit_a).exists()
    changes.do_suspend(office, rlist, "暂缓", now=at(date(2026, 3, 17)))
    assert not open_episodes(office).exists()
    assert Episode.objects.filter(closed_reason="suspended").exists()
    taken = Escalation.objects.count()
    sweep(at(date(2026, 3, 30)))
    assert Escalation.objects.count() == taken


def test_a_repeated_suspension_or_resumption_changes_nothing_more(published_list, office):
    changes.do_suspend(office, published_list, "暂缓", now=LATER)
    changes.do_suspend(office, published_list, "暂缓", now=LATER + timedelta(days=1))
    changes.do_resume(office, published_list, now=LATER + timedelta(days=5))
    changes.do_resume(office, published_list, now=LATER + timedelta(days=9))
    assert Event.objects.filter(kind="list.suspended").count() == 1
    assert Event.objects.filter(kind="list.resumed").count() == 1
    published_list.refresh_from_db()
    assert published_list.deadline == days(65)


def test_suspension_needs_a_reason_and_the_office(published_list, office, liaison_a):
    with pytest.raises(InvalidInput) as err:
        changes.do_suspend(office, published_list, "", now=LATER)
    assert err.value.field == "reason"
    with pytest.raises(NotAllowed):
        changes.do_suspend(liaison_a, published_list, "暂缓", now=LATER)
    with pytest.raises(NotAllowed):
        changes.do_resume(liaison_a, published_list, now=LATER)


def test_a_unit_added_during_a_suspension_waits_for_the_resumption(published_list, office, unit_c):
    changes.do_suspend(office, published_list, "暂缓", now=LATER)
    duty = changes.do_add_unit(office, published_list, unit_c, "co", now=LATER + timedelta(days=2))
    assert duty.paused_at is not None
    changes.do_resume(office, published_list, now=LATER + timedelta(days=5))
    duty.refresh_from_db()
    assert duty.paused_at is None and duty.deadline == days(60 + 3)  # paused three of the five days


# --- cancellation -------------------------------------------------------------------------------------


def test_cancelling_withdraws_every_duty_and_counts_the_list_apart(
    published_list, office, leader, unit_a, unit_b, liaison_b, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        changes.do_cancel(office, published_list, "上级文件要求停止实施", now=LATER)
    published_list.refresh_from_db()
    assert published_list.status == ListStatus.CANCELLED and published_list.cancelled_at == LATER
    assert set(published_list.duties.values_list("status", flat=True)) == {DutyStatus.WITHDRAWN}
    assert Event.objects.get(kind="list.cancelled").note == "上级文件要求停止实施"
    assert Notification.objects.filter(recipient=liaison_b, kind="list.cancelled").exists()
    with pytest.raises(Conflict):
        duty_services.do_report(liaison_b, published_list.duties.get(unit=unit_b), progress=5, done="x", now=LATER)

    figures = queries.overview(office, 2026, LATER.date())
    assert figures["lists"] == {
        "issued": 1,
        "completed": 0,
        "in_progress": 0,
        "suspended": 0,
        "cancelled": 1,
        "overdue": 0,
    }
    (row,) = figures["per_leader"]
    assert (row["issued"], row["cancelled"], row["in_progress"]) == (1, 1, 0)
    per_unit = {r["unit_id"]: r for r in figures["per_unit"]}
    assert {u: (r["issued"], r["cancelled"], r["in_progress"]) for u, r in per_unit.items()} == {
        unit_a.pk: (1, 1, 0),
        unit_b.pk: (1, 1, 0),
    }


def test_a_unit_withdrawn_before_the_cancellation_does_not_count_it(published_list, office, unit_a, unit_b):
    changes.do_withdraw_unit(office, published_list, unit_b, "不需要", now=LATER)
    changes.do_cancel(office, published_list, "停止", now=LATER)
    per_unit = {r["unit_id"]: r["cancelled"] for r in queries.overview(office, 2026, LATER.date())["per_unit"]}
    assert per_unit == {unit_a.pk: 1}


def test_suspended_lists_are_counted_apart_and_never_overdue(office, unit_a):
    late = publish(office, unit_a, day=date(2026, 2, 2), every=7)  # its report is weeks overdue on 03-02
    publish(office, unit_a, title="另一项")
    changes.do_suspend(office, late, "暂缓", now=NOW)
    totals = queries.overview(office, 2026, NOW.date())["lists"]
    assert (totals["issued"], totals["in_progress"], totals["suspended"], totals["overdue"]) == (2, 1, 1, 0)


def test_a_cancellation_sent_twice_stores_once_and_a_closed_list_is_not_cancelled(
    published_list, office, unit_a, unit_b, liaison_a, liaison_b
):
    changes.do_cancel(office, published_list, "停止", now=LATER)
    changes.do_cancel(office, published_list, "停止", now=LATER)
    assert Event.objects.filter(kind="list.cancelled").count() == 1
    assert Event.objects.filter(kind="duty.withdrawn").count() == 2

    other = publish(office, unit_a, title="已完成")
    ob = other.duties.get()
    duty_services.do_report(liaison_a, ob, progress=100, done="完成", request_completion=True, now=LATER)
    duty_completion.do_accept(office, ob, now=LATER)
    completion.do_close(office, other, now=LATER)
    with pytest.raises(Conflict):
        changes.do_cancel(office, other, "停止", now=LATER)


def test_cancelling_needs_a_reason_and_the_office(published_list, office, leader):
    with pytest.raises(InvalidInput) as err:
        changes.do_cancel(office, published_list, " \u200b ", now=LATER)
    assert err.value.field == "reason"
    with pytest.raises(NotAllowed):
        changes.do_cancel(leader, published_list, "停止", now=LATER)
