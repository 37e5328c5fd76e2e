"""The summary figures (lists.tallies) equal a recount from the facts after every kind of write, and
the overview read from them equals the overview counted from the lists, on any day."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luoshi.duties import completion
from luoshi.duties import services as duty_services
from luoshi.duties.models import Duty, DutyStatus, Extension
from luoshi.errors import Conflict, InvalidInput, NotAllowed, NotFound
from luoshi.events.models import Tally
from luoshi.lists import changes, drafts, figures, queries, services, tallies
from luoshi.lists.completion import do_close
from luoshi.lists.models import ResponsibilityList
from tests.conftest import NOW

OPS = (
    "create",
    "publish",
    "report",
    "request_completion",
    "accept",
    "return",
    "extend",
    "close",
    "suspend",
    "resume",
    "cancel",
    "add_unit",
    "withdraw_unit",
    "transfer",
    "move_deadline",
    "delete_draft",
    "wait",
)


def _overviews_agree(office, days) -> None:
    for today in days:
        for year in (None, NOW.year):
            counted = queries.counted_overview(office, year, today)
            counted["per_leader"].sort(key=lambda r: (-r["issued"], r["leader_id"] or 0))
            assert figures.tallied_overview(year, today) == counted
    assert figures.tallied_status_counts() == queries.status_counts(queries.visible_lists(office))


class City:
    """The fixture city and a clock that only moves forward."""

    def __init__(self, office, leader, units, liaisons):
        self.office, self.leader, self.units, self.liaisons = office, leader, units, liaisons
        self.now = NOW

    def duty(self, rlist: ResponsibilityList, unit_index: int) -> Duty | None:
        return rlist.duties.filter(unit=self.units[unit_index]).exclude(status=DutyStatus.WITHDRAWN).first()

    def apply(self, op: str, list_index: int, unit_index: int, number: int) -> None:
        lists = list(ResponsibilityList.objects.order_by("pk"))
        rlist = lists[list_index % len(lists)] if lists else None
        office, now, unit = self.office, self.now, self.units[unit_index]
        liaison = self.liaisons[unit_index]
        if op == "wait":
            self.now += timedelta(days=number)
        elif op == "create" or rlist is None:
            services.do_create_list(
                office,
                source=("instruction", "meeting", "work_point")[number % 3],
                title=f"第{number}项工作",
                content="按要求落实。",
                leader=self.leader if number % 2 else None,
                lead_unit=unit,
                co_units=[u for u in self.units if u != unit][: number % 3],
                deadline=now.date() + timedelta(days=number),
                report_every_days=7,
                now=now,
            )
        elif op == "publish":
            services.do_publish(office, rlist, now=now)
        elif op == "close":
            do_close(office, rlist, now=now)
        elif op == "suspend":
            changes.do_suspend(office, rlist, "等待上级政策", now=now)
        elif op == "resume":
            changes.do_resume(office, rlist, now=now)
        elif op == "cancel":
            changes.do_cancel(office, rlist, "事项取消", now=now)
        elif op == "add_unit":
            changes.do_add_unit(office, rlist, unit, reason="增加协办", now=now)
        elif op == "withdraw_unit":
            changes.do_withdraw_unit(office, rlist, unit, "不再承办", now=now)
        elif op == "transfer":
            other = self.units[(unit_index + 1) % len(self.units)]
            changes.do_transfer(office, rlist, unit, other, "职责调整", now=now)
        elif op == "move_deadline":
            changes.do_change_published(
                office, rlist, {"deadline": rlist.deadline + timedelta(days=number)}, "计划调整", now=now
            )
        elif op == "delete_draft":
            drafts.do_delete_draft(office, rlist, now=now)
        elif (duty := self.duty(rlist, unit_index)) is not None:
            self.apply_to_duty(op, duty, liaison, number)

    def apply_to_duty(self, op: str, duty: Duty, liaison, number: int) -> None:
        office, now = self.office, self.now
        if op in ("report", "request_completion"):
            duty_services.do_report(
                liaison,
                duty,
                progress=min(100, 10 * number),
                done="推进中",
                request_completion=op == "request_completion",
                now=now,
            )
        elif op == "accept":
            completion.do_accept(office, duty, now=now)
        elif op == "return":
            completion.do_return(office, duty, "材料不全", now=now)
        elif op == "extend":
            ext = completion.do_request_extension(
                liaison, duty, duty.deadline + timedelta(days=number), "工期紧", now=now
            )
            completion.do_decide_extension(office, Extension.objects.get(pk=ext.pk), number % 2 == 0, now=now)


steps = st.lists(
    st.tuples(st.sampled_from(OPS), st.integers(0, 3), st.integers(0, 2), st.integers(1, 40)),
    min_size=1,
    max_size=30,
)


@pytest.mark.django_db
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_the_figures_equal_a_recount_after_any_sequence_of_writes(
    steps, office, leader, unit_a, unit_b, unit_c, liaison_a, liaison_b, outsider
):
    with transaction.atomic():
        city = City(office, leader, [unit_a, unit_b, unit_c], [liaison_a, liaison_b, outsider])
        for op, list_index, unit_index, number in steps:
            try:
                with transaction.atomic():
                    city.apply(op, list_index, unit_index, number)
            except (Conflict, InvalidInput, NotAllowed, NotFound):
                pass  # a refused write changes nothing, figures included
            drift = tallies.recount()
            assert drift.clean, (op, drift.rows[:3])
        today = city.now.date()
        _overviews_agree(office, [today - timedelta(days=20), today, today + timedelta(days=45)])
        transaction.set_rollback(True)


def test_the_overview_of_the_office_is_read_from_the_tallies(office, published_list, django_assert_num_queries):
    # Three queries (tally rows, leaders' names, units' names), however many lists there are.
    with django_assert_num_queries(3):
        figures.tallied_overview(None, date(2026, 3, 20))
    assert queries.overview(office, None, date(2026, 3, 20))["lists"]["in_progress"] == 1


def test_recount_reports_drift_and_fix_repairs_it(office, published_list, capsys):
    Tally.objects.filter(kind=tallies.LISTS).update(n=7)
    with pytest.raises(CommandError):
        call_command("recount")
    out = capsys.readouterr().out
    assert "drift list year=2026" in out and "stored 7, from the facts 1" in out
    call_command("recount", "--fix")
    call_command("recount")
    assert "figures: exact" in capsys.readouterr().out
    assert figures.tallied_status_counts()["in_progress"] == 1


def test_a_deleted_draft_leaves_no_figures(office, draft_list):
    assert figures.tallied_status_counts()["draft"] == 1
    drafts.do_delete_draft(office, draft_list, now=NOW)
    assert figures.tallied_status_counts()["all"] == 0
    assert tallies.recount().clean


def test_the_office_filter_choices_come_from_the_tallies_and_match_the_lists(
    office, leader, published_list, draft_list, unit_c, django_assert_num_queries
):
    from luoshi.lists import filters

    changes.do_add_unit(office, published_list, unit_c, reason="增加协办", now=NOW)
    changes.do_withdraw_unit(office, published_list, unit_c, "不再承办", now=NOW)
    with django_assert_num_queries(5):  # three tally reads, the leaders, the units
        options = filters.FilterOptions.for_person(office)
    visible = queries.visible_lists(office)
    units = set(
        Duty.objects.filter(owner_id__in=visible.values("pk")).values_list("unit_id", flat=True).distinct()
    )
    assert {u.pk for u in options.units} == units and unit_c.pk in units
    assert [p.pk for p in options.leaders] == [leader.pk]
    assert options.years == [NOW.year]
