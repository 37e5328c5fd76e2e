"""Each step of a problem's loop costs a bounded number of queries (the demo's and the hotline's pace follow it)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.public import dispatch, handling, intake
from tests.public.conftest import submission


def test_each_step_costs_a_bounded_number_of_queries(office, unit_a, unit_b, liaison_a):
    steps = {}

    def run(name, fn):
        with CaptureQueriesContext(connection) as ctx:
            out = fn()
        steps[name] = len(ctx.captured_queries)
        return out

    p = run("submit", lambda: intake.do_submit(office, submission())[0])
    run("accept", lambda: intake.do_accept(office, p))
    run("dispatch", lambda: dispatch.do_dispatch(office, p, unit_a.pk))
    run("sign", lambda: handling.do_sign(liaison_a, p, unit_a.pk))
    run("reply", lambda: handling.do_reply(liaison_a, p, unit_a.pk, "已办结"))
    run("visit", lambda: handling.do_visit(office, p, "satisfied", True))
    run("close", lambda: handling.do_close(office, p))
    # A step's queries do not grow with the city: the problem's own rows, its duties, one event each.
    budget = {"submit": 6, "accept": 6, "dispatch": 25, "sign": 16, "reply": 20, "visit": 20, "close": 10}
    assert all(steps[name] <= budget[name] for name in budget), steps
