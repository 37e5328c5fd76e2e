"""Progress and indicator actuals roll up from the leaves by weight; no parent figure is typed."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.duties.models import Duty
from luoshi.ledger import rollup, services
from luoshi.ledger.models import Indicator, Task


def test_a_parent_is_the_weighted_mean_of_its_leaves_after_reports(opened, liaison_a, liaison_b, unit_a, unit_b):
    first, second = opened["first"], opened["second"]
    services.do_report_task(
        liaison_a,
        first,
        unit_a,
        progress=60,
        done="隧洞掘进3.2公里",
        indicators=[(first.indicators.get(), Decimal("7.5"))],
    )
    services.do_report_task(liaison_b, second, unit_b, progress=20, done="管网招标完成")
    first.refresh_from_db()
    second.refresh_from_db()
    parent = Task.objects.get(pk=opened["parent"].pk)
    assert first.progress == Decimal(60)
    assert second.progress == Decimal(10)  # unit b 20, co unit a 0
    assert parent.progress == Decimal("47.50")  # (3·60 + 1·10) / 4
    assert first.indicators.get().actual == Decimal("7.5")


def test_a_parent_owes_no_duty_of_its_own(opened):
    assert not Duty.objects.filter(owner_type__model="task", owner_id=opened["parent"].pk).exists()
    assert Duty.objects.filter(owner_type__model="task", owner_id=opened["second"].pk).count() == 2


def test_a_parents_indicator_sums_its_childrens(office, opened, liaison_a, unit_a, programme):
    parent, first = opened["parent"], opened["first"]
    services.do_update_task(
        office,
        parent,
        services.TaskInput(
            programme=programme,
            title=parent.title,
            deadline=parent.deadline,
            leader=parent.leader,
            indicators=[services.IndicatorInput("年度完成投资", "亿元", Decimal(30))],
        ),
        reason="增加投资指标",
    )
    services.do_report_task(
        liaison_a, first, unit_a, progress=50, done="进展", indicators=[(first.indicators.get(), Decimal("8"))]
    )
    assert Indicator.objects.get(task=parent).actual == Decimal("8")


@given(st.lists(st.tuples(st.decimals(0, 100, places=2), st.decimals(0, 100, places=2)), min_size=1, max_size=12))
@settings(max_examples=200)
def test_weighted_is_the_weighted_mean(pairs):
    result = rollup.weighted(pairs)
    total = sum(w for w, _ in pairs)
    expected = sum(w * v for w, v in pairs) / total if total > 0 else sum(v for _, v in pairs) / len(pairs)
    assert abs(result - expected) <= Decimal("0.005")
    assert min(v for _, v in pairs) <= result <= max(v for _, v in pairs)
