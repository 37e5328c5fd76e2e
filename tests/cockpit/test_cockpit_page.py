"""The cockpit page: who may open it, the scope it shows, its cards, links and charts (from the shape alone),
its refusals of bad parameters, and a constant number of queries."""

import json
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from luoshi.cockpit import figures
from tests.cockpit.fake import fake_sections  # noqa: F401  (a fixture)
from tests.conftest import make_person

INDEX = reverse("cockpit:index")


def data_of(response) -> dict:
    found = re.search(r'<script id="cockpit-data" type="application/json">(.*?)</script>', response.content.decode())
    assert found
    return json.loads(found.group(1))


def test_the_office_sees_the_whole_city_this_year(as_, office):
    response = as_(office).get(INDEX)
    assert response.status_code == 200
    scope = response.context["scope"]
    year = timezone.localdate().year
    assert scope.leader is None and scope.viewer == office
    assert (scope.start, scope.end) == (date(year, 1, 1), date(year, 12, 31))
    page = response.content.decode()
    assert "The whole city" in page
    for name in figures.SECTIONS:
        assert f'id="section-{name}"' in page
    assert 'id="section-trends"' in page
    assert [s["key"] for s in data_of(response)["sections"]] == list(figures.SECTIONS)


def test_the_office_picks_a_leader(as_, office, leader, other_leader, unit_a):
    response = as_(office).get(INDEX, {"leader": leader.pk})
    assert response.status_code == 200
    scope = response.context["scope"]
    assert scope.leader == leader and scope.unit_ids == {unit_a.pk}
    page = response.content.decode()
    assert f'<option value="{leader.pk}" selected>' in page
    assert f'<option value="{other_leader.pk}">' in page


def test_a_leader_sees_his_own_and_the_whole_city_is_the_offices(as_, leader, unit_a):
    client = as_(leader)
    own = client.get(INDEX)
    assert own.status_code == 200
    assert own.context["scope"].leader == leader and own.context["scope"].unit_ids == {unit_a.pk}
    assert 'id="cockpit-leader"' not in own.content.decode() and "city=1" not in own.content.decode()
    # The city's figures would lead him to fewer records than they count: his indexes show his own.
    assert client.get(INDEX, {"city": "1"}).status_code == 403
    assert client.get(INDEX, {"leader": leader.pk}).context["scope"].leader == leader


def test_a_leader_who_is_also_in_the_office_sees_the_city(as_, leader):
    leader.roles = [*leader.roles, "office"]
    leader.save(update_fields=["roles"])
    assert as_(leader).get(INDEX, {"city": "1"}).context["scope"].leader is None


def test_a_leader_may_not_open_another_leaders_cockpit(as_, leader, other_leader):
    assert as_(leader).get(INDEX, {"leader": other_leader.pk}).status_code == 403


@pytest.mark.parametrize("who", ["liaison_a", "head_a", "admin", "auditor"])
def test_others_are_refused(as_, request, who):
    assert as_(request.getfixturevalue(who)).get(INDEX).status_code == 403


def test_the_year_and_the_days(as_, office):
    client = as_(office)
    scope = client.get(INDEX, {"year": "2025"}).context["scope"]
    assert (scope.start, scope.end, scope.year) == (date(2025, 1, 1), date(2025, 12, 31), 2025)
    scope = client.get(INDEX, {"from": "2026-03-02", "to": "2026-03-08"}).context["scope"]
    assert (scope.start, scope.end) == (date(2026, 3, 2), date(2026, 3, 8))
    response = client.get(INDEX, {"from": "2026-03-02", "to": "2026-03-08"})
    assert "2026-03-02 – 2026-03-08" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"year": "1999"}, "year"),
        ({"year": "2101"}, "year"),
        ({"year": "abc"}, "year"),
        ({"from": "2026-13-01"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-02-30"}, "to"),
        ({"from": "2026-03-09", "to": "2026-03-02"}, "to"),
        ({"leader": "abc"}, "leader"),
        ({"leader": "99999"}, "leader"),
        ({"city": "maybe"}, "city"),
    ],
)
def test_bad_parameters_get_400_naming_them(as_, office, leader, params, field):
    response = as_(office).get(INDEX, params)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'data-field="{field}"' in page
    assert f"“{field}”" in page or field in response.context["errors"][0].lower()
    assert 'id="cockpit-data"' not in page


def test_a_person_who_is_not_a_leader_is_no_leader_parameter(as_, office, liaison_a):
    response = as_(office).get(INDEX, {"leader": liaison_a.pk})
    assert response.status_code == 400 and response.context["field"] == "leader"


def test_the_office_names_either_city_or_a_leader(as_, office, leader):
    response = as_(office).get(INDEX, {"leader": leader.pk, "city": "1"})
    assert response.status_code == 400 and response.context["field"] == "city"


@pytest.mark.usefixtures("fake_sections")
def test_figures_link_to_their_records_and_charts_have_their_containers(as_, office):
    response = as_(office).get(INDEX, {"year": "2026"})
    assert response.status_code == 200
    page = response.content.decode()
    for name in figures.SECTIONS:
        assert f'<a class="cockpit-number" id="fig-{name}-issued" href="/lists/?from=2026-01-01"' in page
        assert f'id="fig-{name}-rate"' in page  # no url: a number without a link
        assert f'id="chart-{name}-by_light"' in page
        assert f'id="chart-trends-{name}"' in page
        assert '<a href="/lists/?light=red&amp;leader=2">2</a>' in page  # the chart's table links its points
    data = data_of(response)
    assert data["sections"][0]["charts"][0]["series"][0]["urls"][1] == "/lists/?light=red&leader=2"
    assert len(data["trends"]) == len(figures.SECTIONS) and len(data["months"]) == 12
    assert data["trends"][0]["series"][0]["data"] == list(range(12))


@pytest.mark.usefixtures("fake_sections")
def test_the_page_carries_no_inline_script_or_style(as_, office):
    page = as_(office).get(INDEX).content.decode()
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert " style=" not in page and "<style" not in page
    assert "vendor/echarts-6.1.0/echarts.min.js" in page and "cockpit/cockpit.js" in page
    assert "//cdn" not in page


def test_the_page_is_chinese_by_default(client, office):
    client.cookies.clear()
    client.force_login(office)
    page = client.get(INDEX).content.decode()
    # (the cockpit's own words are in var/tr/cockpit.po until the catalogue takes them in)
    assert '<html lang="zh-hans">' in page and "年份" in page and "Year" not in page


@pytest.mark.usefixtures("fake_sections")
def test_the_page_runs_a_constant_number_of_queries(as_, office, leader, django_assert_max_num_queries):
    client = as_(office)
    with django_assert_max_num_queries(12):
        assert client.get(INDEX).status_code == 200
    for i in range(10):
        make_person(f"leader_{i}", ["leader"], name=f"领导{i}")
    with django_assert_max_num_queries(12):
        assert client.get(INDEX, {"leader": leader.pk, "year": "2025"}).status_code == 200
    with django_assert_max_num_queries(12):  # from the cache
        assert client.get(INDEX, {"leader": leader.pk, "year": "2025"}).status_code == 200


def test_the_real_sections_render_and_their_numbers_lead_to_as_many_records(as_, leader, published_list):
    """With the sections as they are (the lists section, at least): the page's numbers are links to indexes
    that show that many records (the drill-down, followed from the page's own HTML)."""
    from tests.cockpit.drill import drill_count

    client = as_(leader)
    page = client.get(INDEX, {"year": published_list.year}).content.decode()
    links = re.findall(r'<a class="cockpit-number" id="fig-(\w+?)-(\w+)" href="([^"]+)" data-value="([\d.]+)"', page)
    lists_links = [link for link in links if link[0] == "lists"]
    if not lists_links:
        pytest.skip("the lists section has no figures here yet")
    assert 'id="chart-lists-by_light"' in page
    for _section, key, url, value in lists_links:
        if key in ("issued", "in_progress"):
            assert drill_count(client, url.replace("&amp;", "&")) == int(float(value)) == 1, key
