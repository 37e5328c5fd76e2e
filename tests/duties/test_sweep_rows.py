"""The sweep writes, in bulk, exactly the rows it wrote one model instance at a time: episodes,
numbered steps, events, inbox rows in both languages, and deliveries on the chosen channels."""

import json
import os
from datetime import date

import pytest

from luoshi.duties.models import Duty, Episode, Escalation
from luoshi.events.models import Event
from luoshi.lists.models import ResponsibilityList
from luoshi.notify.models import Channel, Delivery, Notification, Preference
from luoshi.org.models import Person
from tests.conftest import make_person
from tests.duties.conftest import at, publish

SNAPSHOT = os.path.join(os.path.dirname(__file__), "sweep_rows.json")


@pytest.fixture
def city(office, leader, unit_a, unit_b, unit_c, liaison_a, head_a, liaison_b):
    """Three lists late in different ways; mail and a group robot set up; one person narrows the urge to mail."""
    make_person("head_b", ["unit_head"], unit_b, email="head_b@example.gov.cn")
    make_person("liaison_c", ["liaison"], unit_c, email="c@example.gov.cn")
    make_person("head_c", ["unit_head", "liaison"], unit_c, phone="13800000003")
    make_person("office2", ["office"], email="office2@example.gov.cn")
    make_person("gone", ["liaison"], unit_a, is_active=False, email="gone@example.gov.cn")
    liaison_a.email = "a@example.gov.cn"
    liaison_a.save()
    Channel.objects.create(kind="email", name="mail")
    Channel.objects.create(kind="wecom", name="robot", url="http://127.0.0.1:9/robot")
    Preference.objects.create(
        person=liaison_a, kind="escalation.urge", channels=["wecom"], updated_at=at(date(2026, 3, 2))
    )
    publish(office, unit_a, [unit_b], leader=leader, title="推进兰州新区产业园区建设")  # report due Mon 03-09
    publish(office, unit_c, title="老旧小区改造", deadline=date(2026, 3, 6), every=30)  # deadline Fri 03-06
    publish(office, unit_c, [unit_a], title="第二水源地", every=14)  # report due Mon 03-16
    publish(office, unit_b, title="未到期", every=60)


def rows() -> dict:
    """Everything the sweeps wrote, with ids replaced by what they stand for."""
    duty = {d.pk: f"{d.code}/{d.unit.name}" for d in Duty.objects.select_related("unit")}
    code = dict(ResponsibilityList.objects.values_list("pk", "code"))
    who = dict(Person.objects.values_list("pk", "username"))
    steps = {e.pk: f"{duty[e.duty_id]}/{e.step}" for e in Escalation.objects.all()}
    out: dict[str, list] = {}
    out["episodes"] = sorted(
        [duty[e.duty_id], e.unit.name, e.kind, str(e.due_date), e.last_step, e.opened_at.isoformat(), e.closed_at]
        for e in Episode.objects.select_related("unit")
    )
    out["escalations"] = [
        [
            *(duty[e.duty_id], e.episode.kind, e.unit.name, e.step, e.number, e.created_at.isoformat(), e.manual),
            *(e.created_by_id, str(e.due_date), e.days_overdue, str(e.respond_by), e.handled_at, e.handled_note),
        ]
        for e in Escalation.objects.select_related("unit", "episode").order_by("pk")
    ]
    out["events"] = [
        [
            *(
                e.at.isoformat(),
                e.actor_id,
                e.kind,
                e.subject_type,
                code[e.subject_id],
                e.unit.name if e.unit else None,
            ),
            *(e.before, {**e.after, "escalation": steps.get(e.after.get("escalation")), "duty": duty[e.after["duty"]]}),
            e.note,
        ]
        for e in Event.objects.filter(kind__startswith="escalation.").select_related("unit").order_by("pk")
    ]
    urls = {f"/lists/{pk}/": f"/lists/{c}/" for pk, c in code.items()}
    out["notifications"] = [
        [
            who[n.recipient_id],
            n.kind,
            n.title,
            n.body,
            urls.get(n.url, n.url),
            n.created_at.isoformat(),
            n.read_at,
            n.texts,
        ]
        for n in Notification.objects.order_by("pk")
    ]
    out["deliveries"] = [
        [
            *(d.channel.kind, who[d.notification.recipient_id], d.to, d.subject, d.text, d.status, d.attempts),
            *(d.next_attempt_at.isoformat(), d.created_at.isoformat(), d.sent_at),
        ]
        for d in Delivery.objects.select_related("channel", "notification").order_by("pk")
    ]
    return json.loads(json.dumps(out, default=str))


def test_the_bulk_sweep_writes_the_rows_the_one_by_one_sweep_wrote(city):
    from luoshi.duties.sweep import sweep

    counts = [sweep(at(date(2026, 3, day))) for day in (5, 9, 10, 12, 16, 17, 24)]
    counts.append(sweep(at(date(2026, 3, 24), 15)))  # the same day again: nothing new
    result = {"counts": counts, **rows()}
    if os.environ.get("SWEEP_SNAPSHOT"):
        with open(SNAPSHOT, "w") as f:
            json.dump(result, f, ensure_ascii=False, indent=1)
    with open(SNAPSHOT) as f:
        expected = json.load(f)
    for key in expected:
        assert result[key] == expected[key], key


def test_bulk_rows_take_the_defaults_an_instance_would_and_return_their_ids_in_order(unit_a):
    from luoshi import bulk

    now = at(date(2026, 3, 2))
    ids = bulk.insert(
        Event,
        ["kind", "subject_type", "subject_id", "after"],
        [("x.one", "list", 1, {"n": 1}), ("x.two", "list", 2, {"n": [2, "二"]}), ("x.three", "list", 3, {})],
        fixed={"at": now, "unit_id": unit_a.pk},
        returning=True,
    )
    rows = Event.objects.filter(pk__in=ids).values_list("pk", "kind", "after", "before", "note", "actor_id", "unit_id")
    assert sorted(rows) == [
        (ids[0], "x.one", {"n": 1}, {}, "", None, unit_a.pk),
        (ids[1], "x.two", {"n": [2, "二"]}, {}, "", None, unit_a.pk),
        (ids[2], "x.three", {}, {}, "", None, unit_a.pk),
    ]
    assert Event.objects.get(pk=ids[0]).at == now
    assert bulk.insert(Event, ["kind"], [], returning=True) == []
