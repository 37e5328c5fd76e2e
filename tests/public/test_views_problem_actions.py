"""One problem's page and its actions: who sees it (another unit: 404), the reporter shown only where
allowed and the read audited, photos served after the access check, each action by its role (others
403), bad input 400 naming the field, a double submission stored once, the whole loop through the pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.duties.models import DutyStatus, Report
from luoshi.events.models import Event
from luoshi.files import services as files
from luoshi.public import dispatch, handling, intake
from luoshi.public.models import Outcome, Problem, Reply, Ruling, SendBack, Status, Visit
from tests.oversight.inspections.conftest import upload
from tests.public.conftest import submission


def url(name: str, *args) -> str:
    return reverse(f"public:{name}", args=args)


def fresh(p: Problem) -> Problem:
    return Problem.objects.get(pk=p.pk)


@pytest.fixture
def sent(office, accepted, unit_a) -> Problem:
    """Dispatched to unit_a, not yet signed for."""
    dispatch.do_dispatch(office, accepted, unit_a.pk)
    return accepted


@pytest.fixture
def signed(sent, liaison_a, unit_a) -> Problem:
    handling.do_sign(liaison_a, sent, unit_a.pk)
    return sent


@pytest.fixture
def replied(signed, liaison_a, unit_a) -> Problem:
    handling.do_reply(liaison_a, signed, unit_a.pk, "已清运。")
    return signed


def is_invalid(html: str, element_id: str) -> bool:
    at = html.index(f'id="{element_id}"')
    tag = html[html.rindex("<", 0, at) : html.index(">", at)]
    return "is-invalid" in tag


# ---------------------------------------------------------------- the page


@pytest.mark.parametrize("who", ["office", "leader", "liaison_a", "head_a"])
def test_the_page_opens_for_each_who_may_see_it(request, as_, sent, who):
    r = as_(request.getfixturevalue(who)).get(url("problem", sent.pk))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="problem-status"' in html and sent.content in html and 'id="timeline"' in html
    assert 'style="' not in html and "<script>" not in html  # the CSP: no inline styles or scripts


@pytest.mark.parametrize("who", ["liaison_b", "outsider"])
def test_another_unit_never_sees_it(request, as_, sent, who):
    c = as_(request.getfixturevalue(who))
    assert c.get(url("problem", sent.pk)).status_code == 404
    for name in ("sign", "send_back", "progress", "reply", "accept", "dispatch", "visit", "close"):
        assert c.post(url(name, sent.pk), {"text": "x", "reason": "function", "basis": "x"}).status_code == 404


def test_a_unit_sees_a_problem_only_once_dispatched_to_it(as_, liaison_a, accepted):
    assert as_(liaison_a).get(url("problem", accepted.pk)).status_code == 404


def test_the_office_reads_the_reporter_and_the_read_is_audited(as_, office, sent):
    html = as_(office).get(url("problem", sent.pk)).content.decode()
    assert 'id="reporter"' in html and "李女士" in html and "13900001111" in html
    read = Event.objects.get(kind="record.read", subject_type="problem_reporter")
    assert read.subject_id == sent.pk and read.actor == office


def test_a_unit_reads_the_reporter_only_when_the_reporter_agreed(as_, office, liaison_a, sent, unit_a):
    html = as_(liaison_a).get(url("problem", sent.pk)).content.decode()
    assert "13900001111" not in html and 'id="reporter"' not in html
    assert not Event.objects.filter(kind="record.read", subject_type="problem_reporter").exists()
    agreed = intake.do_submit(office, submission(reporter_consents=True, reporter_contact="13800002222"))[0]
    intake.do_accept(office, agreed)
    dispatch.do_dispatch(office, agreed, unit_a.pk)
    html = as_(liaison_a).get(url("problem", agreed.pk)).content.decode()
    assert "13800002222" in html
    assert Event.objects.filter(
        kind="record.read", subject_type="problem_reporter", subject_id=agreed.pk, actor=liaison_a
    ).exists()


def test_a_photo_is_served_only_to_who_sees_the_problem(as_, office, liaison_a, liaison_b, accepted, unit_a):
    att = files.store(files.check_uploads([upload()], "photos"), "problem", accepted.pk, office, timezone.now())[0]
    assert as_(office).get(url("attachment", att.pk))["Content-Type"] == "image/png"
    assert url("attachment", att.pk) in as_(office).get(url("problem", accepted.pk)).content.decode()
    assert as_(liaison_a).get(url("attachment", att.pk)).status_code == 404
    dispatch.do_dispatch(office, accepted, unit_a.pk)
    assert as_(liaison_a).get(url("attachment", att.pk)).status_code == 200
    assert as_(liaison_b).get(url("attachment", att.pk)).status_code == 404


# ---------------------------------------------------------------- the office's


def test_the_office_triages_on_the_page(as_, office, problem):
    c = as_(office)
    html = c.get(url("problem", problem.pk)).content.decode()
    assert 'id="accept-form"' in html and 'id="reject-form"' in html and 'id="duplicate-form"' in html
    assert c.post(url("accept", problem.pk)).status_code == 302
    assert c.post(url("accept", problem.pk)).status_code == 302  # twice: one decision
    assert fresh(problem).status == Status.ACCEPTED
    assert Event.objects.filter(kind="problem.accepted").count() == 1
    assert c.post(url("reject", problem.pk), {"reason": "晚了"}).status_code == 409


@pytest.mark.parametrize(("of", "status"), [("", 400), ("abc", 400), (2**40, 400), (999999, 400)])
def test_a_bad_duplicate_names_the_field(as_, office, problem, of, status):
    r = as_(office).post(url("duplicate", problem.pk), {"of": of})
    assert r.status_code == status and fresh(problem).status == Status.PENDING
    assert "is-invalid" in r.content.decode()


def test_a_problem_cannot_duplicate_itself_or_a_pending_one(as_, office, problem):
    other = intake.do_submit(office, submission())[0]
    c = as_(office)
    assert c.post(url("duplicate", problem.pk), {"of": problem.pk}).status_code == 400
    assert c.post(url("duplicate", problem.pk), {"of": other.pk}).status_code == 400


@pytest.mark.parametrize("who", ["leader", "liaison_a"])
def test_only_the_office_triages_and_dispatches(request, as_, office, sent, unit_a, who):
    other = intake.do_submit(office, submission())[0]
    intake.do_accept(office, other)
    dispatch.do_dispatch(office, other, unit_a.pk)  # visible to the unit too
    c = as_(request.getfixturevalue(who))
    for name, data in (("accept", {}), ("dispatch", {"unit": unit_a.pk}), ("close", {}), ("expose", {})):
        assert c.post(url(name, other.pk), data).status_code == 403
    assert c.post(url("visit", other.pk), {"satisfaction": "satisfied", "solved": "yes"}).status_code == 403
    assert c.post(url("to_list", other.pk)).status_code == 403
    assert not fresh(other).hot


def test_the_office_dispatches_with_co_units_once(as_, office, accepted, unit_a, unit_b):
    c = as_(office)
    html = c.get(url("problem", accepted.pk)).content.decode()
    form = html[html.index('id="dispatch-form"') :]
    assert 'id="id_unit"' in form and 'id="dispatch-submit"' in form
    data = {"unit": unit_a.pk, "co_units": [unit_b.pk]}
    assert c.post(url("dispatch", accepted.pk), data).status_code == 302
    assert c.post(url("dispatch", accepted.pk), data).status_code == 302
    p = fresh(accepted)
    assert p.status == Status.DISPATCHED and p.lead_unit == unit_a and len(dispatch.duties_of(p)) == 2
    html = c.get(url("problem", p.pk)).content.decode()
    assert 'id="dispatch-form"' not in html and html.count("data-duty=") == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [({}, "id_unit"), ({"unit": 999999}, "id_unit"), ({"unit": "x"}, "id_unit"), ({"deadline": "past"}, "id_deadline")],
)
def test_a_bad_dispatch_names_the_field(as_, office, accepted, unit_a, unit_b, data, field):
    if data.get("deadline") == "past":
        data = {"unit": unit_a.pk, "deadline": (timezone.localdate() - timedelta(days=2)).isoformat()}
    r = as_(office).post(url("dispatch", accepted.pk), data)
    assert r.status_code == 400 and is_invalid(r.content.decode(), field)
    assert fresh(accepted).status == Status.ACCEPTED


def test_the_lead_unit_is_not_also_a_co_unit(as_, office, accepted, unit_a):
    r = as_(office).post(url("dispatch", accepted.pk), {"unit": unit_a.pk, "co_units": [unit_a.pk]})
    assert r.status_code == 400 and is_invalid(r.content.decode(), "id_co_units")


def test_the_suggested_units_are_one_tap_choices(as_, office, liaison_a, unit_a):
    earlier = intake.do_submit(office, submission())[0]
    intake.do_accept(office, earlier)
    dispatch.do_dispatch(office, earlier, unit_a.pk)
    handling.do_reply(liaison_a, earlier, unit_a.pk, "已处理")
    now = intake.do_accept(office, intake.do_submit(office, submission())[0])
    c = as_(office)
    html = c.get(url("problem", now.pk)).content.decode()
    assert 'id="suggested-units"' in html and f'data-suggested-unit="{unit_a.pk}"' in html
    assert c.post(url("dispatch", now.pk), {"unit": unit_a.pk}).status_code == 302
    assert fresh(now).lead_unit == unit_a


def test_the_office_rules_on_a_send_back(as_, office, liaison_a, sent, unit_a, unit_b):
    dispatch.do_send_back(liaison_a, sent, unit_a.pk, "territory", "属城关区")
    c = as_(office)
    html = c.get(url("problem", sent.pk)).content.decode()
    assert 'id="rule-form"' in html and 'id="id_rule_unit"' in html and 'id="dispatch-form"' in html
    assert c.post(url("rule", sent.pk), {"unit": "nope"}).status_code == 400
    assert c.post(url("rule", sent.pk), {"unit": unit_b.pk}).status_code == 302
    assert SendBack.objects.get().ruling == Ruling.UPHELD and fresh(sent).lead_unit == unit_b
    assert c.post(url("rule", sent.pk), {"unit": unit_b.pk}).status_code == 302  # ruled already


def test_the_return_visit_form_and_its_refusals(as_, office, replied):
    c = as_(office)
    html = c.get(url("problem", replied.pk)).content.decode()
    for element in ("visit-form", "id_satisfaction_satisfied", "id_satisfaction_basically", "id_solved", "id_reopen"):
        assert f'id="{element}"' in html
    r = c.post(url("visit", replied.pk), {"solved": "yes"})
    assert r.status_code == 400 and "is-invalid" in r.content.decode()
    r = c.post(url("visit", replied.pk), {"satisfaction": "satisfied", "solved": "maybe"})
    assert r.status_code == 400 and is_invalid(r.content.decode(), "id_solved")
    r = c.post(url("visit", replied.pk), {"satisfaction": "satisfied", "solved": "yes", "reopen": "on"})
    assert r.status_code == 400 and is_invalid(r.content.decode(), "id_reopen")
    assert not Visit.objects.exists()


def test_a_visit_posted_twice_is_stored_once_and_closed_but_not_solved_is_its_own(as_, office, replied):
    c = as_(office)
    data = {"satisfaction": "basically", "solved": "no", "note": "需市级统筹"}
    assert c.post(url("visit", replied.pk), data).status_code == 302
    assert c.post(url("visit", replied.pk), data).status_code == 302
    assert Visit.objects.count() == 1 and fresh(replied).outcome == Outcome.UNSOLVED
    assert 'id="close-form"' in c.get(url("problem", replied.pk)).content.decode()
    assert c.post(url("close", replied.pk)).status_code == 302
    assert c.post(url("close", replied.pk)).status_code == 302
    p = fresh(replied)
    assert p.status == Status.CLOSED and Event.objects.filter(kind="problem.closed").count() == 1
    html = c.get(url("problem", p.pk)).content.decode()
    assert 'data-outcome="unsolved"' in html and 'id="close-form"' not in html


def test_an_unsatisfied_visit_reopens_and_a_different_second_visit_is_refused(as_, office, replied):
    c = as_(office)
    assert c.post(url("close", replied.pk)).status_code == 409  # not visited yet
    data = {"satisfaction": "unsatisfied", "solved": "no", "reopen": "on", "note": "又堆了"}
    assert c.post(url("visit", replied.pk), data).status_code == 302
    assert fresh(replied).status == Status.HANDLING
    assert dispatch.lead_duty(fresh(replied)).status == DutyStatus.OPEN
    r = c.post(url("visit", replied.pk), {"satisfaction": "satisfied", "solved": "yes"})
    assert r.status_code == 409 and Visit.objects.count() == 1


def test_a_hot_issue_is_exposed_and_made_a_list_in_one_step(as_, office, sent):
    c = as_(office)
    html = c.get(url("problem", sent.pk)).content.decode()
    assert 'id="expose-form"' in html and 'id="to-list-form"' in html
    assert c.post(url("expose", sent.pk)).status_code == 302 and fresh(sent).hot
    r = c.post(url("to_list", sent.pk))
    p = fresh(sent)
    assert r.status_code == 302 and r["Location"] == reverse("lists:loop", args=[p.list_id])
    assert c.post(url("to_list", sent.pk))["Location"] == r["Location"]
    assert 'id="problem-list"' in c.get(url("problem", p.pk)).content.decode()
    loop = c.get(r["Location"]).content.decode()  # and the list names the problem it was made from
    assert 'id="list-origin"' in loop and reverse("public:problem", args=[p.pk]) in loop


def test_a_pending_problem_cannot_be_exposed(as_, office, problem):
    assert as_(office).post(url("expose", problem.pk)).status_code == 409


# ---------------------------------------------------------------- the unit's


def test_the_unit_signs_for_it_once(as_, liaison_a, sent):
    c = as_(liaison_a)
    html = c.get(url("problem", sent.pk)).content.decode()
    assert 'id="sign-form"' in html and 'id="send-back-form"' in html and 'id="reply-form"' not in html
    assert c.post(url("sign", sent.pk)).status_code == 302
    assert c.post(url("sign", sent.pk)).status_code == 302
    assert fresh(sent).status == Status.HANDLING
    assert Event.objects.filter(kind="duty.signed").count() == 1
    html = c.get(url("problem", sent.pk)).content.decode()
    assert 'id="sign-form"' not in html and 'id="reply-form"' in html and 'id="id_text"' in html


def test_a_leader_cannot_act_for_a_unit(as_, leader, sent):
    c = as_(leader)
    assert c.post(url("sign", sent.pk)).status_code == 403
    assert c.post(url("reply", sent.pk), {"text": "x"}).status_code == 403


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reason": "", "basis": "属城关区"}, "id_reason"),
        ({"reason": "lazy", "basis": "属城关区"}, "id_reason"),
        ({"reason": "territory", "basis": ""}, "id_basis"),
        ({"reason": "territory", "basis": "\x00"}, "id_basis"),
    ],
)
def test_a_bad_send_back_names_the_field(as_, liaison_a, sent, data, field):
    r = as_(liaison_a).post(url("send_back", sent.pk), data)
    assert r.status_code == 400 and is_invalid(r.content.decode(), field)
    assert not SendBack.objects.exists()


def test_a_send_back_posted_twice_is_stored_once(as_, head_a, sent):
    c = as_(head_a)
    data = {"reason": "function", "basis": "非本单位职能，属城管执法"}
    assert c.post(url("send_back", sent.pk), data).status_code == 302
    assert c.post(url("send_back", sent.pk), data).status_code == 302
    assert SendBack.objects.count() == 1 and fresh(sent).status == Status.ACCEPTED
    assert c.get(url("problem", sent.pk)).status_code == 200  # it still sees what it sent back
    assert c.post(url("send_back", sent.pk), {**data, "basis": "另一个理由"}).status_code == 409


def test_a_send_back_after_the_time_limit_is_not_offered_and_refused(as_, office, liaison_a, accepted, unit_a):
    dispatch.do_dispatch(office, accepted, unit_a.pk, now=timezone.now() - timedelta(hours=30))
    c = as_(liaison_a)
    assert 'id="send-back-form"' not in c.get(url("problem", accepted.pk)).content.decode()
    assert c.post(url("send_back", accepted.pk), {"reason": "function", "basis": "x"}).status_code == 409


def test_progress_is_reported_once_per_token(as_, liaison_a, signed):
    c = as_(liaison_a)
    assert c.post(url("progress", signed.pk), {"text": ""}).status_code == 400
    data = {"text": "已联系环卫所，明日清运", "submission_key": "p-1"}
    assert c.post(url("progress", signed.pk), data).status_code == 302
    assert c.post(url("progress", signed.pk), data).status_code == 302
    assert Report.objects.filter(done=data["text"]).count() == 1


def test_the_reply_is_stored_once_and_bad_text_is_named(as_, office, liaison_a, signed):
    c = as_(liaison_a)
    r = c.post(url("reply", signed.pk), {"text": "  "})
    assert r.status_code == 400 and is_invalid(r.content.decode(), "id_text")
    data = {"text": "已清运完毕，并安排每日巡查。", "submission_key": "reply-1"}
    assert c.post(url("reply", signed.pk), data).status_code == 302
    assert c.post(url("reply", signed.pk), data).status_code == 302
    assert Reply.objects.count() == 1 and fresh(signed).status == Status.REPLIED
    assert 'id="visit-form"' in as_(office).get(url("problem", signed.pk)).content.decode()


def test_a_co_unit_reports_progress_but_does_not_reply(as_, office, liaison_b, accepted, unit_a, unit_b):
    dispatch.do_dispatch(office, accepted, unit_a.pk, [unit_b.pk])
    c = as_(liaison_b)
    assert c.post(url("sign", accepted.pk)).status_code == 302
    html = c.get(url("problem", accepted.pk)).content.decode()
    assert 'id="progress-form"' in html and 'id="reply-form"' not in html
    assert c.post(url("reply", accepted.pk), {"text": "已配合"}).status_code == 409


def test_the_whole_loop_through_the_pages(as_, office, liaison_a, unit_a):
    c = as_(office)
    data = {
        "content": "夜间施工噪音扰民",
        "category": Problem._meta.get_field("category").related_model.objects.get(name="市容环境").pk,
        "place": "城关区庆阳路",
        "channel": "hotline",
        "submission_key": "loop-1",
    }
    assert c.post(url("hotline"), data).status_code == 302
    p = Problem.objects.get()
    assert c.post(url("accept", p.pk)).status_code == 302
    assert c.post(url("dispatch", p.pk), {"unit": unit_a.pk}).status_code == 302
    u = as_(liaison_a)
    assert u.post(url("sign", p.pk)).status_code == 302
    assert u.post(url("reply", p.pk), {"text": "已责令夜间停工", "submission_key": "r"}).status_code == 302
    c = as_(office)
    assert c.post(url("visit", p.pk), {"satisfaction": "satisfied", "solved": "yes"}).status_code == 302
    assert c.post(url("close", p.pk)).status_code == 302
    p = fresh(p)
    assert p.status == Status.CLOSED and p.outcome == Outcome.SOLVED
    html = c.get(url("problem", p.pk)).content.decode()
    assert 'data-status="closed"' in html
    kinds = list(Event.objects.filter(subject_type="problem", subject_id=p.pk).values_list("kind", flat=True))
    for kind in ("problem.received", "problem.dispatched", "duty.signed", "problem.replied", "problem.closed"):
        assert kind in kinds and f'data-kind="{kind}"' in html
