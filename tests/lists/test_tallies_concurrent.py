"""Writers at the same moment on the same lists keep the figures exact (on PostgreSQL, really at once)."""

from datetime import date, timedelta

import pytest

from luoshi.duties import completion
from luoshi.duties import services as duty_services
from luoshi.lists import changes, figures, queries, tallies
from tests.conftest import NOW
from tests.duties.conftest import publish
from tests.lists.test_concurrency import run_together


def _exact(office) -> None:
    drift = tallies.recount()
    assert drift.clean, drift.rows[:5]
    for today in (date(2026, 3, 10), date(2026, 4, 30)):
        counted = queries.counted_overview(office, None, today)
        counted["per_leader"].sort(key=lambda r: (-r["issued"], r["leader_id"] or 0))
        assert figures.tallied_overview(None, today) == counted


@pytest.mark.django_db(transaction=True)
def test_units_and_the_office_writing_at_once_keep_the_figures_exact(
    office, leader, unit_a, unit_b, unit_c, liaison_a, liaison_b, outsider
):
    lists = [publish(office, unit_a, [unit_b, unit_c], leader=leader, title=f"任务{i}") for i in range(6)]
    later = NOW + timedelta(days=9)

    def reports(liaison, request_completion: bool):
        def run():
            for rlist in lists[2:]:
                duty = rlist.duties.get(unit=liaison.unit)
                duty_services.do_report(
                    liaison, duty, progress=100, done="完成", request_completion=request_completion, now=later
                )

        return run

    run_together(
        reports(liaison_a, True),
        reports(liaison_b, True),
        reports(outsider, False),
        lambda: changes.do_suspend(office, lists[0], "等待政策", now=later),
        lambda: changes.do_cancel(office, lists[1], "事项取消", now=later),
        lambda: changes.do_change_published(office, lists[2], {"deadline": date(2027, 1, 31)}, "计划调整", now=later),
    )
    _exact(office)

    def accept(unit):
        def run():
            for rlist in lists[2:]:
                completion.do_accept(office, rlist.duties.get(unit=unit), now=later)

        return run

    run_together(
        accept(unit_a),
        accept(unit_b),
        lambda: changes.do_resume(office, lists[0], now=later + timedelta(days=1)),
        reports(outsider, True),
    )
    _exact(office)
    assert figures.tallied_overview(None, date(2026, 3, 20))["lists"]["cancelled"] == 1
