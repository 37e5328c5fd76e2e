"""The pages of frontline days: a leader's month, logging a day, an entry, the office's table and the
half-year summary; who may open them; a constant number of queries whatever the rows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.frontline.models import Fieldwork
from tests.conftest import TODAY, make_person
from tests.frontline.conftest import log_day

MONTH = reverse("frontline:month")
LOG = reverse("frontline:log")
COMPLIANCE = reverse("frontline:compliance")
HALF = reverse("frontline:half_year")


def counted(client, url, params=None) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    return response, len(ctx.captured_queries)


def test_each_role_lands_on_its_page(as_, client, office, leader, organisation, liaison_a):
    assert as_(leader).get(reverse("frontline:index")).url == MONTH
    client.logout()
    assert as_(office).get(reverse("frontline:index")).url == COMPLIANCE
    client.logout()
    assert as_(organisation).get(reverse("frontline:index")).url == reverse("frontline:selections")
    client.logout()
    assert as_(liaison_a).get(reverse("frontline:index")).status_code == 403


def test_a_leader_sees_his_month_against_the_rule(as_, leader, unit_a):
    log_day(leader, leader, date(2026, 2, 26), days=5)  # 26–28 February, 1–2 March
    log_day(leader, leader, date(2026, 3, 2), kind="supervised_unit", unit=unit_a)
    response = as_(leader).get(MONTH)
    assert response.status_code == 200
    m = response.context["m"]
    assert (m.grassroots_days, m.supervised_days, m.total_days, m.ok) == (2, 1, 2, False)
    assert response.context["in_progress"] and response.context["days_left"] == 30
    cells = {c.day: c for week in response.context["weeks"] for c in week if c}
    assert cells[date(2026, 3, 2)].kinds == ["grassroots", "supervised_unit"] and cells[date(2026, 3, 2)].today
    assert cells[date(2026, 3, 3)].ahead and not cells[date(2026, 3, 3)].kinds
    html = response.content.decode()
    assert (
        'id="month-verdict"' in html
        and "Grassroots days lacking: 3" in html
        and "Days at supervised units lacking: 1" in html
    )
    february = as_(leader).get(MONTH, {"month": "2026-02"})
    assert february.context["m"].grassroots_days == 3 and not february.context["in_progress"]


def test_a_bad_month_is_a_400(as_, leader):
    assert as_(leader).get(MONTH, {"month": "2026-13"}).status_code == 400
    assert as_(leader).get(COMPLIANCE, {"month": "x"}).status_code == 403  # the office's page


def test_a_leader_cannot_open_another_leaders_month_but_the_office_can(as_, client, office, leader, other_leader):
    assert as_(other_leader).get(MONTH, {"leader": leader.pk}).status_code == 403
    client.logout()
    response = as_(office).get(MONTH, {"leader": leader.pk})
    assert response.status_code == 200 and response.context["leader"] == leader
    assert as_(office).get(MONTH, {"leader": 2**31}).status_code == 404
    assert as_(office).get(MONTH, {"leader": office.pk}).status_code == 404  # not a leader


def test_a_liaison_has_no_frontline_pages(as_, liaison_a):
    client = as_(liaison_a)
    for url in (MONTH, LOG, COMPLIANCE, HALF):
        assert client.get(url).status_code == 403, url


def test_a_leader_logs_a_day_and_lands_on_its_month(as_, leader, unit_a):
    client = as_(leader)
    form = client.get(LOG).context["form"]
    assert "leader" not in form.fields  # his own days
    key = form.initial["submission_key"]
    data = {
        "submission_key": key,
        "date": "2026-02-27",
        "days": 2,
        "kind": "supervised_unit",
        "unit": unit_a.pk,
        "place": "市工信委",
        "purpose": "调研工业运行",
        "problems": "企业用工难\n\n园区道路未通",
        "solved": "协调银行贷款",
    }
    response = client.post(LOG, data)
    assert response.status_code == 302 and response.url == f"{MONTH}?month=2026-02"
    entry = Fieldwork.objects.get()
    assert (entry.leader, entry.last_date, entry.kind) == (leader, date(2026, 2, 28), "supervised_unit")
    assert list(entry.problems.values_list("text", "solved")) == [
        ("企业用工难", False),
        ("园区道路未通", False),
        ("协调银行贷款", True),
    ]
    assert client.post(LOG, data).status_code == 302  # a double click
    assert Fieldwork.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date": "2026-03-03"}, "date"),
        ({"days": 3, "date": "2026-03-01"}, "days"),
        ({"place": "什川\x00镇"}, "place"),
        ({"place": ""}, "place"),
        ({"kind": "supervised_unit"}, "unit"),
        ({"problems": "坏\x07字"}, "problems"),
        ({"unit": 2**31}, "unit"),
    ],
)
def test_a_refused_day_names_its_field(as_, leader, change, field):
    data = {"date": "2026-02-27", "days": 1, "kind": "grassroots", "place": "什川镇", **change}
    response = as_(leader).post(LOG, data)
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not Fieldwork.objects.exists()


def test_a_supervised_unit_day_at_another_unit_is_refused_on_its_field(as_, leader, unit_b):
    data = {"date": "2026-02-27", "days": 1, "kind": "supervised_unit", "unit": unit_b.pk, "place": "城关区"}
    response = as_(leader).post(LOG, data)
    assert response.status_code == 400 and "unit" in response.context["form"].errors


def test_the_office_logs_for_a_chosen_leader(as_, office, leader):
    client = as_(office)
    assert client.get(LOG, {"leader": leader.pk}).context["form"].initial["leader"] == str(leader.pk)
    data = {"date": "2026-02-27", "days": 1, "kind": "grassroots", "place": "什川镇"}
    assert client.post(LOG, data).status_code == 400  # which leader?
    response = client.post(LOG, {**data, "leader": leader.pk})
    assert response.url == f"{MONTH}?month=2026-02&leader={leader.pk}"
    assert Fieldwork.objects.get().logged_by == office


def test_an_entry_is_seen_by_its_leader_and_the_office_only(as_, client, office, leader, other_leader):
    entry = log_day(leader, leader, TODAY, problems=("村道未硬化",))
    url = reverse("frontline:entry", args=[entry.pk])
    page = as_(leader).get(url)
    assert page.status_code == 200 and "村道未硬化" in page.content.decode()
    assert 'id="to-list-' not in page.content.decode()  # the office's button
    client.logout()
    assert as_(other_leader).get(url).status_code == 404
    client.logout()
    assert 'id="to-list-' in as_(office).get(url).content.decode()


def more_leaders(n: int, start: int = 0) -> list:
    return [make_person(f"leader_x{i}", ["leader"], name=f"副市长{i}") for i in range(start, start + n)]


def test_the_offices_table_runs_a_constant_number_of_queries(as_, office, leader):
    client = as_(office)
    for person in [leader, *more_leaders(1)]:
        log_day(office, person, date(2026, 2, 2), problems=("问题",))
    few, n_few = counted(client, COMPLIANCE, {"month": "2026-02"})
    for person in more_leaders(6, start=1):
        log_day(office, person, date(2026, 2, 3), days=2)
        log_day(office, person, date(2026, 2, 9))
    many, n_many = counted(client, COMPLIANCE, {"month": "2026-02"})
    assert len(few.context["rows"]) == 2 and len(many.context["rows"]) == 8
    assert n_few == n_many
    row = next(r for r in many.context["rows"] if r.leader == leader)
    assert row.month.grassroots_days == 1 and not row.month.ok


def test_the_month_page_runs_a_constant_number_of_queries(as_, leader, unit_a):
    client = as_(leader)
    log_day(leader, leader, date(2026, 2, 2), problems=("一",))
    _few, n_few = counted(client, MONTH, {"month": "2026-02"})
    for d in range(3, 20):
        log_day(leader, leader, date(2026, 2, d), problems=("二", "三"), kind="supervised_unit", unit=unit_a)
    many, n_many = counted(client, MONTH, {"month": "2026-02"})
    assert len(many.context["entries"]) == 18 and n_few == n_many


def test_the_half_year_page_shows_the_main_leaders_apart(as_, office, leader, other_leader):
    other_leader.title = "市委副书记、市长"
    other_leader.save()
    log_day(office, other_leader, date(2026, 1, 12), days=2)
    log_day(office, leader, date(2026, 2, 2))
    response = as_(office).get(HALF, {"year": 2026, "half": 1})
    h = response.context["h"]
    assert (h.main.trips, h.main.days, h.all.trips, h.all.days) == (1, 2, 2, 3)
    html = response.content.decode()
    assert 'id="main-days">2<' in html and 'id="all-trips">2<' in html


def test_a_leader_sees_his_own_half_year_row_only(as_, leader, other_leader):
    response = as_(leader).get(HALF)
    assert [r.leader for r in response.context["h"].rows] == [leader]
    assert (response.context["year"], response.context["half"]) == (2026, 1)


def test_the_half_year_page_counts_queries_once_whatever_the_leaders(as_, office, leader):
    client = as_(office)
    _few, n_few = counted(client, HALF)
    for person in more_leaders(5):
        log_day(office, person, date(2026, 1, 5))
    _many, n_many = counted(client, HALF)
    assert n_few == n_many
