"""Signing for a duty (签收): the service, the reminder the sweep sends once, and the API's one tap."""

from datetime import date

import pytest
import time_machine

from luoshi.duties import services as duty_services
from luoshi.duties.models import Duty, DutyStatus
from luoshi.duties.signing import SIGN_REMINDER, do_sign, sign_by, unsigned_reminders
from luoshi.duties.sweep import sweep
from luoshi.errors import Conflict, NotAllowed
from luoshi.events.models import Event
from luoshi.notify.models import Notification
from luoshi.workdays.calendar import Calendar
from tests.duties.conftest import at, publish


@pytest.fixture
def rlist(office, leader, unit_a, unit_b):
    """Published Mon 03-02 09:00: unit_a leads, unit_b co-handles; neither has signed."""
    return publish(office, unit_a, [unit_b], leader=leader)


@pytest.fixture
def duty_a(rlist, unit_a) -> Duty:
    return rlist.duties.get(unit=unit_a)


def reminded() -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=SIGN_REMINDER).values_list("recipient__username", "url"))


# --- the service ----------------------------------------------------------------------------------


def test_the_units_liaison_signs_for_its_duty(duty_a, liaison_a, rlist):
    signed, now = do_sign(liaison_a, duty_a, now=at(date(2026, 3, 2), 11))
    assert now and signed.signed_at == at(date(2026, 3, 2), 11) and signed.signed_by == liaison_a
    duty_a.refresh_from_db()
    assert duty_a.signed_by == liaison_a
    event = Event.objects.get(kind="duty.signed")
    assert (event.subject_type, event.subject_id, event.unit_id) == ("list", rlist.pk, duty_a.unit_id)
    assert event.actor == liaison_a and event.after["duty"] == duty_a.pk


def test_a_second_tap_returns_the_first_signature(duty_a, liaison_a, head_a):
    first, _now = do_sign(liaison_a, duty_a, now=at(date(2026, 3, 2), 11))
    again, now = do_sign(head_a, duty_a, now=at(date(2026, 3, 3), 9))
    assert not now and again.signed_at == first.signed_at and again.signed_by == liaison_a
    assert Event.objects.filter(kind="duty.signed").count() == 1


def test_only_the_units_own_people_sign(duty_a, liaison_b, office, leader, admin):
    for person in (liaison_b, office, leader, admin):
        with pytest.raises(NotAllowed):
            do_sign(person, duty_a)
    duty_a.refresh_from_db()
    assert duty_a.signed_at is None and not Event.objects.filter(kind="duty.signed").exists()


@pytest.mark.figures_by_hand  # sets duty fields with UPDATE, not through the services
def test_there_is_nothing_to_sign_for_before_publishing_or_once_withdrawn(draft_list, unit_a, liaison_a, duty_a):
    with pytest.raises(Conflict, match="not yet published"):
        do_sign(liaison_a, draft_list.duties.get(unit=unit_a))
    Duty.objects.filter(pk=duty_a.pk).update(status=DutyStatus.WITHDRAWN)
    with pytest.raises(Conflict, match="no longer owed"):
        do_sign(liaison_a, duty_a)


def test_the_first_report_signs_for_the_duty(duty_a, liaison_a):
    duty_services.do_report(liaison_a, duty_a, progress=10, done="开展调研", now=at(date(2026, 3, 3)))
    signed, now = do_sign(liaison_a, duty_a)
    assert not now and signed.signed_at == at(date(2026, 3, 3))


def test_the_sign_by_moment_counts_working_days(settings):
    cal = Calendar({date(2026, 3, 9): False})  # a day off on Monday 03-09
    assert sign_by(at(date(2026, 3, 2), 9), cal) == at(date(2026, 3, 3), 9)
    assert sign_by(at(date(2026, 3, 6), 15), cal) == at(date(2026, 3, 10), 15)  # Fri → Tue, over the day off
    settings.LUOSHI_SIGN_WITHIN_WORKDAYS = 3
    assert sign_by(at(date(2026, 3, 2), 9), cal) == at(date(2026, 3, 5), 9)


# --- the reminder ---------------------------------------------------------------------------------


def test_an_unsigned_duty_is_reminded_once_after_one_working_day(rlist, liaison_a, head_a, liaison_b, leader):
    sweep(at(date(2026, 3, 3), 8))  # assigned Mon 09:00: not yet a working day
    assert reminded() == []
    sweep(at(date(2026, 3, 3), 10))
    url = f"/lists/{rlist.pk}/"
    assert reminded() == [("head_a", url), ("liaison_a", url), ("liaison_b", url)]  # not the leader
    assert Event.objects.filter(kind="duty.sign_reminded").count() == 2
    assert set(Duty.objects.values_list("sign_reminded_at", flat=True)) == {at(date(2026, 3, 3), 10)}
    sweep(at(date(2026, 3, 4), 10))
    assert len(reminded()) == 3  # once per duty


def test_a_signed_or_suspended_duty_is_not_reminded(rlist, duty_a, liaison_a, unit_b, liaison_b):
    do_sign(liaison_a, duty_a, now=at(date(2026, 3, 2), 11))
    Duty.objects.filter(unit=unit_b).update(paused_at=at(date(2026, 3, 2), 12))
    sweep(at(date(2026, 3, 4), 10))
    assert reminded() == []


def test_no_reminder_on_a_day_off(rlist, liaison_a):
    assert unsigned_reminders(at(date(2026, 3, 7), 10)) == 0  # Saturday
    assert reminded() == []
    assert unsigned_reminders(at(date(2026, 3, 9), 10)) == 2  # the next working day catches up


def test_the_set_time_is_a_setting(rlist, settings):
    settings.LUOSHI_SIGN_WITHIN_WORKDAYS = 2
    assert unsigned_reminders(at(date(2026, 3, 3), 10)) == 0
    assert unsigned_reminders(at(date(2026, 3, 4), 10)) == 2


def test_the_reminder_reads_in_each_readers_language(rlist, liaison_a):
    unsigned_reminders(at(date(2026, 3, 3), 10))
    note = Notification.objects.get(recipient=liaison_a)
    title, body = note.text_in("en")
    assert title.startswith("Please sign for") and rlist.code in title
    assert "has not been signed for" in body and "2026-03-02" in body


# --- the API --------------------------------------------------------------------------------------


@pytest.fixture
def on_0303():
    with time_machine.travel(at(date(2026, 3, 3), 10), tick=False):
        yield


def test_the_api_signs_once(api, duty_a, liaison_a, head_a, on_0303):
    first = api(liaison_a).post(f"/duties/{duty_a.pk}/sign")
    assert first.status_code == 200
    assert first.json()["signed_at"].startswith("2026-03-03T") and first.json()["id"] == duty_a.pk
    again = api(head_a).post(f"/duties/{duty_a.pk}/sign")
    assert again.status_code == 200 and again.json()["signed_at"] == first.json()["signed_at"]
    assert Event.objects.filter(kind="duty.signed").count() == 1


def test_the_api_refuses_others(api, duty_a, liaison_b, outsider, leader, office, on_0303):
    assert api(liaison_b).post(f"/duties/{duty_a.pk}/sign").status_code == 404  # another unit's duty: unseen
    assert api(outsider).post(f"/duties/{duty_a.pk}/sign").status_code == 404
    for person in (leader, office):  # they see it, but sign for no unit
        response = api(person).post(f"/duties/{duty_a.pk}/sign")
        assert response.status_code == 403 and response.json()["detail"]
    assert api(office).post("/duties/0/sign").json()["field"] == "duty_id"
    assert api(office).post(f"/duties/{2**31}/sign").json()["field"] == "duty_id"
    duty_a.refresh_from_db()
    assert duty_a.signed_at is None


@pytest.mark.figures_by_hand  # sets duty fields with UPDATE, not through the services
def test_the_api_says_409_when_nothing_is_owed(api, duty_a, liaison_a, on_0303):
    Duty.objects.filter(pk=duty_a.pk).update(status=DutyStatus.WITHDRAWN)
    assert api(liaison_a).post(f"/duties/{duty_a.pk}/sign").status_code == 409


def test_the_reminder_is_a_notice_kind_no_one_mutes():
    from luoshi.notify import kinds

    entry = kinds.get(SIGN_REMINDER)
    assert entry is not None and not entry.mutable and not kinds.is_mutable(SIGN_REMINDER)
