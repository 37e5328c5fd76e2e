"""The engine is generic: a second owner kind, registered by this test only, is urged by the same sweep
under its own policy, ranked by the same league table, listed by the same API and reminded to sign."""

from datetime import date

import pytest
import time_machine

from luoshi.duties import owners
from luoshi.duties.models import Escalation, Policy, Step
from luoshi.duties.queries import league
from luoshi.duties.signing import SIGN_REMINDER
from luoshi.duties.sweep import sweep
from luoshi.events.models import Event
from luoshi.notify.models import Notification
from tests.duties.conftest import at, publish
from tests.duties.errands import KIND, errand, errand_duty, errand_url  # noqa: F401


@pytest.fixture
def scene(errand, office, unit_a, unit_b, liaison_a, head_a, liaison_b):  # noqa: F811
    """unit_a owes an errand, unit_b a weekly list: both first reports due Mon 03-09. The errands' own
    policy orders after 1 working day overdue (the lists' after 3) and lights red after 2 days."""
    Policy.objects.create(owner_kind=KIND, order_after_workdays=1, light_red_after_days=2)
    Policy.forget()
    duty = errand_duty(unit_a, "代办跑腿事项")
    rlist = publish(office, unit_b)
    return duty, rlist


def test_the_registry_knows_the_second_kind(scene):
    duty, rlist = scene
    assert owners.kinds()[0] == "list" and owners.kinds()[-1] == KIND
    assert duty.owner_kind == KIND and owners.url_of(duty) == errand_url(duty.owner_id)
    assert rlist.duties.get().owner_kind == "list"


def test_the_same_sweep_urges_its_duties_under_its_own_policy(scene, liaison_a, head_a, unit_b):
    duty, _rlist = scene
    sweep(at(date(2026, 3, 10)))
    assert set(Escalation.objects.filter(duty=duty).values_list("step", flat=True)) == {Step.URGE}
    urge = Notification.objects.get(recipient=liaison_a, kind="escalation.urge")
    assert urge.url == errand_url(duty.owner_id) and duty.code in urge.title
    assert Notification.objects.filter(recipient=head_a, kind="escalation.urge", url=urge.url).exists()
    event = Event.objects.get(kind="escalation.urge", subject_type=KIND)
    assert event.subject_id == duty.owner_id and event.after["duty"] == duty.pk
    # Wed 03-11, 2 working days overdue: the errand's order (M=1); the list waits for its own M=3
    sweep(at(date(2026, 3, 11)))
    assert Escalation.objects.filter(duty=duty, step=Step.ORDER).exists()
    assert not Escalation.objects.filter(unit=unit_b, step=Step.ORDER).exists()
    assert Notification.objects.get(recipient=head_a, kind="escalation.order").url == errand_url(duty.owner_id)


def test_an_unsigned_errand_is_reminded_with_its_own_url(scene, liaison_a):
    duty, _rlist = scene
    sweep(at(date(2026, 3, 3), 10))
    assert Notification.objects.get(recipient=liaison_a, kind=SIGN_REMINDER).url == errand_url(duty.owner_id)


def test_the_same_league_table_ranks_its_unit(scene, unit_a, unit_b):
    sweep(at(date(2026, 3, 10)))
    sweep(at(date(2026, 3, 11)))

    def rows(kind: str) -> dict[int, dict]:
        return {r["unit"]: r for r in league(date(2026, 1, 1), date(2026, 3, 31), date(2026, 3, 11), owner_kind=kind)}

    errands, lists, every = rows(KIND), rows("list"), rows("")
    assert (errands[unit_a.pk]["urges"], errands[unit_a.pk]["orders"], errands[unit_a.pk]["overdue_now"]) == (1, 1, 1)
    assert (errands[unit_b.pk]["urges"], errands[unit_b.pk]["overdue_now"]) == (0, 0)
    assert (lists[unit_a.pk]["urges"], lists[unit_b.pk]["urges"]) == (0, 1)
    assert (every[unit_a.pk]["urges"], every[unit_b.pk]["urges"]) == (1, 1)


def test_the_same_api_lists_its_duties_with_its_lights(scene, api, office, liaison_a, liaison_b):
    duty, _rlist = scene
    with time_machine.travel(at(date(2026, 3, 12)), tick=False):
        (item,) = api(office).get("/duties", owner_kind=KIND).json()["items"]
        assert (item["id"], item["owner_kind"], item["owner_id"]) == (duty.pk, KIND, duty.owner_id)
        assert item["url"] == errand_url(duty.owner_id)
        assert item["light"] == "red"  # 3 days overdue: red for errands (2), yellow for lists (7)
        assert [i["light"] for i in api(office).get("/duties", owner_kind="list").json()["items"]] == ["yellow"]
        assert [i["id"] for i in api(office).get("/duties", light="red").json()["items"]] == [duty.pk]
        assert [i["id"] for i in api(liaison_a).get("/duties").json()["items"]] == [duty.pk]
        assert api(liaison_b).get("/duties", owner_kind=KIND).json()["count"] == 0
