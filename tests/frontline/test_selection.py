"""The promotion rule (赛场选马) against posting histories: postings, selection rounds, frontline placements
tracked to completion; restricted to the office and the organisation department, every candidate list read
audited."""

from datetime import date

import pytest

from luoshi.errors import Conflict, InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.frontline import services_people as people
from luoshi.frontline.models import Candidate, Posting, Selection
from tests.conftest import NOW

EN = {"Accept-Language": "en"}


def posting(actor, person, unit, category, start, end=None, post="科员"):
    return people.do_add_posting(
        actor, person=person, unit=unit, post=post, category=category, level="正科级", start=start, end=end, now=NOW
    )[0]


@pytest.fixture
def histories(organisation, cadre_a, cadre_b, unit_a, unit_b):
    """cadre_a served in petitions (信访) years ago; cadre_b only in general posts."""
    posting(organisation, cadre_a, unit_a, "general", date(2012, 7, 1), date(2016, 6, 30))
    posting(organisation, cadre_a, unit_b, "petitions", date(2016, 7, 1), date(2019, 12, 31), post="信访科副科长")
    posting(organisation, cadre_a, unit_a, "general", date(2020, 1, 1), post="综合科科长")
    posting(organisation, cadre_b, unit_b, "general", date(2014, 7, 1))


def round_of(actor, *candidates, kind="county_leading"):
    return people.do_create_selection(
        actor, kind=kind, title="2026年副县级干部推荐", candidates=list(candidates), now=NOW
    )[0]


def test_candidates_are_checked_against_their_posting_history(organisation, cadre_a, cadre_b, histories):
    s = round_of(organisation, cadre_a, cadre_b)
    checks = {c.person: (c.eligible, c.missing) for c in s.candidates.all()}
    assert checks == {cadre_a: (True, []), cadre_b: (False, ["frontline_post"])}
    assert Event.objects.filter(kind="selection.created", subject_id=s.pk).exists()


def test_a_candidate_without_frontline_experience_is_placed_and_tracked_to_completion(
    organisation, cadre_b, unit_b, histories
):
    s = round_of(organisation, cadre_b)
    c = s.candidates.get()
    placement, created = people.do_place(
        organisation,
        c,
        unit=unit_b,
        post="驻村帮扶工作队队员",
        category="assistance",
        start=date(2026, 3, 2),
        planned_end=date(2027, 3, 1),
        now=NOW,
    )
    assert created and placement.placement_for == c and placement.person == cadre_b and placement.end is None
    c.refresh_from_db()
    assert (c.eligible, c.missing) == (False, ["placement_unfinished"])  # sent, not yet served
    with pytest.raises(Conflict):  # one placement at a time
        people.do_place(
            organisation,
            c,
            unit=unit_b,
            post="x",
            category="petitions",
            start=date(2026, 3, 2),
            planned_end=date(2026, 9, 1),
            now=NOW,
        )
    people.do_end_posting(organisation, placement, date(2026, 3, 2), now=NOW)
    c.refresh_from_db()
    assert (c.eligible, c.missing) == (True, [])
    assert Event.objects.filter(kind="posting.ended", after__rechecked=[c.pk]).exists()


def test_an_eligible_candidate_is_not_placed(organisation, cadre_a, unit_b, histories):
    c = round_of(organisation, cadre_a).candidates.get()
    with pytest.raises(Conflict):
        people.do_place(
            organisation,
            c,
            unit=unit_b,
            post="x",
            category="petitions",
            start=date(2026, 3, 2),
            planned_end=date(2026, 9, 1),
            now=NOW,
        )


def test_a_placement_is_in_a_frontline_category_and_ends_after_it_starts(organisation, cadre_b, unit_b, histories):
    c = round_of(organisation, cadre_b).candidates.get()
    for category, start, end, field in [
        ("general", date(2026, 3, 2), date(2026, 9, 1), "category"),
        ("petitions", date(2026, 3, 2), date(2026, 3, 2), "planned_end"),
        ("petitions", date(1999, 3, 2), date(2026, 3, 2), "start"),
    ]:
        with pytest.raises(InvalidInput) as refused:
            people.do_place(
                organisation, c, unit=unit_b, post="x", category=category, start=start, planned_end=end, now=NOW
            )
        assert refused.value.field == field


def test_a_new_posting_checks_the_persons_candidacies_again(organisation, cadre_b, unit_b, histories):
    c = round_of(organisation, cadre_b).candidates.get()
    posting(organisation, cadre_b, unit_b, "stability", date(2010, 1, 1), date(2012, 1, 1))
    c.refresh_from_db()
    assert c.eligible


def test_postings_follow_the_rules_of_a_history(organisation, cadre_a, unit_a):
    for change, field in [
        ({"start": date(2026, 3, 3)}, "start"),
        ({"end": date(2026, 3, 3)}, "end"),
        ({"end": date(2019, 1, 1)}, "end"),
        ({"category": "sports"}, "category"),
        ({"post": ""}, "post"),
        ({"post": "科\x00员"}, "post"),
        ({"level": "x" * 31}, "level"),
    ]:
        data = {
            "person": cadre_a,
            "unit": unit_a,
            "post": "科员",
            "category": "general",
            "start": date(2020, 1, 1),
            **change,
        }
        with pytest.raises(InvalidInput) as refused:
            people.do_add_posting(organisation, **data, now=NOW)
        assert refused.value.field == field


def test_only_the_office_and_the_organisation_department_keep_postings_and_rounds(
    leader, liaison_a, head_a, cadre_a, unit_a
):
    for actor in (leader, liaison_a, head_a, cadre_a):
        with pytest.raises(NotAllowed):
            posting(actor, cadre_a, unit_a, "general", date(2020, 1, 1))
        with pytest.raises(NotAllowed):
            round_of(actor, cadre_a)


def test_the_office_keeps_them_too(office, cadre_a, unit_a):
    posting(office, cadre_a, unit_a, "inspection", date(2020, 1, 1))
    assert round_of(office, cadre_a).candidates.get().eligible


def test_a_repeated_round_is_stored_once(organisation, cadre_a):
    args = {"kind": "section_level", "candidates": [cadre_a, cadre_a], "now": NOW, "submission_key": "k"}
    first, created = people.do_create_selection(organisation, **args)
    again, created_again = people.do_create_selection(organisation, **args)
    assert (created, created_again, again) == (True, False, first)
    assert Selection.objects.count() == 1 and Candidate.objects.count() == 1  # the same person once


def test_adding_candidates_skips_those_in_the_round(organisation, cadre_a, cadre_b):
    s = round_of(organisation, cadre_a)
    assert [c.person for c in people.do_add_candidates(organisation, s, [cadre_a, cadre_b], now=NOW)] == [cadre_b]
    assert people.do_add_candidates(organisation, s, [cadre_a, cadre_b], now=NOW) == []
    assert s.candidates.count() == 2


# -- the API -------------------------------------------------------------------------------------------


def test_the_api_checks_a_round_and_returns_each_candidates_result(api, organisation, cadre_a, cadre_b, histories):
    response = api(organisation).post("/selections", {"kind": "county_leading", "candidates": [cadre_a.pk, cadre_b.pk]})
    assert response.status_code == 201, response.json()
    rows = {c["person"]: c for c in response.json()["candidates"]}
    assert (rows[cadre_a.pk]["eligible"], rows[cadre_a.pk]["missing"]) == (True, [])
    assert (rows[cadre_b.pk]["eligible"], rows[cadre_b.pk]["missing"]) == (False, ["frontline_post"])
    assert rows[cadre_b.pk]["placement"] is None


def test_every_read_of_a_candidate_list_is_audited(api, organisation, cadre_a, histories):
    client = api(organisation)
    s = client.post("/selections", {"kind": "key_cultivation", "candidates": [cadre_a.pk]}).json()
    client.get(f"/selections/{s['id']}")
    client.get(f"/selections/{s['id']}")
    reads = Event.objects.filter(kind="record.read", subject_type="selection", subject_id=s["id"])
    assert reads.count() == 3 and {e.actor for e in reads} == {organisation}  # the creation's answer too
    listing = client.get("/selections").json()
    assert listing["items"][0] | {"created_at": None} == {
        "id": s["id"],
        "kind": "key_cultivation",
        "title": "",
        "created_at": None,
        "candidates": 1,
        "eligible": 1,
    }
    assert reads.count() == 3  # counts only: not a read of the list


def test_a_liaison_cannot_see_selections(api, organisation, liaison_a, head_a, leader, cadre_a):
    s = round_of(organisation, cadre_a)
    for person in (liaison_a, head_a, leader):
        client = api(person)
        assert client.get("/selections").status_code == 403
        assert client.get(f"/selections/{s.pk}").status_code == 404
        assert client.post("/selections", {"kind": "county_leading", "candidates": [cadre_a.pk]}).status_code == 403
        assert (
            client.post(
                "/postings",
                {"person": cadre_a.pk, "unit": 1, "post": "x", "category": "general", "start": "2020-01-01"},
            ).status_code
            == 403
        )
    assert not Event.objects.filter(kind="record.read").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "mayor"}, "kind"),
        ({"candidates": []}, "candidates"),
        ({"candidates": [2**31]}, "candidates.0"),
        ({"candidates": [999999]}, "candidates"),
        ({"title": "x\x00"}, "title"),
        ({"candidates": list(range(1, 202))}, "candidates"),
    ],
)
def test_a_bad_round_is_a_400_naming_the_field(api, organisation, cadre_a, body, field):
    response = api(organisation).post(
        "/selections", {"kind": "county_leading", "candidates": [cadre_a.pk], **body}, headers=EN
    )
    assert response.status_code == 400 and response.json()["field"] == field


def test_the_api_places_a_candidate_and_ends_the_placement(api, organisation, cadre_b, unit_b, histories):
    client = api(organisation)
    s = client.post("/selections", {"kind": "county_leading", "candidates": [cadre_b.pk]}).json()
    c = s["candidates"][0]
    body = {
        "unit": unit_b.pk,
        "post": "信访接待员",
        "category": "petitions",
        "start": "2026-03-02",
        "planned_end": "2026-02-01",
    }
    path = f"/selections/{s['id']}/candidates/{c['id']}/placement"
    assert client.post(path, body, headers=EN).json()["field"] == "planned_end"
    body["planned_end"] = "2026-09-01"
    first = client.post(path, body, headers={"Idempotency-Key": "p1"})
    second = client.post(path, body, headers={"Idempotency-Key": "p1"})
    assert (first.status_code, second.status_code) == (201, 200) and first.json()["id"] == second.json()["id"]
    assert first.json()["state"] == "running" and first.json()["frontline"] is True
    assert Posting.objects.filter(placement_for_id=c["id"]).count() == 1
    again = client.get(f"/selections/{s['id']}").json()["candidates"][0]
    assert again["missing"] == ["placement_unfinished"] and again["placement"]["id"] == first.json()["id"]
    ended = client.post(f"/postings/{first.json()['id']}/end", {"end": "2026-03-02"})
    assert ended.status_code == 200 and ended.json()["state"] == "ended"
    assert client.get(f"/selections/{s['id']}").json()["candidates"][0]["eligible"] is True
    assert client.post(f"/selections/{s['id']}/candidates/999999/placement", body).status_code == 404


def test_a_person_sees_his_own_postings_only(api, organisation, cadre_a, cadre_b, histories):
    mine = api(cadre_a).get("/postings").json()
    assert mine["count"] == 3 and {p["person"] for p in mine["items"]} == {cadre_a.pk}
    assert [p["frontline"] for p in mine["items"]] == [False, True, False]
    assert api(cadre_a).get("/postings", person=cadre_b.pk).status_code == 403
    assert api(organisation).get("/postings").json()["count"] == 4
    assert api(organisation).get("/postings", person=cadre_b.pk).json()["count"] == 1


def test_the_api_adds_a_posting_once_and_names_bad_fields(api, organisation, cadre_a, unit_a):
    client = api(organisation)
    body = {
        "person": cadre_a.pk,
        "unit": unit_a.pk,
        "post": "督查专员",
        "category": "inspection",
        "start": "2021-01-01",
    }
    first = client.post("/postings", body, headers={"Idempotency-Key": "x"})
    second = client.post("/postings", body, headers={"Idempotency-Key": "x"})
    assert (first.status_code, second.status_code) == (201, 200) and Posting.objects.count() == 1
    for change, field in [
        ({"unit": 2**31}, "unit"),
        ({"person": 999999}, "person"),
        ({"category": "x"}, "category"),
        ({"start": "2026-04-01"}, "start"),
        ({"post": ""}, "post"),
    ]:
        response = client.post("/postings", {**body, **change}, headers=EN)
        assert response.status_code == 400 and response.json()["field"] == field, change
