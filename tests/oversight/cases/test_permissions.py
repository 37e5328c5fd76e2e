"""Who reads the restricted cases: the office and discipline inspection everything; a unit's head the
cases of the unit and its people; a person his own; nobody else anything (404, as if there were none).
Every read — one record or a page of them, on a page or through the API — is an audited event."""

import pytest
from django.urls import reverse

from luoshi.events.models import Event
from tests.oversight.cases.conftest import reads

PAGES = {
    "talk": "oversight:talk",
    "decision": "oversight:accountability",
    "unit_talk": "oversight:talk",
    "unit_decision": "oversight:accountability",
}
API = {
    "talk": "/talks/{}",
    "unit_talk": "/talks/{}",
    "violation": "/violations/{}",
    "decision": "/accountability/{}",
    "unit_decision": "/accountability/{}",
}


def seen_in_lists(api_client) -> dict[str, set[int]]:
    return {
        path: {row["id"] for row in api_client.get(f"/{path}").json()["items"]}
        for path in ("talks", "violations", "accountability", "incidents")
    }


def ids(side: dict, *names: str) -> set[int]:
    return {side[n].pk for n in names}


@pytest.mark.parametrize("who", ["office", "discipline"])
def test_the_office_and_discipline_inspection_read_every_case(request, api, side_a, side_b, who):
    person = request.getfixturevalue(who)
    seen = seen_in_lists(api(person))
    assert seen["talks"] == ids(side_a, "unit_talk", "talk") | ids(side_b, "unit_talk", "talk")
    assert seen["violations"] == ids(side_a, "violation") | ids(side_b, "violation")
    assert seen["accountability"] == ids(side_a, "decision", "unit_decision") | ids(side_b, "decision", "unit_decision")


def test_a_unit_head_reads_the_cases_of_his_unit_and_its_people_and_no_other(api, as_, head_a, side_a, side_b):
    c = api(head_a)
    seen = seen_in_lists(c)
    assert seen["talks"] == ids(side_a, "unit_talk", "talk")
    assert seen["violations"] == ids(side_a, "violation")
    assert seen["accountability"] == ids(side_a, "decision", "unit_decision")
    for name, path in API.items():
        assert c.get(path.format(side_a[name].pk)).status_code == 200, name
        assert c.get(path.format(side_b[name].pk)).status_code == 404, name
    client = as_(head_a)
    for name, url in PAGES.items():
        assert client.get(reverse(url, args=[side_a[name].pk])).status_code == 200, name
        assert client.get(reverse(url, args=[side_b[name].pk])).status_code == 404, name


def test_a_person_reads_his_own_cases_and_not_those_of_his_unit(api, as_, clerk_a, side_a, side_b):
    c = api(clerk_a)
    seen = seen_in_lists(c)
    assert seen["talks"] == ids(side_a, "talk")
    assert seen["violations"] == ids(side_a, "violation")
    assert seen["accountability"] == ids(side_a, "decision")
    assert c.get(f"/talks/{side_a['unit_talk'].pk}").status_code == 404
    assert c.get(f"/accountability/{side_a['unit_decision'].pk}").status_code == 404
    client = as_(clerk_a)
    assert client.get(reverse("oversight:talk", args=[side_a["talk"].pk])).status_code == 200
    assert client.get(reverse("oversight:talk", args=[side_a["unit_talk"].pk])).status_code == 404
    assert client.get(reverse("oversight:talk", args=[side_b["talk"].pk])).status_code == 404


@pytest.mark.parametrize("who", ["liaison_a", "leader", "liaison_b"])
def test_a_liaison_or_a_leader_who_is_no_subject_sees_no_case(request, api, as_, side_a, side_b, who):
    person = request.getfixturevalue(who)
    assert seen_in_lists(api(person)) == {
        "talks": set(),
        "violations": set(),
        "accountability": set(),
        "incidents": set(),
    }
    client = as_(person)
    for side in (side_a, side_b):
        for name, url in PAGES.items():
            assert client.get(reverse(url, args=[side[name].pk])).status_code == 404
    page = client.get(reverse("oversight:cases"))
    assert page.status_code == 200 and page.context["rows"] == []
    assert all(t["count"] == 0 for t in page.context["tabs"])


def test_the_cases_page_shows_a_head_only_his_units_cases_in_every_tab(as_, head_b, side_a, side_b):
    client = as_(head_b)
    counts = {t["value"]: t["count"] for t in client.get(reverse("oversight:cases")).context["tabs"]}
    assert counts == {"talks": 2, "incidents": 0, "violations": 1, "accountability": 2}
    html = client.get(reverse("oversight:cases"), {"tab": "violations"}).content.decode()
    assert f'data-violation="{side_b["violation"].pk}"' in html
    assert f'data-violation="{side_a["violation"].pk}"' not in html


def test_a_unit_filter_cannot_widen_what_a_head_sees(api, as_, head_b, unit_a, side_a, side_b):
    assert api(head_b).get("/talks", unit=unit_a.pk).json() == {"items": [], "count": 0}
    page = as_(head_b).get(reverse("oversight:cases"), {"unit": unit_a.pk})
    assert page.context["rows"] == []


def test_every_read_of_one_case_is_an_audited_event(api, as_, head_a, side_a):
    talk, decision, violation = side_a["talk"], side_a["decision"], side_a["violation"]
    as_(head_a).get(reverse("oversight:talk", args=[talk.pk]))
    as_(head_a).get(reverse("oversight:accountability", args=[decision.pk]))
    c = api(head_a)
    c.get(f"/talks/{talk.pk}")
    c.get(f"/violations/{violation.pk}")
    c.get(f"/accountability/{decision.pk}")
    got = [(e.subject_type, e.subject_id, e.unit_id) for e in reads(head_a)]
    unit = head_a.unit_id
    assert got == [
        ("talk", talk.pk, unit),
        ("accountability", decision.pk, unit),
        ("talk", talk.pk, unit),
        ("violation", violation.pk, unit),
        ("accountability", decision.pk, unit),
    ]


def test_a_list_read_is_one_audited_event_naming_the_cases_shown(api, as_, office, side_a, side_b):
    c = api(office)
    shown = [row["id"] for row in c.get("/talks", limit=2).json()["items"]]
    as_(office).get(reverse("oversight:cases"), {"tab": "accountability"})
    events = reads(office)
    assert [(e.subject_type, e.subject_id) for e in events] == [("talk", 0), ("accountability", 0)]
    assert events[0].after == {"ids": shown, "count": 2}
    decisions = {side[n].pk for side in (side_a, side_b) for n in ("decision", "unit_decision")}
    assert set(events[1].after["ids"]) == decisions


def test_a_refused_read_leaves_no_read_event(api, head_b, side_a):
    api(head_b).get(f"/talks/{side_a['talk'].pk}")
    assert not Event.objects.filter(kind="record.read", actor=head_b, subject_id=side_a["talk"].pk).exists()


def test_only_the_officers_write_cases(api, as_, head_a, clerk_a, unit_a):
    body = {"kind": "reminder", "unit": unit_a.pk, "held_on": "2026-02-20"}
    assert api(head_a).post("/talks", body).status_code == 403
    assert (
        api(clerk_a)
        .post("/violations", {"person": clerk_a.pk, "description": "x", "found_on": "2026-02-20"})
        .status_code
        == 403
    )
    assert (
        api(head_a)
        .post("/accountability", {"unit": unit_a.pk, "measures": ["notice"], "decided_on": "2026-02-20", "body": "x"})
        .status_code
        == 403
    )
    assert api(head_a).post("/incidents", {"title": "x", "happened_on": "2026-02-20"}).status_code == 403
    client = as_(head_a)
    for name in (
        "oversight:talk_new",
        "oversight:incident_new",
        "oversight:violation_new",
        "oversight:accountability_new",
    ):
        assert client.get(reverse(name)).status_code == 403, name
    assert (
        client.post(
            reverse("oversight:talk_new"), {"kind": "reminder", "unit": unit_a.pk, "held_on": "2026-02-20"}
        ).status_code
        == 403
    )
