"""Any tree, any weights: after the leaves report, every parent's progress is the weighted mean of its
children's, and the ledger's stored figures equal a full recount."""

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.duties.models import Duty
from luoshi.ledger import rollup, services
from luoshi.ledger.models import Task
from tests.ledger.conftest import task_input

# A tree as a list of (parent index or None, weight, progress): each node's parent comes before it.
trees = st.integers(1, 9).flatmap(
    lambda n: st.tuples(
        *[
            st.tuples(
                st.none() if i == 0 else st.one_of(st.none(), st.integers(0, i - 1)),
                st.decimals(0, 10, places=1),
                st.integers(0, 100),
            )
            for i in range(n)
        ]
    )
)


class Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=trees)
def test_every_parent_is_the_weighted_mean_of_its_children(office, liaison_a, unit_a, ledger, programme, tree):
    try:
        with transaction.atomic():
            nodes: list[Task] = []
            for parent, weight, _progress in tree:
                data = task_input(
                    programme,
                    "节点",
                    parent=nodes[parent] if parent is not None else None,
                    lead_unit=unit_a,
                    weight=weight,
                    report_every_days=30,
                )
                nodes.append(services.do_create_task(office, ledger, data))
            services.do_open_ledger(office, ledger)
            for node, (_parent, _weight, progress) in zip(nodes, tree, strict=True):
                node.refresh_from_db()
                if not node.children.exists():
                    services.do_report_task(liaison_a, node, unit_a, progress=progress, done="进展")
            stored = {t.pk: t for t in Task.objects.filter(ledger=ledger)}
            for t in stored.values():
                kids = [k for k in stored.values() if k.parent_id == t.pk]
                if kids:
                    assert t.progress == rollup.weighted([(k.weight, k.progress) for k in kids])
                    assert not Duty.objects.filter(owner_type__model="task", owner_id=t.pk, status="open").exists()
                else:
                    assert t.progress == Decimal(tree[[n.pk for n in nodes].index(t.pk)][2])
            before = {(t.pk, t.progress, t.forecast, t.working_due) for t in stored.values()}
            rollup.refresh_ledger(ledger.pk)
            after = {(t.pk, t.progress, t.forecast, t.working_due) for t in Task.objects.filter(ledger=ledger)}
            assert before == after
            raise Rollback
    except Rollback:
        pass
