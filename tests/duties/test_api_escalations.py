from luoshi.duties.models import Escalation
from tests.conftest import english


def test_escalations_are_listed_with_their_contract_fields(api, urged, office):
    body = api(office).get("/escalations").json()
    assert body["count"] == 3
    item = body["items"][0]
    assert set(item) >= {"id", "step", "unit", "list", "number", "created_at", "open"}
    assert api(office).get("/escalations", step="order").json()["count"] == 1
    assert api(office).get("/escalations", open="false").json()["count"] == 1


def test_units_see_only_their_own_escalations(api, urged, liaison_a, outsider, unit_a):
    # not the co-handling unit's, though it is on the same list (tests/duties/test_notice_visibility.py)
    assert {i["unit"] for i in api(liaison_a).get("/escalations").json()["items"]} == {unit_a.pk}
    assert api(outsider).get("/escalations").json()["count"] == 0


def test_bad_filters_get_400(api, office, db):
    assert api(office).get("/escalations", step="spank").json()["field"] == "step"
    assert api(office).get("/escalations", unit="x").status_code == 400


def test_the_office_runs_a_sweep_at_a_given_time(api, urged, office, liaison_a, settings):
    settings.LUOSHI_TIME_TRAVEL = True  # as on staging; without it a sweep runs as of now only
    assert api(liaison_a).post("/escalations/run", {}).status_code == 403
    r = api(office).post("/escalations/run", {"now": "2026-03-17T09:00:00+08:00"})
    assert r.status_code == 200 and set(r.json()) >= {"reminder", "urge", "order", "talk_proposal"}
    assert api(office).post("/escalations/run", {"now": "soon"}).json()["field"] == "now"
    assert Escalation.objects.filter(step="urge").count() == 2


def test_people_read_their_own_inbox(api, urged, liaison_a, head_a, outsider):
    items = api(liaison_a).get("/notifications").json()["items"]
    assert items and all(i["read"] is False for i in items)
    assert api(outsider).get("/notifications").json()["count"] == 0
    r = api(liaison_a).post("/notifications/read", {"ids": [items[0]["id"]]})
    assert r.json() == {"marked": 1}
    assert api(liaison_a).get("/notifications", unread="true").json()["count"] == len(items) - 1


def test_the_league_table_counts_reports_urges_and_orders(api, urged, office, unit_a, unit_b):
    rows = api(office).get("/stats/units", **{"from": "2026-03-01", "to": "2026-03-31"}).json()
    by_unit = {r["unit"]: r for r in rows}
    assert by_unit[unit_a.pk]["urges"] == 1 and by_unit[unit_a.pk]["orders"] == 1
    assert by_unit[unit_b.pk]["reports"] == 1 and by_unit[unit_b.pk]["on_time"] == 0
    assert by_unit[unit_b.pk]["avg_days_late"] == 4  # due 03-09, filed 03-13
    assert api(office).get("/stats/units", **{"from": "2026-04-01", "to": "2026-03-01"}).json()["field"] == "from"


def test_league_dates_out_of_range_get_400_not_500(api, office, db):
    r = api(office).get("/stats/units", **{"from": "2026-01-01", "to": "9999-12-31"})
    assert r.status_code == 400 and r.json()["field"] == "to"


def test_the_loop_timeline_tells_the_ladder_and_links_the_notices(client, urged, liaison_a):
    client.force_login(liaison_a)
    page = english(client).get(f"/lists/{urged.pk}/").content.decode()
    order = Escalation.objects.get(step="order")
    assert f"/escalation/notices/{order.pk}.pdf" in page
    assert 'data-kind="escalation.ended"' in page and 'data-kind="escalation.urge"' in page


def test_nobody_marks_another_persons_notifications_read(api, urged, liaison_a, outsider):
    theirs = api(liaison_a).get("/notifications").json()["items"][0]["id"]
    assert api(outsider).post("/notifications/read", {"ids": [theirs]}).json() == {"marked": 0}
    assert api(outsider).post("/notifications/read", {"ids": ["x"]}).json()["field"] == "ids.0"
    assert api(liaison_a).get("/notifications", unread="true").json()["count"] >= 1
