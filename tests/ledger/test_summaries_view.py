"""The ledgers by year (/ledger/: create, open with a confirmation, add programmes) and the summaries
per programme and per responsible leader, each figure a link to the filtered tree; a fixed number of
queries; a unit sees its own rows only."""

from decimal import Decimal

import pytest
from django.urls import reverse

from luoshi.ledger import services
from luoshi.ledger.models import Ledger, LedgerStatus, Programme, Task
from tests.ledger.conftest import YEAR, task_input


def summary(name: str, ledger) -> str:
    return reverse(f"ledger:{name}", args=[ledger.pk])


def figures(response, key) -> dict:
    return next(r.figures for r in response.context["rows"] if r.key == key)


# ---------------------------------------------------------------- the index


def test_the_office_sees_its_ledgers_with_their_figures(as_, office, ledger, opened, liaison_a, unit_a):
    services.do_report_task(liaison_a, opened["first"], unit_a, progress=60, done="进展")
    response = as_(office).get(reverse("ledger:index"))
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert row.tasks == 3 and row.progress == Decimal("45.0")
    html = response.content.decode()
    assert reverse("ledger:tree", args=[ledger.pk]) in html and 'id="new-ledger"' in html
    assert reverse("ledger:cycle", args=[ledger.pk]) in html  # the other pages of the ledger, where they exist


def test_a_unit_sees_open_ledgers_with_its_own_rows_only(as_, liaison_b, office, ledger, opened):
    draft = services.do_create_ledger(office, year=YEAR + 1, title="明年台账")
    response = as_(liaison_b).get(reverse("ledger:index"))
    assert [r.ledger for r in response.context["rows"]] == [ledger]
    assert response.context["rows"][0].tasks == 1
    assert draft.title not in response.content.decode() and 'id="new-ledger"' not in response.content.decode()


def test_the_office_creates_a_ledger_once(as_, office, db):
    client = as_(office)
    data = {"year": "2027", "title": "2027年总台账"}
    first, second = client.post(reverse("ledger:create"), data), client.post(reverse("ledger:create"), data)
    ledger = Ledger.objects.get()
    assert first.status_code == second.status_code == 302 and second.url == reverse("ledger:tree", args=[ledger.pk])
    assert ledger.status == LedgerStatus.DRAFT and ledger.programmes.count() == 5


@pytest.mark.parametrize(
    "data, field",
    [
        ({"year": "abc", "title": "x"}, "year"),
        ({"year": "1999", "title": "x"}, "year"),
        ({"year": "2027", "title": ""}, "title"),
    ],
)
def test_a_bad_ledger_is_the_forms_field_error(as_, office, db, data, field):
    response = as_(office).post(reverse("ledger:create"), data)
    assert response.status_code == 400 and field in response.context["ledger_form"].errors
    assert not Ledger.objects.exists()


def test_a_second_ledger_for_the_year_is_refused(as_, office, ledger):
    response = as_(office).post(reverse("ledger:create"), {"year": str(YEAR), "title": "另一本"})
    assert response.status_code == 409 and Ledger.objects.count() == 1


def test_only_the_office_creates_a_ledger(as_, liaison_a, db):
    assert as_(liaison_a).post(reverse("ledger:create"), {"year": "2027", "title": "x"}).status_code == 403
    assert not Ledger.objects.exists()


def test_the_office_adds_a_programme_once(as_, office, ledger):
    client = as_(office)
    url = reverse("ledger:programme_add", args=[ledger.pk])
    assert client.post(url, {"name": "营商环境"}).status_code == 302
    assert client.post(url, {"name": "营商环境"}).status_code == 302
    assert Programme.objects.filter(ledger=ledger, name="营商环境").count() == 1
    bad = client.post(url, {"name": ""})
    assert bad.status_code == 400


def test_opening_asks_first_then_opens_once(as_, office, ledger, tree):
    client = as_(office)
    url = reverse("ledger:open", args=[ledger.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and confirm.context["confirm"]["tasks"] == 3
    assert confirm.context["confirm"]["duties"] == 3  # lead a, lead b, co a on the leaves
    ledger.refresh_from_db()
    assert ledger.status == LedgerStatus.DRAFT
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302  # sent twice: it is open, once
    ledger.refresh_from_db()
    assert ledger.status == LedgerStatus.OPEN
    assert client.get(url).status_code == 302  # nothing left to confirm


def test_an_empty_ledger_is_not_opened(as_, office, ledger):
    response = as_(office).post(reverse("ledger:open", args=[ledger.pk]))
    assert response.status_code == 409


def test_only_the_office_opens(as_, liaison_a, ledger, tree):
    assert as_(liaison_a).post(reverse("ledger:open", args=[ledger.pk])).status_code == 403


# ---------------------------------------------------------------- the summaries


def test_per_programme_the_office_sees_tasks_completed_progress_and_lights(as_, office, ledger, opened):
    Task.objects.filter(pk=opened["first"].pk).update(forecast="red")
    response = as_(office).get(summary("programmes", ledger))
    assert response.status_code == 200
    major = Programme.objects.get(ledger=ledger, name="重大项目")
    f = figures(response, major.pk)
    assert f["tasks"] == 3 and f["completed"] == 0 and f["forecast_red"] == 1
    html = response.content.decode()
    tree = reverse("ledger:tree", args=[ledger.pk])
    assert f'href="{tree}?programme={major.pk}&amp;forecast=red"' in html
    assert response.context["totals"]["tasks"] == 3


def test_per_leader(as_, office, leader, ledger, opened, programme):
    services.do_create_task(office, ledger, task_input(programme, "无领导任务"), reason="补充")
    response = as_(office).get(summary("leaders", ledger))
    rows = response.context["rows"]
    assert [(r.key, r.figures["tasks"]) for r in rows] == [(leader.pk, 3), (None, 1)]
    assert f"?leader={leader.pk}&amp;light=red" in response.content.decode()


def test_a_summarys_count_is_the_count_of_the_tree_it_links_to(as_, office, leader, ledger, opened):
    client = as_(office)
    f = figures(client.get(summary("leaders", ledger)), leader.pk)
    for light in ("green", "yellow", "red"):
        tree = client.get(reverse("ledger:tree", args=[ledger.pk]), {"leader": leader.pk, "light": light})
        assert tree.context["tp"].page.paginator.count == f[f"light_{light}"]


def test_a_unit_sees_the_summary_of_its_own_rows(as_, liaison_b, ledger, opened):
    response = as_(liaison_b).get(summary("programmes", ledger))
    assert response.status_code == 200
    assert [(r.name, r.figures["tasks"]) for r in response.context["rows"]] == [("重大项目", 1)]


def test_the_summaries_of_a_ledger_being_built_are_the_offices(as_, liaison_a, ledger, tree):
    assert as_(liaison_a).get(summary("programmes", ledger)).status_code == 404
    assert as_(liaison_a).get(summary("leaders", ledger)).status_code == 404


@pytest.mark.parametrize("n", [5, 50])
def test_the_summaries_and_the_index_run_a_fixed_number_of_queries(
    as_, office, leader, other_leader, ledger, programme, unit_a, n, django_assert_max_num_queries
):
    for i in range(n):
        services.do_create_task(
            office, ledger, task_input(programme, f"任务{i}", leader=(leader, other_leader)[i % 2], lead_unit=unit_a)
        )
    client = as_(office)
    client.get(reverse("ledger:index"))
    for url in (summary("programmes", ledger), summary("leaders", ledger), reverse("ledger:index")):
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200
