"""Two units reporting at the same moment, and a double-clicked submit: nothing lost, nothing doubled."""

import threading

import pytest
from django.db import connection

from luoshi.duties import services as duty_services
from luoshi.duties.models import Report
from luoshi.events.models import Event
from tests.conftest import NOW


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call):
        try:
            barrier.wait()
            call()
        except BaseException as e:
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_two_units_reporting_at_the_same_moment_both_land(published_list, liaison_a, liaison_b):
    ob_a = published_list.duties.get(unit=liaison_a.unit)
    ob_b = published_list.duties.get(unit=liaison_b.unit)
    run_together(
        lambda: duty_services.do_report(liaison_a, ob_a, progress=30, done="A", now=NOW),
        lambda: duty_services.do_report(liaison_b, ob_b, progress=40, done="B", now=NOW),
    )
    ob_a.refresh_from_db()
    ob_b.refresh_from_db()
    assert (ob_a.progress, ob_b.progress) == (30, 40)
    assert Report.objects.count() == 2
    assert Event.objects.filter(kind="report.filed").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_double_clicked_submit_stores_one_report(published_list, liaison_a):
    ob_a = published_list.duties.get(unit=liaison_a.unit)

    def submit():
        duty_services.do_report(liaison_a, ob_a, progress=50, done="同一次提交", submission_key="click-1", now=NOW)

    run_together(submit, submit, submit)
    assert Report.objects.count() == 1
    assert Event.objects.filter(kind="report.filed").count() == 1
