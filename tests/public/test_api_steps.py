"""The public problems' API, the steps: the office triages, dispatches, rules, visits, closes, exposes and
makes a list; a unit's liaison or head signs for, sends back, reports progress and replies for its own
unit. Each step: the allowed user succeeds, another unit gets 404, the wrong role 403, bad input a 400
naming the field, and a repeated Idempotency-Key answers the first answer and stores nothing twice."""

import pytest

from luoshi.duties.models import Duty, Report
from luoshi.events.models import Event
from luoshi.lists.models import ResponsibilityList
from luoshi.public import dispatch, handling, intake, suggest
from luoshi.public.models import Problem, Reply, SendBack, Status, Visit
from tests.public.conftest import EN, submission

BAD_IDS = [0, -1, 2**63, "abc", None]


def key(k: str) -> dict:
    return {"Idempotency-Key": k, **EN}


def post(api, person, p: Problem, step: str, body: dict | None = None, k: str | None = None):
    return api(person).post(f"/problems/{p.pk}/{step}", body or {}, headers=key(k) if k else EN)


def status(p: Problem) -> str:
    return Problem.objects.get(pk=p.pk).status


@pytest.fixture
def dispatched(office, accepted, unit_a, unit_b) -> Problem:
    dispatch.do_dispatch(office, accepted, unit_a.pk, [unit_b.pk])
    return accepted


@pytest.fixture
def replied(dispatched, liaison_a, unit_a) -> Problem:
    handling.do_reply(liaison_a, dispatched, unit_a.pk, "已清运完毕。")
    return dispatched


# ---------------------------------------------------------------- triage


def test_the_office_accepts_once_and_a_keyed_repeat_answers_the_first(api, office, problem, unit_a):
    first = post(api, office, problem, "accept", k="a-1")
    assert first.status_code == 200 and first.json()["status"] == "accepted"
    assert post(api, office, problem, "accept", k="a-1").json() == first.json()
    dispatch.do_dispatch(office, problem, unit_a.pk)
    # The state moved on: the repeat still answers the first answer; without a key the step is refused.
    assert post(api, office, problem, "accept", k="a-1").json() == first.json()
    assert post(api, office, problem, "accept").status_code == 409
    assert Event.objects.filter(kind="problem.accepted").count() == 1


def test_triage_is_the_offices(api, office, problem, liaison_a, leader):
    assert post(api, liaison_a, problem, "accept").status_code == 404  # with no unit yet: not theirs to see
    original = intake.do_accept(office, intake.do_submit(office, submission())[0])
    for step, body in (("accept", {}), ("reject", {"reason": "不属于受理范围"}), ("duplicate", {"of": original.pk})):
        assert post(api, leader, problem, step, body).status_code == 403
    assert status(problem) == Status.PENDING


def test_the_office_rejects_with_a_reason(api, office, problem):
    r = post(api, office, problem, "reject", {"reason": "不属于受理范围"}, k="r-1")
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert post(api, office, problem, "reject", {"reason": "不属于受理范围"}, k="r-1").json() == r.json()
    assert Problem.objects.get(pk=problem.pk).reject_reason == "不属于受理范围"
    assert Event.objects.filter(kind="problem.rejected").count() == 1


@pytest.mark.parametrize("reason", ["", "  ", "a\x00b", "x" * 1001, None])
def test_a_rejection_without_a_good_reason_is_a_400(api, office, problem, reason):
    r = post(api, office, problem, "reject", {"reason": reason})
    assert r.status_code == 400 and r.json()["field"] == "reason"
    assert status(problem) == Status.PENDING


def test_the_office_marks_a_duplicate_of_the_original(api, office, accepted):
    copy = intake.do_submit(office, submission())[0]
    r = post(api, office, copy, "duplicate", {"of": accepted.pk}, k="d-1")
    assert r.status_code == 200 and r.json()["status"] == "duplicate"
    assert post(api, office, copy, "duplicate", {"of": accepted.pk}, k="d-1").json() == r.json()
    assert Problem.objects.get(pk=copy.pk).duplicate_of_id == accepted.pk
    assert api(office).get(f"/problems/{copy.pk}").json()["duplicate_of"] == accepted.pk


@pytest.mark.parametrize("of", [*BAD_IDS, 99999, "self"])
def test_a_duplicate_of_nothing_is_a_400(api, office, problem, of):
    r = post(api, office, problem, "duplicate", {"of": problem.pk if of == "self" else of})
    assert r.status_code == 400 and r.json()["field"] == "of"


# ---------------------------------------------------------------- dispatch, sign-for, send-back, ruling


def test_the_office_dispatches_once(api, office, accepted, unit_a, unit_b, liaison_a, leader):
    assert post(api, liaison_a, accepted, "dispatch", {"unit": unit_a.pk}).status_code == 404
    assert post(api, leader, accepted, "dispatch", {"unit": unit_a.pk}).status_code == 403
    body = {"unit": unit_a.pk, "co_units": [unit_b.pk]}
    r = post(api, office, accepted, "dispatch", body, k="x-1")
    assert r.status_code == 200, r.content
    assert post(api, office, accepted, "dispatch", body, k="x-1").json() == r.json()
    assert post(api, office, accepted, "dispatch", body).json() == r.json()  # the same units again
    lead = Duty.objects.get(pk=r.json()["duty"])
    assert lead.unit == unit_a and lead.role == "lead" and r.json()["respond_by"]
    assert Duty.objects.count() == 2 and status(accepted) == Status.DISPATCHED
    assert post(api, liaison_a, accepted, "dispatch", body).status_code == 403  # the unit sees it now


@pytest.mark.parametrize(
    ("change", "field"),
    [
        *[({"unit": bad}, "unit") for bad in BAD_IDS],
        ({"unit": 99999}, "unit"),
        ({"co_units": [0]}, "co_units"),
        ({"co_units": "all"}, "co_units"),
        ({"co_units": list(range(1, 30))}, "co_units"),
        ({"deadline": "9999-12-31"}, "deadline"),
        ({"deadline": "2020-01-01"}, "deadline"),
        ({"deadline": "soon"}, "deadline"),
    ],
)
def test_a_bad_dispatch_is_a_400_naming_the_field(api, office, accepted, unit_a, change, field):
    r = post(api, office, accepted, "dispatch", {"unit": unit_a.pk, **change})
    assert r.status_code == 400, r.content
    assert r.json()["field"].split(".")[0] == field
    assert not Duty.objects.exists()


def test_a_pending_problem_is_not_dispatched(api, office, problem, unit_a):
    assert post(api, office, problem, "dispatch", {"unit": unit_a.pk}).status_code == 409


def test_the_unit_signs_for_its_own(api, office, dispatched, unit_a, unit_b, liaison_a, head_a, liaison_b, outsider):
    assert post(api, outsider, dispatched, "sign", {"unit": unit_a.pk}).status_code == 404
    assert post(api, liaison_b, dispatched, "sign", {"unit": unit_a.pk}).status_code == 403  # a co unit's
    assert post(api, office, dispatched, "sign", {"unit": unit_a.pk}).status_code == 403
    r = post(api, head_a, dispatched, "sign", {"unit": unit_a.pk}, k="s-1")
    assert r.status_code == 200 and r.json()["signed_at"] and r.json()["unit"] == unit_a.pk
    assert post(api, head_a, dispatched, "sign", {"unit": unit_a.pk}, k="s-1").json() == r.json()
    assert post(api, liaison_a, dispatched, "sign", {"unit": unit_a.pk}).json()["signed_at"] == r.json()["signed_at"]
    assert status(dispatched) == Status.HANDLING
    assert Event.objects.filter(kind="duty.signed").count() == 1
    assert post(api, liaison_b, dispatched, "sign", {"unit": unit_b.pk}).status_code == 200


@pytest.mark.parametrize("unit", BAD_IDS)
def test_a_sign_for_with_a_bad_unit_is_a_400(api, dispatched, liaison_a, unit):
    r = post(api, liaison_a, dispatched, "sign", {"unit": unit})
    assert r.status_code == 400 and r.json()["field"] == "unit"


def test_the_unit_sends_back_once_and_the_office_rules(api, office, dispatched, unit_a, liaison_a, outsider, leader):
    body = {"unit": unit_a.pk, "reason": "territory", "basis": "属地在城关区"}
    assert post(api, outsider, dispatched, "send-back", body).status_code == 404
    assert post(api, office, dispatched, "send-back", body).status_code == 403
    r = post(api, liaison_a, dispatched, "send-back", body, k="b-1")
    assert r.status_code == 200 and r.json()["reason"] == "territory"
    assert post(api, liaison_a, dispatched, "send-back", body, k="b-1").json() == r.json()
    assert post(api, liaison_a, dispatched, "send-back", body).status_code == 409
    assert SendBack.objects.count() == 1 and status(dispatched) == Status.ACCEPTED
    # The unit that sent it back still reads it, with its send-back awaiting the ruling.
    d = api(liaison_a).get(f"/problems/{dispatched.pk}").json()
    assert d["send_backs"] == [{**r.json(), "ruling": ""}] and d["lead_unit"] is None
    for person in (liaison_a, leader):
        assert post(api, person, dispatched, "rule", {"unit": unit_a.pk}).status_code == 403
    ruled = post(api, office, dispatched, "rule", {"unit": unit_a.pk}, k="u-1")
    assert ruled.status_code == 200 and ruled.json()["unit"] == unit_a.pk
    assert post(api, office, dispatched, "rule", {"unit": unit_a.pk}, k="u-1").json() == ruled.json()
    assert post(api, office, dispatched, "rule", {"unit": unit_a.pk}).json() == ruled.json()  # ruled already
    assert SendBack.objects.get().ruling == "overruled"
    assert Event.objects.filter(kind="problem.ruled").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        *[({"unit": bad}, "unit") for bad in BAD_IDS],
        ({"reason": "lazy"}, "reason"),
        ({"basis": ""}, "basis"),
        ({"basis": "依据\x00"}, "basis"),
        ({"basis": "依据\x1b[31m"}, "basis"),
        ({"basis": "x" * 2001}, "basis"),
    ],
)
def test_a_bad_send_back_is_a_400_naming_the_field(api, dispatched, unit_a, liaison_a, change, field):
    body = {"unit": unit_a.pk, "reason": "function", "basis": "非本单位职能", **change}
    r = post(api, liaison_a, dispatched, "send-back", body)
    assert r.status_code == 400 and r.json()["field"] == field
    assert not SendBack.objects.exists()


@pytest.mark.parametrize("unit", BAD_IDS)
def test_a_ruling_for_a_bad_unit_is_a_400(api, office, dispatched, unit):
    r = post(api, office, dispatched, "rule", {"unit": unit})
    assert r.status_code == 400 and r.json()["field"] == "unit"


def test_nothing_sent_back_is_not_ruled(api, office, dispatched, unit_b):
    assert post(api, office, dispatched, "rule", {"unit": unit_b.pk}).status_code == 409


# ---------------------------------------------------------------- progress and the reply


def test_the_unit_reports_progress_once_per_key(api, office, dispatched, unit_a, unit_b, liaison_a, liaison_b):
    body = {"unit": unit_a.pk, "text": "已联系环卫所，明日清运。"}
    assert post(api, liaison_b, dispatched, "progress", body).status_code == 403  # unit_a's duty
    assert post(api, office, dispatched, "progress", body).status_code == 403
    r = post(api, liaison_a, dispatched, "progress", body, k="g-1")
    assert r.status_code == 200 and r.json()["progress"] == 10
    assert post(api, liaison_a, dispatched, "progress", body, k="g-1").json() == r.json()
    assert Report.objects.count() == 1
    other = post(api, liaison_a, dispatched, "progress", {**body, "text": "另一份进展。"}, k="g-1")
    assert other.status_code == 409 and Report.objects.count() == 1
    co = post(api, liaison_b, dispatched, "progress", {"unit": unit_b.pk, "text": "配合清运。"})
    assert co.status_code == 200 and co.json()["unit"] == unit_b.pk


@pytest.mark.parametrize(
    ("change", "field"),
    [
        *[({"unit": bad}, "unit") for bad in BAD_IDS],
        ({"text": ""}, "text"),
        ({"text": "进展\x00"}, "text"),
        ({"text": "x" * 4001}, "text"),
    ],
)
@pytest.mark.parametrize("step", ["progress", "reply"])
def test_a_bad_report_is_a_400_naming_the_field(api, dispatched, unit_a, liaison_a, step, change, field):
    r = post(api, liaison_a, dispatched, step, {"unit": unit_a.pk, "text": "已清运。", **change})
    assert r.status_code == 400 and r.json()["field"] == field
    assert not Report.objects.exists()


def test_the_lead_unit_replies_once(api, office, dispatched, unit_a, unit_b, liaison_a, liaison_b, outsider):
    body = {"unit": unit_a.pk, "text": "已清运完毕，并安排每日巡查。"}
    assert post(api, outsider, dispatched, "reply", body).status_code == 404
    assert post(api, office, dispatched, "reply", body).status_code == 403
    assert post(api, liaison_b, dispatched, "reply", {**body, "unit": unit_b.pk}).status_code == 409  # a co unit
    r = post(api, liaison_a, dispatched, "reply", body, k="y-1")
    assert r.status_code == 200 and r.json()["text"] == body["text"]
    assert post(api, liaison_a, dispatched, "reply", body, k="y-1").json() == r.json()
    assert post(api, liaison_a, dispatched, "reply", body).status_code == 409
    assert Reply.objects.count() == 1 and status(dispatched) == Status.REPLIED
    assert api(office).get(f"/problems/{dispatched.pk}").json()["reply"] == r.json()


# ---------------------------------------------------------------- visit, close, exposure, the list


def test_the_office_visits_once_and_a_reopened_problem_is_replied_again(api, office, replied, unit_a, liaison_a):
    body = {"satisfaction": "unsatisfied", "solved": False, "note": "又堆了", "reopen": True}
    assert post(api, liaison_a, replied, "visit", body).status_code == 403
    r = post(api, office, replied, "visit", body, k="v-1")
    assert r.status_code == 200 and r.json()["reopened"]
    assert post(api, office, replied, "visit", body, k="v-1").json() == r.json()
    assert post(api, office, replied, "visit", body).status_code == 409
    assert Visit.objects.count() == 1 and status(replied) == Status.HANDLING
    post(api, liaison_a, replied, "reply", {"unit": unit_a.pk, "text": "已彻底清理。"})
    done = post(api, office, replied, "visit", {"satisfaction": "satisfied", "solved": True}, k="v-2")
    assert done.status_code == 200 and not done.json()["reopened"]
    d = api(office).get(f"/problems/{replied.pk}").json()
    assert d["status"] == "visited" and d["outcome"] == "solved" and d["visit"] == done.json()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"satisfaction": "meh"}, "satisfaction"),
        ({"satisfaction": None}, "satisfaction"),
        ({"solved": "maybe"}, "solved"),
        ({"note": "a\x00"}, "note"),
        ({"note": "x" * 2001}, "note"),
        ({"reopen": "please"}, "reopen"),
        ({"reopen": True}, "reopen"),  # satisfied and solved: nothing to reopen
    ],
)
def test_a_bad_visit_is_a_400_naming_the_field(api, office, replied, change, field):
    r = post(api, office, replied, "visit", {"satisfaction": "satisfied", "solved": True, **change})
    assert r.status_code == 400 and r.json()["field"] == field
    assert not Visit.objects.exists()


def test_the_office_closes_once_and_closed_but_not_solved_is_kept(api, office, replied, liaison_a, leader):
    handling.do_visit(office, replied, "basically", False)
    for person in (liaison_a, leader):
        assert post(api, person, replied, "close").status_code == 403
    r = post(api, office, replied, "close", k="c-1")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert post(api, office, replied, "close", k="c-1").json() == r.json()
    assert post(api, office, replied, "close").json() == r.json()
    assert Problem.objects.get(pk=replied.pk).outcome == "unsolved"
    assert Event.objects.filter(kind="problem.closed").count() == 1


def test_a_problem_is_closed_after_its_visit(api, office, dispatched):
    assert post(api, office, dispatched, "close").status_code == 409


def test_the_office_exposes_a_hot_issue_once(api, office, dispatched, problem, liaison_a, leader):
    for person in (liaison_a, leader):
        assert post(api, person, dispatched, "expose").status_code == 403
    r = post(api, office, dispatched, "expose", k="e-1")
    assert r.status_code == 200 and r.json()["hot"]
    assert post(api, office, dispatched, "expose", k="e-1").json() == r.json()
    assert Event.objects.filter(kind="problem.exposed").count() == 1
    assert api(office).get("/problems", hot="true").json()["count"] == 1
    pending = intake.do_submit(office, submission())[0]
    assert post(api, office, pending, "expose").status_code == 409


def test_a_hot_issue_becomes_a_list_once(api, office, dispatched, liaison_a, leader, outsider):
    for person, refused in ((liaison_a, 403), (leader, 403), (outsider, 404)):
        assert post(api, person, dispatched, "to-list").status_code == refused
    first = post(api, office, dispatched, "to-list", k="l-1")
    again = post(api, office, dispatched, "to-list", k="l-1")
    assert (first.status_code, again.status_code) == (201, 200) and first.json() == again.json()
    assert ResponsibilityList.objects.count() == 1
    assert api(office).get(f"/problems/{dispatched.pk}").json()["list"] == first.json()["list"]


def test_an_undispatched_problem_is_no_list(api, office, accepted):
    assert post(api, office, accepted, "to-list").status_code == 409


@pytest.mark.parametrize("bad", ["0", str(2**63)])
@pytest.mark.parametrize("step", ["accept", "dispatch", "sign", "visit", "to-list"])
def test_a_step_on_a_bad_path_id_is_a_400(api, office, step, bad):
    r = api(office).post(f"/problems/{bad}/{step}", {}, headers=EN)
    assert r.status_code == 400 and r.json()["field"] == "problem_id"


def test_a_step_on_no_problem_is_a_404(api, office, unit_a):
    assert api(office).post("/problems/99999/dispatch", {"unit": unit_a.pk}).status_code == 404


def test_a_key_with_control_characters_is_a_400(api, office, problem):
    r = api(office).post(f"/problems/{problem.pk}/accept", {}, headers={"Idempotency-Key": "a\x01b"})
    assert r.status_code == 400


# ---------------------------------------------------------------- suggestions


def test_the_office_is_suggested_the_units_that_handled_such_problems(
    api, office, replied, unit_a, liaison_a, liaison_b, outsider
):
    suggest.forget()
    fresh = intake.do_accept(office, intake.do_submit(office, submission())[0])
    r = api(office).get(f"/problems/{fresh.pk}/suggestions")
    assert r.status_code == 200, r.content
    units = r.json()["units"]
    assert units[0]["unit"] == unit_a.pk and units[0]["name"] == "市工信委" and 0 < units[0]["score"] <= 1
    assert api(liaison_a).get(f"/problems/{replied.pk}/suggestions").status_code == 403
    assert api(outsider).get(f"/problems/{replied.pk}/suggestions").status_code == 404
    assert api(liaison_a).get(f"/problems/{fresh.pk}/suggestions").status_code == 404


def test_the_whole_loop_through_the_api(api, office, unit_a, liaison_a):
    c = api(office)
    pid = c.post("/problems", {"channel": "tv", "category": "市容环境", "content": "路灯不亮。"}).json()["id"]
    p = Problem.objects.get(pk=pid)
    assert post(api, office, p, "accept").json()["status"] == "accepted"
    assert post(api, office, p, "dispatch", {"unit": unit_a.pk}).status_code == 200
    assert post(api, liaison_a, p, "sign", {"unit": unit_a.pk}).status_code == 200
    assert post(api, liaison_a, p, "progress", {"unit": unit_a.pk, "text": "已报修。"}).status_code == 200
    assert post(api, liaison_a, p, "reply", {"unit": unit_a.pk, "text": "已修复。"}).status_code == 200
    assert post(api, office, p, "visit", {"satisfaction": "satisfied", "solved": True}).status_code == 200
    assert post(api, office, p, "close").json()["status"] == "closed"
    assert post(api, office, p, "expose").json()["hot"]
    assert post(api, office, p, "to-list").status_code == 201
    assert api(liaison_a).get(f"/problems/{pid}").json()["outcome"] == "solved"


STEPS = [
    ("accept", {}),
    ("reject", {"reason": "不属于受理范围"}),
    ("dispatch", {"unit": 1}),
    ("sign", {"unit": 1}),
    ("send-back", {"unit": 1, "reason": "function", "basis": "非本单位职能"}),
    ("rule", {"unit": 1}),
    ("progress", {"unit": 1, "text": "进展"}),
    ("reply", {"unit": 1, "text": "答复"}),
    ("visit", {"satisfaction": "satisfied", "solved": True}),
    ("close", {}),
    ("expose", {}),
    ("to-list", {}),
]


@pytest.mark.parametrize(("step", "body"), STEPS)
def test_a_leader_reads_every_problem_and_writes_nothing(api, dispatched, unit_a, leader, step, body):
    c = api(leader)
    assert c.get(f"/problems/{dispatched.pk}").status_code == 200  # the token's first use recorded
    before = Event.objects.count()
    body = {**body, "unit": unit_a.pk} if "unit" in body else body
    assert c.post(f"/problems/{dispatched.pk}/{step}", body).status_code == 403
    assert Event.objects.count() == before


@pytest.mark.parametrize("who", ["admin", "auditor"])
def test_the_privileged_roles_see_no_problems(api, request, dispatched, who):
    c = api(request.getfixturevalue(who))
    assert c.get("/problems").status_code == 403
    assert c.get(f"/problems/{dispatched.pk}").status_code == 403
