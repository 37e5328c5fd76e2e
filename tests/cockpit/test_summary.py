"""The year in figures: each figure counted from records built here (inside the period and just outside it),
the API's exact shape and its 400s, who may read it, the page with a link from each figure, and a constant
number of queries."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from luoshi.cockpit import summary
from luoshi.cockpit.views_summary import FIGURES, links
from luoshi.frontline.models import Fieldwork
from luoshi.ledger import services as ledger
from luoshi.ledger.models import Task
from luoshi.ledger.services import IndicatorInput, TaskInput
from luoshi.lists import changes
from luoshi.oversight.models import Accountability, Finding, FindingCategory, InspectedUnit, Inspection
from luoshi.oversight.models_cases import Talk, Violation
from luoshi.public.models import Broadcast, Category, Problem, Programme, Status
from tests.cockpit.drill import drill_count
from tests.conftest import NOW, SHANGHAI, ApiClient, english, make_person
from tests.lists.test_index import close_list, make_list

pytestmark = pytest.mark.django_db
YEAR = NOW.year
HALF = summary.Period(date(YEAR, 1, 1), date(YEAR, 6, 30))
URL = "/stats/summary"
PAGE = reverse("cockpit:summary")


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), SHANGHAI)


# ---------------------------------------------------------------- the records


@pytest.fixture
def lists(office, leader, unit_a, unit_b, liaison_a, liaison_b):
    liaisons = {unit_a.pk: liaison_a, unit_b.pk: liaison_b}
    done = make_list(office, title="已完成", lead_unit=unit_a, leader=leader)
    close_list(office, done, liaisons, at=NOW + timedelta(days=5))
    late = make_list(office, title="期末后完成", lead_unit=unit_b, leader=leader)  # in progress on 06-30
    close_list(office, late, liaisons, at=at(date(YEAR, 7, 10)))
    make_list(office, title="推进中", lead_unit=unit_a, leader=leader)
    cancelled = make_list(office, title="已撤销", lead_unit=unit_b, leader=leader)
    changes.do_cancel(office, cancelled, reason="新规划已覆盖", now=NOW + timedelta(days=1))
    make_list(office, title="草稿", lead_unit=unit_a, leader=leader, publish=False)
    make_list(office, title="去年的清单", lead_unit=unit_a, leader=leader, at=at(date(YEAR - 1, 11, 2)))


def _task(office, book, programme, title, unit=None, parent=None, names=(), **kw) -> Task:
    inds = [IndicatorInput(name=n, measure="亿元", target=Decimal(1000)) for n in names]
    data = TaskInput(
        programme=programme, title=title, deadline=date(YEAR, 12, 31), parent=parent, lead_unit=unit,
        report_every_days=30 if unit else None, indicators=inds, **kw,
    )  # fmt: skip
    return ledger.do_create_task(office, book, data, now=at(date(YEAR, 1, 5)))


@pytest.fixture
def books(office, leader, unit_a, unit_b, liaison_a, liaison_b):
    """Investment by two units (reported in March, in May and in July), fixed assets by one, and a fair's own
    signing (签约总投资 too, not counted); and a task entered after the period."""
    book = ledger.do_create_ledger(office, year=YEAR, title=f"{YEAR}年总台账", now=at(date(YEAR, 1, 4)))
    programme = book.programmes.first()
    names = (summary.SIGNED, summary.SIGNED_TOTAL, summary.FUNDS)
    top = _task(office, book, programme, "招商引资", names=names, leader=leader)
    a = _task(office, book, programme, "甲招商", unit_a, top, names, leader=leader)
    b = _task(office, book, programme, "乙招商", unit_b, top, names, leader=leader)
    fixed = _task(office, book, programme, "固投", names=(summary.FIXED_ASSETS,), leader=leader)
    fa = _task(office, book, programme, "甲固投", unit_a, fixed, (summary.FIXED_ASSETS,), leader=leader)
    fair = _task(office, book, programme, "兰洽会", unit_b, names=(summary.SIGNED_TOTAL,), leader=leader)
    ledger.do_open_ledger(office, book, now=at(date(YEAR, 1, 6)))
    ledger.do_create_task(
        office,
        book,
        TaskInput(programme=programme, title="下半年新增", deadline=date(YEAR, 12, 31), leader=leader),
        reason="下半年新增任务",
        now=at(date(YEAR, 7, 2)),
    )

    def report(who, task, unit, day, *values: str) -> None:
        pairs = list(zip(task.indicators.order_by("position", "pk"), map(Decimal, values), strict=True))
        ledger.do_report_task(who, task, unit, progress=50, done="进展", indicators=pairs, now=at(day))

    report(liaison_a, a, unit_a, date(YEAR, 3, 10), "10", "20.5", "5.25")
    report(liaison_a, a, unit_a, date(YEAR, 5, 10), "30", "60.10", "20.00")  # cumulative: the later one counts
    report(liaison_b, b, unit_b, date(YEAR, 4, 10), "7", "14.00", "3.03")
    report(liaison_a, a, unit_a, date(YEAR, 7, 10), "50", "99.00", "40.00")  # after the period
    report(liaison_a, fa, unit_a, date(YEAR, 6, 30), "12.34")
    report(liaison_b, fair, unit_b, date(YEAR, 6, 1), "500")
    return {"book": book, "a": a}


@pytest.fixture
def oversight(office, unit_a, unit_b, unit_c, liaison_a, head_a):
    inspection = Inspection.objects.create(
        code=f"{YEAR}-DC-001", title="专项督查", leader=office, period_from=date(YEAR, 3, 2),
        period_to=date(YEAR, 3, 10), created_by=office, created_at=NOW,
    )  # fmt: skip
    for unit in (unit_a, unit_b):
        InspectedUnit.objects.create(inspection=inspection, unit=unit)
    later = Inspection.objects.create(
        code=f"{YEAR}-DC-002", title="下半年督查", leader=office, period_from=date(YEAR, 9, 1),
        period_to=date(YEAR, 9, 10), created_by=office, created_at=NOW,
    )  # fmt: skip
    InspectedUnit.objects.create(inspection=later, unit=unit_c)
    category = FindingCategory.objects.first()
    for n, found_on in enumerate((date(YEAR, 3, 5), date(YEAR, 3, 6), date(YEAR, 9, 2)), start=1):
        Finding.objects.create(
            inspection=inspection, code=f"{YEAR}-DC-001-{n:03}", unit=unit_a, category=category, severity="major",
            description="问题", requirement="整改", deadline=date(YEAR, 12, 1), found_on=found_on,
            created_by=office, created_at=NOW,
        )  # fmt: skip

    def talk(kind, subject, unit, day, person=None) -> None:
        Talk.objects.create(
            kind=kind, subject_kind=subject, unit=unit, person=person, held_on=day, created_by=office, created_at=NOW
        )

    talk("reminder", "unit", unit_a, date(YEAR, 3, 20))
    talk("reminder", "unit", unit_a, date(YEAR, 4, 20))  # the same unit again
    talk("reminder", "unit", unit_b, date(YEAR, 8, 20))  # after the period
    talk("reminder", "person", unit_c, date(YEAR, 5, 1), liaison_a)
    Violation.objects.create(
        person=liaison_a, unit=unit_a, description="违规", found_on=date(YEAR, 2, 1), created_by=office, created_at=NOW
    )
    Violation.objects.create(
        person=liaison_a, unit=unit_a, description="违规", found_on=date(YEAR, 7, 1), created_by=office, created_at=NOW
    )

    def decision(person, disciplined, day, kind="person") -> None:
        Accountability.objects.create(
            subject_kind=kind, unit=unit_a, person=person, disciplined=disciplined, decided_on=day, body="市纪委",
            measures=["party_discipline"] if disciplined else ["admonition"], created_by=office, created_at=NOW,
        )  # fmt: skip

    decision(liaison_a, False, date(YEAR, 4, 1))
    decision(liaison_a, True, date(YEAR, 5, 1))  # the same person: once accountable, once disciplined
    decision(head_a, False, date(YEAR, 5, 2))
    decision(None, False, date(YEAR, 5, 3), kind="unit")  # a unit is not a person
    decision(head_a, True, date(YEAR, 10, 1))  # after the period


@pytest.fixture
def public(office, unit_a, unit_b, unit_c):
    tv = Programme.objects.create(kind="tv", name="落实进行时", created_at=NOW)
    paper = Programme.objects.create(kind="newspaper", name="落实专栏", created_at=NOW)
    first = Broadcast.objects.create(programme=tv, number=1, aired_on=date(YEAR, 3, 1), title="第一期")
    first.units.set([unit_a, unit_b])
    second = Broadcast.objects.create(programme=tv, number=2, aired_on=date(YEAR, 4, 1), title="第二期")
    second.units.set([unit_b])
    after = Broadcast.objects.create(programme=tv, number=3, aired_on=date(YEAR, 8, 1), title="第三期")
    after.units.set([unit_c])
    column = Broadcast.objects.create(programme=paper, number=1, aired_on=date(YEAR, 3, 2), title="专栏一")
    column.units.set([unit_c])
    category = Category.objects.first()
    rows = [
        (first, "tv", date(YEAR, 3, 1), Status.PENDING, False),
        (first, "tv", date(YEAR, 3, 1), Status.CLOSED, True),
        (second, "tv", date(YEAR, 4, 1), Status.HANDLING, False),
        (second, "tv", date(YEAR, 4, 1), Status.REJECTED, False),  # not accepted
        (second, "tv", date(YEAR, 4, 1), Status.DUPLICATE, False),  # not accepted
        (after, "tv", date(YEAR, 8, 1), Status.PENDING, False),  # after the period
        (column, "newspaper", date(YEAR, 3, 2), Status.PENDING, True),  # a column's: exposed, not on air
        (None, "hotline", date(YEAR, 3, 3), Status.PENDING, False),
    ]
    for n, (broadcast, channel, day, status, hot) in enumerate(rows, start=1):
        Problem.objects.create(
            code=f"P{n:05}", channel=channel, category=category, content="问题", status=status, broadcast=broadcast,
            created_at=at(day), hot=hot, exposed_at=at(day + timedelta(days=3)) if hot else None,
        )  # fmt: skip


@pytest.fixture
def fieldwork(office, leader):
    secretary = make_person("secretary", ["leader"], name="书记", title="市委书记")
    deputy = make_person("deputy", ["leader"], name="副市长", title="副市长")

    def trip(who, day, days) -> None:
        Fieldwork.objects.create(
            leader=who, date=day, days=days, last_date=day + timedelta(days=days - 1), kind="grassroots",
            place="榆中县", logged_by=office, logged_at=NOW,
        )  # fmt: skip

    trip(secretary, date(YEAR, 3, 3), 2)
    trip(secretary, date(YEAR, 3, 4), 1)  # the same day again: a trip, not a day
    trip(secretary, date(YEAR, 6, 30), 2)  # across the period's end: the trip and one day in it
    trip(secretary, date(YEAR, 8, 1), 1)  # after it
    trip(deputy, date(YEAR, 3, 3), 3)  # not a main leader


@pytest.fixture
def records(lists, books, oversight, public, fieldwork):
    return books


# ---------------------------------------------------------------- the figures


def test_each_figure_counts_its_records_in_the_period(records):
    assert summary.compute(HALF) == {
        "lists": {"issued": 3, "completed": 1, "in_progress": 2},
        "ledger": {"tasks": 6},
        "inspections": {"units_inspected": 2, "findings": 2, "units_talked": 1},
        "discipline": {"talks": 3, "violations": 1, "accountable": 2, "disciplined": 1},
        "public": {"problems": 3, "exposed": 2, "programme_episodes": 2, "units_on_air": 2},
        "fieldwork": {"trips": 3, "days": 3},
        "projects": {
            "signed": 37,
            "total_investment": "74.10",
            "funds_in_place": "23.03",
            "fixed_asset_investment": "12.34",
        },
    }


def test_a_later_period_counts_what_was_reported_in_it(records):
    """Cumulative figures: each indicator's value at the end less its value before the start."""
    later = summary.compute(summary.Period(date(YEAR, 5, 1), date(YEAR, 7, 31)))
    assert later["projects"] == {
        "signed": 40,  # a: 10 by April, 50 by July; b: 7, all reported before May
        "total_investment": "78.50",
        "funds_in_place": "34.75",
        "fixed_asset_investment": "12.34",
    }
    assert later["lists"] == {"issued": 0, "completed": 0, "in_progress": 0}  # published in March
    assert later["ledger"]["tasks"] == 7
    assert later["fieldwork"] == {"trips": 1, "days": 2}  # 06-30 to 07-01; 08-01 is after it


def test_the_figures_take_a_constant_number_of_queries(db, django_assert_max_num_queries, request):
    with django_assert_max_num_queries(17):
        summary.compute(HALF)  # no records
    request.getfixturevalue("records")
    for n in range(20):  # and many more main leaders with their days
        person = make_person(f"mayor{n}", ["leader"], title="市长")
        Fieldwork.objects.create(
            leader=person, date=date(YEAR, 4, 1), days=2, last_date=date(YEAR, 4, 2), kind="grassroots",
            place="皋兰县", logged_by=person, logged_at=NOW,
        )  # fmt: skip
    with django_assert_max_num_queries(17):
        assert summary.compute(HALF)["fieldwork"] == {"trips": 23, "days": 43}


def test_the_figures_are_cached_until_the_next_write(records, django_assert_max_num_queries):
    summary.summary(HALF)
    with django_assert_max_num_queries(1):  # the chain's head
        summary.summary(HALF)


# ---------------------------------------------------------------- the API


def test_the_api_returns_exactly_the_articles_figures(records, office, leader):
    response = ApiClient(office).get(URL, **{"from": "2026-01-01", "to": "2026-06-30"})
    assert response.status_code == 200, response.content
    assert response.json() == summary.compute(HALF)
    assert {k: sorted(v) for k, v in response.json().items()} == {
        "lists": ["completed", "in_progress", "issued"],
        "ledger": ["tasks"],
        "inspections": ["findings", "units_inspected", "units_talked"],
        "discipline": ["accountable", "disciplined", "talks", "violations"],
        "public": ["exposed", "problems", "programme_episodes", "units_on_air"],
        "fieldwork": ["days", "trips"],
        "projects": ["fixed_asset_investment", "funds_in_place", "signed", "total_investment"],
    }
    assert ApiClient(leader).get(URL, **{"from": "2026-01-01", "to": "2026-06-30"}).json() == response.json()


def test_the_api_defaults_to_this_year_to_date(office):
    response = ApiClient(office).get(URL)
    assert response.status_code == 200
    assert response.json()["lists"] == {"issued": 0, "completed": 0, "in_progress": 0}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-02-30"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "1999-12-31"}, "to"),
        ({"to": "2101-01-01"}, "to"),
        ({"from": "2026-06-30", "to": "2026-01-01"}, "to"),
    ],
)
def test_a_bad_or_reversed_date_is_a_400_naming_the_field(office, params, field):
    response = ApiClient(office).get(URL, **params)
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_the_api_is_for_the_office_and_the_leaders(liaison_a, head_a, auditor):
    for person in (liaison_a, head_a):
        assert ApiClient(person).get(URL).status_code == 403
    assert ApiClient(auditor).get(URL).status_code in (401, 403)  # the 三员 hold no business token


# ---------------------------------------------------------------- the page


def test_the_page_shows_each_figure_with_a_link_to_its_records(records, client, leader):
    client.force_login(leader)
    response = english(client).get(PAGE, {"from": "2026-01-01", "to": "2026-06-30"})
    assert response.status_code == 200
    html = response.content.decode()
    figures = summary.compute(HALF)
    for section, key, _label, _unit in FIGURES:
        assert f'id="summary-{section}-{key}"' in html
        assert f'data-value="{figures[section][key]}"' in html
    links = [f for s in response.context["sections"] for f in s["figures"]]
    assert len(links) == len(FIGURES) and all(f["url"].startswith("/") for f in links)
    by_key = {f"{s['key']}.{f['key']}": f["url"] for s in response.context["sections"] for f in s["figures"]}
    assert by_key["lists.completed"] == "/lists/?from=2026-01-01&to=2026-06-30&status=closed&closed_to=2026-06-30"
    assert by_key["fieldwork.trips"] == "/frontline/half-year/?from=2026-01-01&to=2026-06-30&show=trips"
    assert by_key["projects.signed"] == f"/ledger/task/{Task.objects.get(title='招商引资').pk}/"
    for url in set(by_key.values()):
        assert client.get(url).status_code == 200, url


def test_the_page_defaults_to_this_year_to_date_and_is_refused_to_others(client, office, liaison_a):
    client.force_login(office)
    response = english(client).get(PAGE)
    assert response.status_code == 200 and b'id="summary-period"' in response.content
    client.force_login(liaison_a)
    assert client.get(PAGE).status_code == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [({"from": "2026-13-01"}, "from"), ({"to": "x"}, "to"), ({"from": "2026-06-30", "to": "2026-01-01"}, "to")],
)
def test_the_page_names_a_bad_date(client, office, params, field):
    client.force_login(office)
    response = english(client).get(PAGE, params)
    assert response.status_code == 400
    assert f'data-field="{field}"'.encode() in response.content


# The figures whose index shows exactly the rows they count (the others count what an index cannot filter:
# distinct units or people, the main leaders among all, the lists neither suspended nor cancelled).
SAME_COUNT = (
    ("lists", "completed"),
    ("inspections", "findings"),
    ("discipline", "talks"),
    ("discipline", "violations"),
    ("public", "exposed"),
)


def test_a_figure_and_its_index_show_the_same_count(records, client, office):
    client.force_login(office)
    figures, urls = summary.compute(HALF), links(HALF)
    for section, key in SAME_COUNT:
        assert drill_count(client, urls[section][key]) == figures[section][key], (section, key)
