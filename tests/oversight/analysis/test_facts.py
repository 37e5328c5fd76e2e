"""The facts a ranking counts are read from what is stored, for the period only, in a fixed number of
queries whatever the number of units and rows."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from luoshi.oversight import analysis
from tests.oversight.analysis.conftest import DEADLINE, END, START, publish, steps


def test_a_unit_late_all_month_counts_each_day_past_its_deadline(city):
    facts = analysis.gather(START, END)[city.unit_a.pk]
    assert facts["late_days"] == (END - DEADLINE).days  # 03-13 … 03-31
    assert facts["overdue_reports"] == 1  # due 03-09, never filed


def test_work_finished_late_counts_the_days_until_it_was_finished_and_the_late_report(city):
    facts = analysis.gather(START, END)[city.unit_b.pk]
    assert facts["late_days"] == 6  # 03-13 … 03-18, the day it asked for the completion accepted
    assert facts["overdue_reports"] == 1  # filed 03-18, due 03-09


def test_urges_and_orders_are_the_steps_the_unit_received_in_the_period(city):
    facts = analysis.gather(START, END)[city.unit_a.pk]
    assert facts["urges"] == steps(city.unit_a, "urge") > 0
    assert facts["orders"] == steps(city.unit_a, "order") > 0


def test_only_findings_past_their_deadline_and_not_closed_by_the_periods_end_count(city):
    facts = analysis.gather(START, END)
    assert facts[city.unit_a.pk]["unrectified_findings"] == 1  # one closed in March, one not yet due
    assert facts[city.unit_c.pk]["unrectified_findings"] == 1  # closed only in April: open at the period's end


def test_talks_count_within_the_period_and_only_those_recording_their_cause(city):
    facts = analysis.gather(START, END)
    assert facts[city.unit_c.pk]["talks"] == 1  # not the one of 03-21 without a cause (an imported batch's)
    assert facts[city.unit_b.pk]["talks"] == 0


def test_a_unit_without_facts_has_zeros_and_the_offices_are_not_ranked(city):
    facts = analysis.gather(START, END)
    assert facts[city.quiet.pk] == analysis.zero_facts()
    assert not [pk for pk in facts if pk not in analysis.ranked_units().values_list("pk", flat=True)]


def test_another_period_counts_other_facts(city):
    facts = analysis.gather(date(2026, 4, 1), date(2026, 4, 30))
    assert facts[city.unit_c.pk]["talks"] == 1  # the talk of 04-05
    assert facts[city.unit_b.pk]["late_days"] == 0


def test_gathering_costs_the_same_queries_for_many_units_and_rows(city, office, unit_a, unit_b, unit_c):
    with CaptureQueriesContext(connection) as few:
        analysis.gather(START, END)
    for i in range(5):
        publish(office, unit_a, [unit_b, unit_c], title=f"更多任务{i}", deadline=DEADLINE)
    with CaptureQueriesContext(connection) as many:
        gathered = analysis.gather(START, END)
    assert len(many) == len(few) == 7
    assert gathered[city.unit_c.pk]["late_days"] == 5 * (END - DEADLINE).days
