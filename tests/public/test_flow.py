"""A problem's whole loop through the services: taken in, accepted, dispatched, sent back, ruled,
signed for (the clock starts), replied, visited, closed; every refusal on the way."""

from datetime import timedelta

import pytest
from django.utils import timezone

from luoshi.duties.models import DutyStatus, Episode, EpisodeKind, Escalation
from luoshi.duties.sweep import sweep
from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.public import dispatch, handling, intake
from luoshi.public.models import Outcome, Problem, Ruling, Status
from luoshi.workdays import calendar
from tests.public.conftest import submission


def test_the_office_takes_a_problem_in_with_an_unguessable_code(office):
    p, created = intake.do_submit(office, submission(), submission_key="k1")
    again, created_again = intake.do_submit(office, submission(), submission_key="k1")
    assert created and not created_again and again.pk == p.pk
    assert len(p.code) == 24 and p.code.count("-") == 4
    assert intake.normal_code(p.code.lower().replace("-", " ")) == p.code
    assert Problem.objects.count() == 1
    assert Event.objects.filter(kind="problem.received", subject_id=p.pk).count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"category": "没有"}, "category"),
        ({"content": ""}, "content"),
        ({"content": "a\x00b"}, "content"),
        ({"place": "x" * 201}, "place"),
        ({"lat": "91", "lon": "103"}, "lat"),
        ({"lat": "36", "lon": None}, "lon"),
        ({"lat": "nan", "lon": "1"}, "lat"),
    ],
)
def test_bad_input_names_its_field(office, change, field):
    with pytest.raises(InvalidInput) as caught:
        intake.do_submit(office, submission(**change))
    assert caught.value.field == field


def test_the_public_may_use_only_the_web_form(liaison_a):
    with pytest.raises(InvalidInput):
        intake.do_submit(None, submission())
    assert intake.do_submit(None, submission(channel="web"))[1]
    with pytest.raises(NotAllowed):
        intake.do_submit(liaison_a, submission())


def test_triage_accepts_rejects_or_links_a_duplicate_once(office, problem):
    other = intake.do_submit(office, submission())[0]
    third = intake.do_submit(office, submission())[0]
    intake.do_accept(office, problem)
    intake.do_accept(office, problem)  # the same decision again
    assert Event.objects.filter(kind="problem.accepted").count() == 1
    dup = intake.do_mark_duplicate(office, other, problem.pk)
    assert dup.status == Status.DUPLICATE and dup.duplicate_of_id == problem.pk
    with pytest.raises(InvalidInput):
        intake.do_reject(office, third, "  ")
    assert intake.do_reject(office, third, "不属于受理范围").status == Status.REJECTED
    with pytest.raises(Conflict):
        intake.do_accept(office, third)


def test_dispatch_gives_the_unit_hours_to_sign_for_and_the_deadline_runs_from_the_sign_for(
    office, accepted, unit_a, unit_b, liaison_a
):
    now = timezone.now()
    duty = dispatch.do_dispatch(office, accepted, unit_a.pk, [unit_b.pk], now=now)
    assert dispatch.do_dispatch(office, accepted, unit_a.pk, [unit_b.pk], now=now).pk == duty.pk
    assert duty.respond_by == now + timedelta(hours=24)
    assert len(dispatch.duties_of(accepted)) == 2
    later = now + timedelta(hours=3)
    signed = handling.do_sign(liaison_a, accepted, unit_a.pk, now=later)
    cal = calendar.load()
    assert signed.deadline == cal.add_workdays(timezone.localdate(later), accepted.category.resolve_workdays)
    assert Problem.objects.get(pk=accepted.pk).status == Status.HANDLING


def test_a_sign_for_not_made_in_time_is_urged_and_the_sign_for_ends_it(office, accepted, unit_a, liaison_a):
    now = timezone.now()
    accepted.urgent = True
    accepted.save()
    dispatch.do_dispatch(office, accepted, unit_a.pk, now=now)
    sweep(now + timedelta(hours=1))
    assert not Escalation.objects.exists()
    sweep(now + timedelta(hours=2, minutes=5))
    sweep(now + timedelta(hours=2, minutes=10))
    esc = Escalation.objects.get()
    assert esc.episode.kind == EpisodeKind.SIGN and esc.step == "urge"
    handling.do_sign(liaison_a, accepted, unit_a.pk, now=now + timedelta(hours=3))
    assert Episode.objects.get().closed_reason == "signed"


def test_a_send_back_is_counted_against_nobody_until_the_ruling(office, accepted, unit_a, unit_b, liaison_a, liaison_b):
    now = timezone.now()
    dispatch.do_dispatch(office, accepted, unit_a.pk, now=now)
    with pytest.raises(NotAllowed):
        dispatch.do_send_back(liaison_b, accepted, unit_a.pk, "function", "依据", now=now)
    with pytest.raises(InvalidInput):
        dispatch.do_send_back(liaison_a, accepted, unit_a.pk, "lazy", "依据", now=now)
    sb = dispatch.do_send_back(liaison_a, accepted, unit_a.pk, "territory", "属地在城关区", now=now)
    p = Problem.objects.get(pk=accepted.pk)
    assert p.status == Status.ACCEPTED and p.lead_unit is None and sb.ruling == Ruling.PENDING
    dispatch.do_dispatch(office, p, unit_b.pk, now=now)
    sb.refresh_from_db()
    assert sb.ruling == Ruling.UPHELD
    # unit_b sends it back too; the office rules it is unit_b's after all
    dispatch.do_send_back(liaison_b, p, unit_b.pk, "function", "非本单位职能", now=now)
    duty = dispatch.do_rule(office, p, unit_b.pk, now=now)
    assert duty.unit_id == unit_b.pk
    assert p.send_backs.get(unit=unit_b).ruling == Ruling.OVERRULED


def test_a_send_back_after_the_time_limit_is_refused(office, accepted, unit_a, liaison_a):
    now = timezone.now()
    dispatch.do_dispatch(office, accepted, unit_a.pk, now=now)
    with pytest.raises(Conflict):
        dispatch.do_send_back(liaison_a, accepted, unit_a.pk, "function", "依据", now=now + timedelta(hours=25))


def test_reply_visit_and_close_and_an_unsatisfied_visit_reopens(office, accepted, unit_a, unit_b, liaison_a):
    now = timezone.now()
    dispatch.do_dispatch(office, accepted, unit_a.pk, [unit_b.pk], now=now)
    with pytest.raises(Conflict):
        handling.do_visit(office, accepted, "satisfied", True, now=now)
    handling.do_reply(liaison_a, accepted, unit_a.pk, "已清运。", submission_key="r1", now=now)
    handling.do_reply(liaison_a, accepted, unit_a.pk, "已清运。", submission_key="r1", now=now)
    assert accepted.replies.count() == 1
    visit = handling.do_visit(office, accepted, "unsatisfied", False, "又堆了", reopen=True, now=now)
    assert visit.reopened
    assert Problem.objects.get(pk=accepted.pk).status == Status.HANDLING
    assert dispatch.lead_duty(Problem.objects.get(pk=accepted.pk)).status == DutyStatus.OPEN
    handling.do_reply(liaison_a, accepted, unit_a.pk, "已彻底清理并安排每日巡查。", now=now)
    handling.do_visit(office, accepted, "satisfied", True, now=now)
    p = handling.do_close(office, accepted, now=now)
    assert p.status == Status.CLOSED and p.outcome == Outcome.SOLVED
    assert all(d.status == DutyStatus.COMPLETED for d in dispatch.duties_of(p))


def test_closed_but_not_solved_is_its_own_outcome(office, accepted, unit_a, liaison_a):
    dispatch.do_dispatch(office, accepted, unit_a.pk)
    handling.do_reply(liaison_a, accepted, unit_a.pk, "已协调，但需市级统筹。")
    handling.do_visit(office, accepted, "basically", False)
    assert handling.do_close(office, accepted).outcome == Outcome.UNSOLVED


def test_a_hot_issue_becomes_a_list_once(office, accepted, unit_a, leader):
    dispatch.do_dispatch(office, accepted, unit_a.pk)
    rlist, created = handling.do_to_list(office, accepted)
    again, created_again = handling.do_to_list(office, accepted)
    assert created and not created_again and again.pk == rlist.pk
    assert rlist.source == "media" and Problem.objects.get(pk=accepted.pk).hot
