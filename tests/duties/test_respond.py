"""Hour-counted sign-for limits (duties.respond): a duty still unsigned past its `respond_by` is urged once,
on any day, at any hour; the sign-for ends that episode; when the clock starts at the sign-for, signing (by
a tap or by the first report) sets the deadline that many working days on."""

from datetime import date, datetime, time, timedelta

from luoshi.duties import signing
from luoshi.duties.models import Duty, Episode, EpisodeKind, Escalation
from luoshi.duties.respond import deadline_from_sign, is_late, urge_late_signs
from luoshi.duties.services import do_report
from luoshi.duties.sweep import RulesByKind, sweep
from luoshi.notify.models import Notification
from luoshi.workdays import calendar
from tests.conftest import SHANGHAI
from tests.duties.conftest import publish


def saturday_night() -> datetime:
    return datetime.combine(date(2026, 3, 14), time(1, 30), SHANGHAI)


def hour_limited(office, unit_a, leader, respond_by: datetime, workdays: int | None = None) -> Duty:
    rlist = publish(office, unit_a, leader=leader, day=date(2026, 3, 13))
    duty = rlist.duties.get()
    Duty.objects.filter(pk=duty.pk).update(respond_by=respond_by, resolve_workdays=workdays)
    duty.refresh_from_db()
    return duty


def test_a_late_sign_for_is_urged_once_even_on_a_saturday_night(office, unit_a, leader, liaison_a, head_a):
    night = saturday_night()
    duty = hour_limited(office, unit_a, leader, night - timedelta(hours=1))
    assert is_late(duty, night)
    assert urge_late_signs(night, RulesByKind()) == 1
    assert urge_late_signs(night + timedelta(minutes=5), RulesByKind()) == 0
    sweep(night + timedelta(minutes=10))  # a rest day: the sweep still urges hour limits, once
    esc = Escalation.objects.get()
    assert (esc.step, esc.episode.kind, esc.unit_id) == ("urge", EpisodeKind.SIGN, unit_a.pk)
    assert Notification.objects.filter(recipient__in=[liaison_a, head_a], kind="escalation.urge").count() == 2


def test_the_sign_for_ends_the_episode_and_records_it_was_late(office, unit_a, leader, liaison_a):
    night = saturday_night()
    duty = hour_limited(office, unit_a, leader, night - timedelta(hours=1))
    urge_late_signs(night, RulesByKind())
    signed, _new = signing.do_sign(liaison_a, duty, now=night + timedelta(hours=1))
    episode = Episode.objects.get()
    assert episode.closed_reason == "signed"
    assert is_late(signed, night)


def test_nothing_is_urged_before_the_limit_or_once_signed(office, unit_a, leader, liaison_a):
    night = saturday_night()
    duty = hour_limited(office, unit_a, leader, night + timedelta(hours=1))
    assert urge_late_signs(night, RulesByKind()) == 0
    signing.do_sign(liaison_a, duty, now=night)
    assert urge_late_signs(night + timedelta(hours=2), RulesByKind()) == 0
    assert not Escalation.objects.exists()


def test_the_deadline_runs_from_the_sign_for_by_a_tap_or_by_the_first_report(office, unit_a, unit_b, leader, liaison_a):
    monday = datetime.combine(date(2026, 3, 16), time(10), SHANGHAI)
    cal = calendar.load()
    duty = hour_limited(office, unit_a, leader, monday + timedelta(hours=24), workdays=15)
    signed, _new = signing.do_sign(liaison_a, duty, now=monday)
    assert signed.deadline == deadline_from_sign(monday, 15, cal) == cal.add_workdays(monday.date(), 15)
    other = hour_limited(office, unit_a, leader, monday + timedelta(hours=24), workdays=5)
    do_report(liaison_a, other, progress=10, done="已签收并开始办理", now=monday + timedelta(days=1))
    other.refresh_from_db()
    assert other.deadline == cal.add_workdays(date(2026, 3, 17), 5)
