"""Input the database cannot hold is a 400 naming the field, before any permission check or query."""

import pytest
import time_machine

from luoshi.duties.models import Extension, Report
from luoshi.notify.models import Notification
from tests.conftest import NOW, days

HUGE = "99999999999999999999"
BIG = 2**31  # one past the bound


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def bad(response, field: str) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["field"] == field, body
    assert body["detail"]
    return body


@pytest.mark.parametrize("path", ["/lists", "/notifications", "/escalations"])
@pytest.mark.parametrize(
    ("params", "field"),
    [({"offset": HUGE}, "offset"), ({"offset": -1}, "offset"), ({"limit": 201}, "limit"), ({"limit": 0}, "limit")],
)
def test_pages_are_bounded(api, office, path, params, field):
    bad(api(office).get(path, **params), field)


def test_a_limit_of_200_is_served(api, office, published_list):
    assert api(office).get("/lists", limit=200).json()["count"] == 1


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/lists", {"unit": HUGE}, "unit"),
        ("/lists", {"leader": BIG}, "leader"),
        ("/lists", {"leader": 0}, "leader"),
        ("/lists", {"year": 9999}, "year"),
        ("/lists", {"status": "lost"}, "status"),
        ("/lists", {"light": "blue"}, "light"),
        ("/escalations", {"list": HUGE}, "list"),
        ("/escalations", {"unit": BIG}, "unit"),
        ("/escalations", {"step": "spank"}, "step"),
        ("/stats/overview", {"year": HUGE}, "year"),
        ("/stats/units", {"sort": "mood"}, "sort"),
        ("/stats/units", {"to": "9999-12-31"}, "to"),
    ],
)
def test_query_ids_and_choices_are_bounded(api, liaison_a, path, params, field):
    bad(api(liaison_a).get(path, **params), field)


def test_an_empty_filter_means_no_filter(api, office, published_list):
    assert api(office).get("/lists", status="", light="", unit="").json()["count"] == 1


def test_path_ids_beyond_the_range_are_400_not_500(api, office):
    bad(api(office).get(f"/lists/{HUGE}"), "list_id")
    bad(api(office).get(f"/lists/{BIG}/loop"), "list_id")
    bad(api(office).post(f"/extensions/{HUGE}/decide", {"approve": True}), "extension_id")


@pytest.mark.parametrize("action", ["reports", "accept", "return", "extensions"])
def test_body_ids_are_checked_before_permission(api, published_list, outsider, action):
    """An outsider gets the same 400 as anyone: no 403/404 timing on ids nobody can have."""
    data = {"unit": BIG, "progress": 1, "done": "x", "reason": "x", "new_deadline": days(90).isoformat()}
    bad(api(outsider).post(f"/lists/{published_list.pk}/{action}", data), "unit")


def test_list_body_ids_are_bounded(api, office, leader, unit_a):
    c = api(office)
    base = {"source": "meeting", "title": "任务", "lead_unit": unit_a.pk, "deadline": days(30).isoformat()}
    bad(c.post("/lists", {**base, "lead_unit": BIG}), "lead_unit")
    bad(c.post("/lists", {**base, "leader": HUGE}), "leader")
    bad(c.post("/lists", {**base, "co_units": [unit_a.pk, BIG]}), "co_units.1")
    bad(c.post("/notifications/read", {"ids": [BIG]}), "ids.0")
    bad(c.post("/people", {"username": "x", "name": "x", "password": "long-enough-1", "unit": BIG}), "unit")


# ---------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("title", "why"),
    [
        ("园区\x00建设", "NUL"),
        ("\u200b\u200b", "only zero-width spaces"),
        ("\u202eevil", "bidi override"),
        ("\x1b[31mred", "terminal escape"),
        ("two\nlines", "line break in a title"),
    ],
)
def test_titles_with_control_characters_are_refused(api, office, unit_a, title, why):
    r = api(office).post(
        "/lists", {"source": "meeting", "title": title, "lead_unit": unit_a.pk, "deadline": days(30).isoformat()}
    )
    bad(r, "title")


def test_milestone_titles_are_checked_at_their_place(api, office, unit_a):
    data = {
        "source": "meeting",
        "title": "任务",
        "lead_unit": unit_a.pk,
        "deadline": days(30).isoformat(),
        "milestones": [
            {"due_date": days(10).isoformat(), "title": "ok"},
            {"due_date": days(20).isoformat(), "title": "\x00"},
        ],
    }
    bad(api(office).post("/lists", data), "milestones.1.title")


def test_report_text_with_nul_is_refused_and_line_breaks_kept(api, published_list, liaison_a, unit_a):
    c = api(liaison_a)
    url = f"/lists/{published_list.pk}/reports"
    bad(c.post(url, {"unit": unit_a.pk, "progress": 5, "done": "a\x00b"}), "done")
    bad(c.post(url, {"unit": unit_a.pk, "progress": 5, "done": "x", "difficulties": "\u2066hidden"}), "difficulties")
    bad(c.post(url, {"unit": unit_a.pk, "progress": 5, "done": "\u200b \u200b"}), "done")
    assert not Report.objects.exists()
    r = c.post(url, {"unit": unit_a.pk, "progress": 5, "done": "第一行\n第二行\t完"})
    assert r.status_code == 201 and Report.objects.get().done == "第一行\n第二行\t完"


def test_search_text_with_nul_is_400_in_the_api_and_on_the_web(api, office, published_list, client):
    bad(api(office).get("/lists", q="\x00"), "q")
    client.force_login(office)
    r = client.get("/lists/", {"q": "\x00"})
    assert r.status_code == 400
    assert client.get("/lists/", {"q": "园区"}).status_code == 200


def test_extension_and_return_reasons_are_checked(api, published_list, liaison_a, office, unit_a):
    url = f"/lists/{published_list.pk}"
    bad(
        api(liaison_a).post(
            f"{url}/extensions", {"unit": unit_a.pk, "new_deadline": days(90).isoformat(), "reason": "\x07"}
        ),
        "reason",
    )
    bad(api(office).post(f"{url}/return", {"unit": unit_a.pk, "reason": "\u200b"}), "reason")
    assert not Extension.objects.exists()


# ---------------------------------------------------------------- Idempotency-Key


def test_an_idempotency_key_longer_than_the_column_is_400(api, published_list, liaison_a, unit_a):
    r = api(liaison_a).post(
        f"/lists/{published_list.pk}/reports",
        {"unit": unit_a.pk, "progress": 5, "done": "x"},
        headers={"Idempotency-Key": "k" * 65},
    )
    bad(r, "Idempotency-Key")
    assert not Report.objects.exists()


def test_a_reused_key_with_another_report_is_409_and_keeps_the_first(api, published_list, liaison_a, unit_a):
    c = api(liaison_a)
    url, key = f"/lists/{published_list.pk}/reports", {"Idempotency-Key": "k" * 64}
    first = c.post(url, {"unit": unit_a.pk, "progress": 5, "done": "选址"}, headers=key)
    again = c.post(url, {"unit": unit_a.pk, "progress": 5, "done": "选址"}, headers=key)
    other = c.post(url, {"unit": unit_a.pk, "progress": 60, "done": "开工"}, headers=key)
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert again.json()["id"] == first.json()["id"]
    assert "已用于另一份" in other.json()["detail"]  # the API speaks Chinese unless asked otherwise
    assert list(Report.objects.values_list("progress", flat=True)) == [5]


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"deadline": "9999-12-31"}, "deadline"),
        ({"deadline": days(6 * 366).isoformat()}, "deadline"),
        ({"milestones": [{"due_date": "0001-01-01", "title": "开工"}]}, "milestones.0.due_date"),
        ({"milestones": [{"due_date": "2099-01-01", "title": "开工"}]}, "milestones"),
    ],
)
def test_dates_far_outside_reason_are_refused(api, office, unit_a, change, field):
    data = {"source": "meeting", "title": "任务", "lead_unit": unit_a.pk, "deadline": days(30).isoformat(), **change}
    bad(api(office).post("/lists", data), field)


def test_the_horizon_is_a_setting(api, office, unit_a, settings):
    data = {"source": "meeting", "title": "任务", "lead_unit": unit_a.pk, "deadline": days(3 * 366).isoformat()}
    settings.LUOSHI_DATE_HORIZON_YEARS = 2
    body = bad(api(office).post("/lists", data), "deadline")
    assert "2 年以内" in body["detail"]
    settings.LUOSHI_DATE_HORIZON_YEARS = 5
    assert api(office).post("/lists", data).status_code == 201


def test_an_extension_beyond_the_horizon_is_refused(api, published_list, liaison_a, unit_a):
    url = f"/lists/{published_list.pk}/extensions"
    for when in ("9999-12-31", days(6 * 366).isoformat()):
        bad(api(liaison_a).post(url, {"unit": unit_a.pk, "new_deadline": when, "reason": "资金"}), "new_deadline")
    assert not Extension.objects.exists()
    r = api(liaison_a).post(url, {"unit": unit_a.pk, "new_deadline": days(400).isoformat(), "reason": "资金"})
    assert r.status_code == 201


# ---------------------------------------------------------------- bodies Django refuses


def test_an_over_size_body_gets_the_json_error_shape(api, office, unit_a, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    data = {
        "source": "meeting",
        "title": "任务",
        "content": "x" * 2000,
        "lead_unit": unit_a.pk,
        "deadline": days(30).isoformat(),
    }
    r = api(office).post("/lists", data)
    assert r.status_code == 400 and r["Content-Type"].startswith("application/json")
    assert r.json()["detail"]


def test_a_body_that_is_not_json_is_400(api, office):
    c = api(office)
    r = c.client.post("/api/v1/lists", "{nope", content_type="application/json", headers=c.headers)
    assert r.status_code == 400 and r.json()["detail"]


def test_unknown_api_paths_are_json_404(api, office):
    for path in ("/nope", "/lists/abc", "/lists/1/nope"):
        r = api(office).get(path)
        assert r.status_code == 404 and r.json()["detail"], path


def test_a_bad_host_under_api_is_json_400(client):
    r = client.get("/api/v1/lists", headers={"host": "evil.example"})
    assert r.status_code == 400 and r.json()["detail"]


def test_notifications_read_ids_of_others_mark_nothing(api, liaison_a, outsider, published_list):
    assert api(outsider).post("/notifications/read", {"ids": [1, 2, 3]}).json() == {"marked": 0}
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
