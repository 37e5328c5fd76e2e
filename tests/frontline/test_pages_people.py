"""The pages on people at the frontline: stationed cadres, posting histories, selection rounds and
placements; who may open them, audited reads of candidate lists, one record per submission, a constant
number of queries whatever the rows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.events.models import Event
from luoshi.frontline import services_people as people
from luoshi.frontline.models import Candidate, Posting, Selection, Stationing
from tests.conftest import NOW, make_person

STATIONED = reverse("frontline:stationed")
SELECTIONS = reverse("frontline:selections")
PLACEMENTS = reverse("frontline:placements")


def counted(client, url, params=None) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    return response, len(ctx.captured_queries)


def cadres(n: int, unit, start: int = 0) -> list:
    return [make_person(f"cadre_x{i}", [], unit, name=f"干部{i}") for i in range(start, start + n)]


def general_post(actor, person, unit):
    people.do_add_posting(
        actor, person=person, unit=unit, post="科员", category="general", start=date(2015, 1, 1), now=NOW
    )


# -- stationed cadres ----------------------------------------------------------------------------------


def test_the_office_stations_a_cadre_once_and_lists_him(as_, office, cadre_a):
    client = as_(office)
    key = client.get(STATIONED).context["form"].initial["submission_key"]
    data = {"submission_key": key, "person": cadre_a.pk, "project": "兰州市第二水源地建设项目", "start": "2026-02-01"}
    assert client.post(STATIONED, data).status_code == 302
    assert client.post(STATIONED, data).status_code == 302  # a double click
    s = Stationing.objects.get()
    assert (s.person, s.project, s.end) == (cadre_a, "兰州市第二水源地建设项目", None)
    page = client.get(STATIONED)
    assert list(page.context["page"].object_list) == [s]
    ended = client.post(reverse("frontline:end_stationing", args=[s.pk]), {"end": "2026-03-01"})
    assert ended.status_code == 302
    s.refresh_from_db()
    assert s.end == date(2026, 3, 1) and list(client.get(STATIONED).context["page"].object_list) == []
    assert list(client.get(STATIONED, {"all": "1"}).context["page"].object_list) == [s]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"project": ""}, "project"),
        ({"project": "水\x00源"}, "project"),
        ({"end": "2026-01-01"}, "end"),
        ({"person": 2**31}, "person"),
    ],
)
def test_a_refused_stationing_names_its_field(as_, office, cadre_a, change, field):
    data = {"person": cadre_a.pk, "project": "第二水源", "start": "2026-02-01", **change}
    response = as_(office).post(STATIONED, data)
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not Stationing.objects.exists()


def test_leaders_read_the_stationed_cadres_and_a_liaison_does_not(as_, client, leader, liaison_a, cadre_a):
    response = as_(leader).get(STATIONED)
    assert response.status_code == 200 and response.context["form"] is None
    assert as_(leader).post(STATIONED, {"person": cadre_a.pk, "project": "x", "start": "2026-02-01"}).status_code == 403
    client.logout()
    assert as_(liaison_a).get(STATIONED).status_code == 403


def test_the_stationed_list_runs_a_constant_number_of_queries(as_, office, unit_a):
    client = as_(office)
    for p in cadres(2, unit_a):
        people.do_station(office, person=p, project="第二水源", start=date(2026, 2, 1), now=NOW)
    _few, n_few = counted(client, STATIONED)
    for p in cadres(10, unit_a, start=2):
        people.do_station(office, person=p, project="第二水源", start=date(2026, 2, 1), now=NOW)
    many, n_many = counted(client, STATIONED)
    assert len(many.context["page"].object_list) == 12 and n_few == n_many


def test_the_api_stations_and_lists_cadres(api, office, leader, liaison_a, cadre_a):
    body = {"person": cadre_a.pk, "project": "第二水源", "start": "2026-02-01"}
    first = api(office).post("/stationings", body, headers={"Idempotency-Key": "s1"})
    second = api(office).post("/stationings", body, headers={"Idempotency-Key": "s1"})
    assert (first.status_code, second.status_code) == (201, 200) and Stationing.objects.count() == 1
    assert api(leader).get("/stationings").json()[0]["person_name"] == "工信委科长"
    assert api(liaison_a).get("/stationings").status_code == 403
    assert api(leader).post("/stationings", body).status_code == 403
    assert api(office).post("/stationings", {**body, "task": 2**31}).json()["field"] == "task"
    assert api(office).post("/stationings", {**body, "task": 999999}).json()["field"] == "task"


# -- postings ------------------------------------------------------------------------------------------


def test_a_person_sees_his_own_history_and_not_anothers(as_, client, organisation, cadre_a, cadre_b, unit_a):
    general_post(organisation, cadre_a, unit_a)
    mine = as_(cadre_a).get(reverse("frontline:my_postings"))
    assert mine.url == reverse("frontline:postings", args=[cadre_a.pk])
    page = as_(cadre_a).get(mine.url)
    assert page.status_code == 200 and page.context["form"] is None and len(page.context["rows"]) == 1
    assert as_(cadre_a).get(reverse("frontline:postings", args=[cadre_b.pk])).status_code == 403


def test_the_organisation_department_adds_a_posting_once(as_, organisation, cadre_a, unit_a):
    client = as_(organisation)
    url = reverse("frontline:postings", args=[cadre_a.pk])
    key = client.get(url).context["form"].initial["submission_key"]
    data = {
        "submission_key": key,
        "unit": unit_a.pk,
        "post": "督查专员",
        "category": "inspection",
        "start": "2019-03-01",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Posting.objects.count() == 1
    refused = client.post(url, {**data, "submission_key": "", "start": "2026-04-01"})
    assert refused.status_code == 400 and "start" in refused.context["form"].errors
    refused = client.post(url, {**data, "submission_key": "", "post": "督\x00查"})
    assert refused.status_code == 400 and "post" in refused.context["form"].errors


def test_a_liaison_cannot_add_to_a_history(as_, liaison_a, cadre_a, unit_a):
    url = reverse("frontline:postings", args=[cadre_a.pk])
    assert as_(liaison_a).get(url).status_code == 403
    assert (
        as_(liaison_a)
        .post(url, {"unit": unit_a.pk, "post": "x", "category": "general", "start": "2019-03-01"})
        .status_code
        == 403
    )


# -- selection rounds ----------------------------------------------------------------------------------


def test_a_round_is_created_once_and_its_page_audited(as_, organisation, cadre_a, cadre_b, unit_a):
    people.do_add_posting(
        organisation,
        person=cadre_a,
        unit=unit_a,
        post="信访专干",
        category="petitions",
        start=date(2016, 1, 1),
        now=NOW,
    )
    client = as_(organisation)
    key = client.get(SELECTIONS).context["form"].initial["submission_key"]
    data = {
        "submission_key": key,
        "kind": "county_leading",
        "title": "副县级推荐",
        "candidates": [cadre_a.pk, cadre_b.pk],
    }
    response = client.post(SELECTIONS, data)
    s = Selection.objects.get()
    assert response.url == reverse("frontline:selection", args=[s.pk])
    assert client.post(SELECTIONS, data).status_code == 302 and Selection.objects.count() == 1
    page = client.get(response.url)
    assert page.status_code == 200 and page.context["eligible"] == 1
    rows = {r["c"].person: r for r in page.context["rows"]}
    assert not rows[cadre_a]["may_place"] and rows[cadre_b]["may_place"]
    assert "Lacks a frontline post" in page.content.decode()
    reads = Event.objects.filter(kind="record.read", subject_type="selection", subject_id=s.pk)
    assert reads.count() == 1 and reads.get().actor == organisation


def test_a_liaison_cannot_see_selections_on_the_web(as_, organisation, liaison_a, leader, client, cadre_a):
    s = people.do_create_selection(organisation, kind="section_level", candidates=[cadre_a], now=NOW)[0]
    for person in (liaison_a, leader):
        c = as_(person)
        assert c.get(SELECTIONS).status_code == 403
        assert c.get(reverse("frontline:selection", args=[s.pk])).status_code == 403
        assert c.get(PLACEMENTS).status_code == 403
        client.logout()
    assert not Event.objects.filter(kind="record.read").exists()


def test_a_candidate_is_placed_from_the_page_and_the_placement_ended(as_, office, cadre_b, unit_b):
    s = people.do_create_selection(office, kind="county_leading", candidates=[cadre_b], now=NOW)[0]
    c = s.candidates.get()
    client = as_(office)
    url = reverse("frontline:place", args=[s.pk, c.pk])
    key = client.get(url).context["form"].initial["submission_key"]
    data = {
        "submission_key": key,
        "unit": unit_b.pk,
        "post": "驻村工作队员",
        "category": "assistance",
        "start": "2026-03-02",
        "planned_end": "2027-03-01",
    }
    assert client.post(url, {**data, "category": "general"}).status_code == 400  # not a frontline category
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the same submission
    placement = Posting.objects.get(placement_for=c)
    row = client.get(reverse("frontline:selection", args=[s.pk])).context["rows"][0]
    assert (row["state"], row["may_place"]) == ("running", False)
    assert client.get(PLACEMENTS, {"state": "running"}).context["rows"] == [(placement, "running")]
    assert client.get(PLACEMENTS, {"state": "overdue"}).context["rows"] == []
    ended = client.post(
        reverse("frontline:end_posting", args=[placement.pk]), {"end": "2026-03-02", "back": "placements"}
    )
    assert ended.url == PLACEMENTS
    c.refresh_from_db()
    assert c.eligible and client.get(PLACEMENTS, {"state": "ended"}).context["rows"] == [
        (Posting.objects.get(), "ended")
    ]


def test_candidates_are_added_to_a_round_once(as_, office, cadre_a, cadre_b):
    s = people.do_create_selection(office, kind="key_cultivation", candidates=[cadre_a], now=NOW)[0]
    url = reverse("frontline:add_candidates", args=[s.pk])
    client = as_(office)
    assert client.post(url, {"candidates": [cadre_a.pk, cadre_b.pk]}).status_code == 302
    assert client.post(url, {"candidates": [cadre_b.pk]}).status_code == 302
    assert Candidate.objects.filter(selection=s).count() == 2
    assert client.post(url, {"candidates": [2**31]}).status_code == 400


def test_the_round_page_runs_a_constant_number_of_queries(as_, office, unit_a, unit_b):
    client = as_(office)
    few = cadres(2, unit_a)
    for p in few:
        general_post(office, p, unit_a)
    s = people.do_create_selection(office, kind="county_leading", candidates=few, now=NOW)[0]
    people.do_place(
        office,
        s.candidates.first(),
        unit=unit_b,
        post="信访员",
        category="petitions",
        start=date(2026, 3, 2),
        planned_end=date(2026, 9, 1),
        now=NOW,
    )
    _few, n_few = counted(client, reverse("frontline:selection", args=[s.pk]))
    many = cadres(12, unit_a, start=2)
    for p in many:
        general_post(office, p, unit_a)
    added = people.do_add_candidates(office, s, many, now=NOW)
    for c in added[:5]:
        people.do_place(
            office,
            c,
            unit=unit_b,
            post="信访员",
            category="petitions",
            start=date(2026, 3, 2),
            planned_end=date(2026, 9, 1),
            now=NOW,
        )
    page, n_many = counted(client, reverse("frontline:selection", args=[s.pk]))
    assert len(page.context["rows"]) == 14 and n_few == n_many


def test_the_rounds_and_placements_pages_run_a_constant_number_of_queries(as_, office, unit_a, unit_b):
    client = as_(office)
    group = cadres(3, unit_a)
    s = people.do_create_selection(office, kind="county_leading", candidates=group, now=NOW)[0]
    people.do_place(
        office,
        s.candidates.first(),
        unit=unit_b,
        post="信访员",
        category="petitions",
        start=date(2026, 3, 2),
        planned_end=date(2026, 9, 1),
        now=NOW,
    )
    _r, n_rounds = counted(client, SELECTIONS)
    _p, n_placements = counted(client, PLACEMENTS)
    for i in range(4):
        other = people.do_create_selection(office, kind="section_level", candidates=group, now=NOW, title=f"第{i}轮")[0]
        for c in other.candidates.all():
            people.do_place(
                office,
                c,
                unit=unit_b,
                post="信访员",
                category="petitions",
                start=date(2026, 3, 2),
                planned_end=date(2026, 9, 1),
                now=NOW,
            )
    rounds, n_rounds_many = counted(client, SELECTIONS)
    placements, n_placements_many = counted(client, PLACEMENTS)
    assert len(rounds.context["page"].object_list) == 5 and len(placements.context["rows"]) == 13
    assert (n_rounds, n_placements) == (n_rounds_many, n_placements_many)
