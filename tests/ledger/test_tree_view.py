"""The ledger's tree (/ledger/<id>/): the office sees every task with its roll-up, programmes as sections,
sub-tasks under their parents; a unit only its rows; filters, counts that link to the filtered tree,
paging by top-level task; bad parameters are the form's field errors; a fixed number of queries."""

from decimal import Decimal

import pytest
from django.urls import reverse

from luoshi.ledger import page_data, services
from luoshi.ledger.models import Task
from tests.ledger.conftest import task_input


def url(ledger, **params) -> str:
    from django.utils.http import urlencode

    return reverse("ledger:tree", args=[ledger.pk]) + (f"?{urlencode(params)}" if params else "")


def rows(response) -> list[str]:
    return [r.task.code for s in response.context["tp"].sections for r in s.rows]


def test_the_office_sees_the_tree_with_sub_tasks_under_their_parent(as_, office, ledger, opened):
    response = as_(office).get(url(ledger))
    assert response.status_code == 200
    tp = response.context["tp"]
    assert tp.mode == "tree"
    parent, first, second = opened["parent"], opened["first"], opened["second"]
    assert rows(response) == [parent.code, first.code, second.code]
    assert [s.programme.name for s in tp.sections] == ["重大项目"]
    html = response.content.decode()
    assert 'class="btn btn-link btn-sm p-0 me-1 text-decoration-none ledger-toggle"' in html
    assert reverse("ledger:task", args=[first.pk]) in html
    assert "<script>" not in html and "style=" not in html


def test_the_roll_up_shows_on_the_parent(as_, office, ledger, opened, liaison_a, unit_a):
    first = opened["first"]
    services.do_report_task(liaison_a, first, unit_a, progress=60, done="隧洞掘进", indicators=[])
    response = as_(office).get(url(ledger))
    by_code = {r.task.code: r.task for s in response.context["tp"].sections for r in s.rows}
    assert by_code[opened["parent"].code].progress == Decimal("45.00")  # (3·60 + 1·0) / 4
    assert 'aria-valuenow="45"' in response.content.decode()


def test_a_unit_sees_only_its_rows(as_, liaison_b, ledger, opened):
    response = as_(liaison_b).get(url(ledger))
    assert response.status_code == 200
    assert response.context["tp"].mode == "flat"
    assert rows(response) == [opened["second"].code]
    assert response.context["counts"]["tasks"] == 1


def test_another_units_liaison_sees_no_row(as_, outsider, ledger, opened):
    response = as_(outsider).get(url(ledger))
    assert response.status_code == 200 and rows(response) == []
    assert opened["first"].code not in response.content.decode()


def test_a_ledger_being_built_is_the_offices_alone(as_, liaison_a, ledger, tree):
    assert as_(liaison_a).get(url(ledger)).status_code == 404


def test_an_unknown_ledger_is_404_even_with_a_huge_id(as_, office, db):
    assert as_(office).get("/ledger/99999999999999999999/").status_code == 404


def test_a_filter_gives_a_flat_list_with_each_tasks_parent(as_, office, ledger, opened, unit_b):
    response = as_(office).get(url(ledger, unit=unit_b.pk))
    assert response.context["tp"].mode == "flat"
    assert rows(response) == [opened["second"].code]
    row = response.context["tp"].sections[0].rows[0]
    assert row.context == opened["parent"]


def test_the_text_filter_finds_by_title_or_code(as_, office, ledger, opened):
    assert rows(as_(office).get(url(ledger, q="隧洞"))) == [opened["first"].code]
    assert rows(as_(office).get(url(ledger, q=opened["second"].code))) == [opened["second"].code]


def test_counts_by_light_and_forecast_link_to_the_filtered_tree(as_, office, ledger, opened):
    response = as_(office).get(url(ledger))
    counts = response.context["counts"]
    assert counts["tasks"] == 3
    assert counts["light_green"] + counts["light_yellow"] + counts["light_red"] == 3
    links = response.context["links"]
    assert links["light_red"] == "light=red" and links["forecast_yellow"] == "forecast=yellow"
    html = response.content.decode()
    assert 'href="?light=red"' in html and 'data-count="forecast_red"' in html
    # a count's link shows as many rows as it says
    for light in ("green", "yellow", "red"):
        shown = as_(office).get(url(ledger, light=light)).context["tp"].page.paginator.count
        assert shown == counts[f"light_{light}"]


def test_the_forecast_filter(as_, office, ledger, opened):
    Task.objects.filter(pk=opened["first"].pk).update(forecast="red", forecast_basis="按近期进度推算")
    response = as_(office).get(url(ledger, forecast="red"))
    assert rows(response) == [opened["first"].code]
    assert "按近期进度推算" in response.content.decode()  # the basis beside the light


@pytest.mark.parametrize(
    "params, field",
    [
        ({"programme": "abc"}, "programme"),
        ({"leader": "99999999999999999999"}, "leader"),
        ({"unit": "-1"}, "unit"),
        ({"light": "purple"}, "light"),
        ({"forecast": "blue"}, "forecast"),
        ({"carried": "maybe"}, "carried"),
        ({"page": "0"}, "page"),
        ({"q": "x" * 101}, "q"),
        ({"q": "a\x00b"}, "q"),
    ],
)
def test_a_bad_parameter_is_the_forms_field_error(as_, office, ledger, opened, params, field):
    response = as_(office).get(url(ledger, **params))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert 'id="tree-errors"' in response.content.decode()


def test_the_carried_filter(as_, office, ledger, opened):
    Task.objects.filter(pk=opened["second"].pk).update(origin=opened["first"])
    assert rows(as_(office).get(url(ledger, carried="yes"))) == [opened["second"].code]
    assert opened["second"].code not in rows(as_(office).get(url(ledger, carried="no")))


def many_tops(office, ledger, programme, n: int, leader=None, unit=None) -> None:
    for i in range(n):
        top = services.do_create_task(office, ledger, task_input(programme, f"任务{i}", leader=leader))
        services.do_create_task(
            office, ledger, task_input(programme, f"子任务{i}", parent=top, leader=leader, lead_unit=unit)
        )


def test_the_tree_is_paged_by_top_level_task_with_whole_subtrees(as_, office, ledger, programme, unit_a, monkeypatch):
    monkeypatch.setattr(page_data, "ROWS_PER_PAGE", 9)
    many_tops(office, ledger, programme, 12, unit=unit_a)
    big = Task.objects.get(title="任务3")
    for i in range(9):
        services.do_create_task(office, ledger, task_input(programme, f"大子任务{i}", parent=big))
    client = as_(office)
    first = client.get(url(ledger))
    tp = first.context["tp"]
    assert tp.total_tops == 12 and tp.page.paginator.num_pages == 4
    assert tp.tops == 3 and len(rows(first)) == 6  # three top-level tasks, each with its sub-task
    second = client.get(url(ledger, page=2)).context["tp"]
    assert second.tops == 1 and second.row_count == 11  # a subtree larger than a page stays whole
    last = client.get(url(ledger, page=4)).context["tp"]
    assert last.tops == 4 and last.row_count == 8
    assert 'id="next-page"' in first.content.decode()
    assert client.get(url(ledger, page=99)).context["tp"].page.number == 4


def test_programmes_are_sections_in_their_order(as_, office, ledger, programme):
    other = ledger.programmes.get(name="民生实事")
    services.do_create_task(office, ledger, task_input(programme, "重大项目任务"))
    services.do_create_task(office, ledger, task_input(other, "民生任务"))
    response = as_(office).get(url(ledger))
    assert [s.programme.name for s in response.context["tp"].sections] == ["民生实事", "重大项目"]
    only = as_(office).get(url(ledger, programme=other.pk))
    assert [s.programme.name for s in only.context["tp"].sections] == ["民生实事"]


@pytest.mark.parametrize("n", [5, 50])
def test_the_tree_runs_a_fixed_number_of_queries(
    as_, office, leader, liaison_a, ledger, programme, unit_a, unit_b, n, django_assert_max_num_queries
):
    many_tops(office, ledger, programme, n // 2 + 1, leader=leader, unit=unit_a)
    services.do_open_ledger(office, ledger)
    for t in Task.objects.filter(parent__isnull=False)[:3]:
        t.co_units.add(unit_b)
    client = as_(office)
    client.get(url(ledger))  # the session and the policy are read once
    with django_assert_max_num_queries(14):
        assert client.get(url(ledger)).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(url(ledger, light="green", unit=unit_a.pk)).status_code == 200
    unit_client = as_(liaison_a)
    unit_client.get(url(ledger))
    with django_assert_max_num_queries(14):
        assert unit_client.get(url(ledger)).status_code == 200
