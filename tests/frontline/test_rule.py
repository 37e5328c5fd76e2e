"""The frontline rules as pure functions: a leader's month, a period's totals, main leaders, the promotion
rule and a placement's state."""

from datetime import date

import pytest

from luoshi.frontline.rule import (
    ENDED,
    NO_FRONTLINE_POST,
    OVERDUE,
    PLACEMENT_UNFINISHED,
    RUNNING,
    Entry,
    Post,
    Rule,
    check_candidate,
    in_last_week,
    is_main_leader,
    month_compliance,
    period_totals,
    placement_state,
)

RULE = Rule(grassroots_days=5, supervised_days=2)
FRONTLINE = ("inspection", "stability", "petitions", "assistance", "investment", "major_project")


def grassroots(day: date, days: int = 1) -> Entry:
    return Entry(day, days, "grassroots")


def supervised(day: date, days: int = 1) -> Entry:
    return Entry(day, days, "supervised_unit")


def test_a_month_with_five_grassroots_days_and_two_at_supervised_units_meets_the_rule():
    entries = [grassroots(date(2026, 2, d)) for d in (2, 4, 9, 11, 16)] + [
        supervised(date(2026, 2, d)) for d in (3, 10)
    ]
    m = month_compliance(entries, 2026, 2, RULE)
    assert (m.grassroots_days, m.supervised_days, m.total_days, m.ok) == (5, 2, 7, True)
    assert (m.grassroots_short, m.supervised_short) == (0, 0)


def test_a_day_counts_once_whatever_the_number_of_entries_per_kind_and_in_the_total():
    day = date(2026, 2, 10)
    entries = [grassroots(day), grassroots(day), grassroots(day), supervised(day), supervised(day)]
    m = month_compliance(entries, 2026, 2, RULE)
    assert (m.grassroots_days, m.supervised_days) == (1, 1)
    assert m.total_days == 1  # one day at the frontline, of two kinds
    assert (m.grassroots_short, m.supervised_short, m.ok) == (4, 1, False)


def test_a_multi_day_trip_counts_each_of_its_days():
    m = month_compliance([grassroots(date(2026, 2, 9), days=5)], 2026, 2, RULE)
    assert m.grassroots_days == 5 and m.kinds_on(date(2026, 2, 13)) == ["grassroots"]


def test_overlapping_trips_count_their_days_once():
    entries = [grassroots(date(2026, 2, 9), days=3), grassroots(date(2026, 2, 10), days=3)]
    assert month_compliance(entries, 2026, 2, RULE).grassroots_days == 4  # 9, 10, 11, 12


def test_a_trip_across_a_month_boundary_counts_in_each_month():
    trip = grassroots(date(2026, 1, 29), days=6)  # 29, 30, 31 January; 1, 2, 3 February
    assert month_compliance([trip], 2026, 1, RULE).grassroots_days == 3
    assert month_compliance([trip], 2026, 2, RULE).grassroots_days == 3
    assert month_compliance([trip], 2026, 3, RULE).grassroots_days == 0


def test_a_trip_across_the_year_end_counts_in_december_and_january():
    trip = supervised(date(2025, 12, 30), days=4)
    assert month_compliance([trip], 2025, 12, RULE).supervised_days == 2
    assert month_compliance([trip], 2026, 1, RULE).supervised_days == 2


def test_a_leap_february_has_29_days_to_count():
    trip = grassroots(date(2028, 2, 27), days=4)  # 27, 28, 29 February; 1 March
    assert month_compliance([trip], 2028, 2, RULE).grassroots_days == 3


def test_project_site_days_count_in_the_total_but_not_against_the_rule():
    entries = [Entry(date(2026, 2, d), 1, "project_site") for d in range(2, 12)]
    m = month_compliance(entries, 2026, 2, RULE)
    assert (m.project_days, m.total_days, m.ok) == (10, 10, False)


def test_the_rule_is_configurable():
    entries = [grassroots(date(2026, 2, 2)), supervised(date(2026, 2, 3))]
    assert month_compliance(entries, 2026, 2, Rule(1, 1)).ok
    assert not month_compliance(entries, 2026, 2, Rule(2, 1)).ok


def test_a_period_counts_trips_with_a_day_in_it_and_distinct_days():
    entries = [
        grassroots(date(2026, 6, 29), days=3),  # 29, 30 June; 1 July: a trip in both halves
        grassroots(date(2026, 6, 30)),  # the same day again
        supervised(date(2026, 3, 2)),
        grassroots(date(2026, 7, 6)),
    ]
    first_half = period_totals(entries, date(2026, 1, 1), date(2026, 6, 30))
    second_half = period_totals(entries, date(2026, 7, 1), date(2026, 12, 31))
    assert (first_half.trips, first_half.days) == (3, 3)  # 29 and 30 June, 2 March
    assert (second_half.trips, second_half.days) == (2, 2)  # 1 and 6 July


@pytest.mark.parametrize(
    ("title", "main"),
    [
        ("市委副书记、市长", True),
        ("市委书记", True),
        ("市长", True),
        ("副市长", False),
        ("市委副书记", False),
        ("市委常委、常务副市长", False),
        ("", False),
    ],
)
def test_main_leaders_hold_the_party_secretary_or_mayor_post(title, main):
    assert is_main_leader(title, ("市委书记", "市长")) is main


@pytest.mark.parametrize(
    ("today", "last_week"),
    [(date(2026, 3, 24), False), (date(2026, 3, 25), True), (date(2026, 3, 31), True), (date(2026, 2, 22), True)],
)
def test_the_last_week_is_the_months_last_seven_days(today, last_week):
    assert in_last_week(today) is last_week


# -- the promotion rule --------------------------------------------------------------------------------

TODAY = date(2026, 3, 2)


def test_a_candidate_who_held_a_frontline_post_is_eligible():
    history = [
        Post("general", date(2015, 7, 1), date(2019, 6, 30)),
        Post("petitions", date(2019, 7, 1), date(2021, 12, 31)),
    ]
    assert check_candidate(history, TODAY, FRONTLINE).eligible


def test_holding_a_frontline_post_now_counts():
    assert check_candidate([Post("stability", date(2025, 9, 1))], TODAY, FRONTLINE).eligible


def test_a_candidate_with_general_posts_only_lacks_a_frontline_post():
    history = [Post("general", date(2012, 7, 1), date(2020, 1, 1)), Post("general", date(2020, 1, 2))]
    check = check_candidate(history, TODAY, FRONTLINE)
    assert (check.eligible, check.missing) == (False, [NO_FRONTLINE_POST])
    assert check_candidate([], TODAY, FRONTLINE).missing == [NO_FRONTLINE_POST]


def test_a_frontline_post_that_begins_later_does_not_count_yet():
    assert not check_candidate([Post("inspection", date(2026, 4, 1))], TODAY, FRONTLINE).eligible


def test_the_frontline_categories_are_a_setting():
    history = [Post("general", date(2019, 1, 1), date(2020, 1, 1))]
    assert check_candidate(history, TODAY, ("general",)).eligible
    assert not check_candidate([Post("petitions", date(2019, 1, 1))], TODAY, ("inspection",)).eligible


def test_a_placement_counts_once_it_has_ended():
    running = Post("assistance", date(2025, 3, 1), None, placement=True, planned_end=date(2026, 3, 1))
    check = check_candidate([running], TODAY, FRONTLINE)
    assert (check.eligible, check.missing) == (False, [PLACEMENT_UNFINISHED])
    ended = Post("assistance", date(2025, 3, 1), date(2026, 2, 28), placement=True, planned_end=date(2026, 3, 1))
    assert check_candidate([ended], TODAY, FRONTLINE).eligible


def test_a_placement_is_running_overdue_or_ended():
    assert placement_state(None, date(2026, 3, 2), TODAY) == RUNNING
    assert placement_state(None, date(2026, 3, 1), TODAY) == OVERDUE
    assert placement_state(date(2026, 2, 1), date(2026, 3, 1), TODAY) == ENDED
