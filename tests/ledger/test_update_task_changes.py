"""What do_update_task counts as a change: the stored form of a number, and a move to another programme
(both programmes' counters follow)."""

from decimal import Decimal

from luoshi.events.models import Event
from luoshi.ledger import services
from luoshi.ledger.models import Programme


def same_as(task, **kw) -> services.TaskInput:
    fields = dict(
        programme=task.programme,
        parent=task.parent,
        title=task.title,
        deadline=task.deadline,
        leader=task.leader,
        lead_unit=task.lead_unit,
        co_units=list(task.co_units.all()),
        weight=task.weight,
        report_every_days=task.report_every_days,
    )
    return services.TaskInput(**(fields | kw))


def test_a_weight_sent_as_3_is_the_stored_3_00_and_no_change(office, tree):
    second = tree["second"]
    before = Event.objects.filter(kind="ledger_task.changed").count()
    services.do_update_task(office, second, same_as(second, weight=Decimal("1")))
    assert Event.objects.filter(kind="ledger_task.changed").count() == before


def test_a_real_weight_change_is_recorded(office, tree):
    second = tree["second"]
    services.do_update_task(office, second, same_as(second, weight=Decimal("2.5")))
    changed = Event.objects.filter(kind="ledger_task.changed", subject_id=second.pk).get()
    assert (changed.before["weight"], changed.after["weight"]) == ("1.00", "2.50")


def test_a_task_moved_to_another_programme_leaves_the_old_ones_counter(office, ledger, programme, unit_a):
    task = services.do_create_task(
        office, ledger, services.TaskInput(programme=programme, title="城区路网建设", deadline=ledger_deadline(ledger))
    )
    other = ledger.programmes.exclude(pk=programme.pk).first()
    assert Programme.objects.get(pk=programme.pk).tasks == 1
    services.do_update_task(office, task, same_as(task, programme=other))
    assert Programme.objects.get(pk=programme.pk).tasks == 0
    assert Programme.objects.get(pk=other.pk).tasks == 1


def ledger_deadline(ledger):
    from datetime import date

    return date(ledger.year, 12, 31)
