"""The loop's timeline comes a page at a time, newest first, in the API and on the page: the first page,
the next ones by cursor, bad cursors refused with 400, the same queries whatever its length."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.duties import services as duty_services
from luoshi.events.models import Event
from luoshi.lists import changes, timeline
from tests.conftest import NOW


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        yield


def file_reports(rlist, liaison, unit, n: int, same_time: bool = False) -> None:
    duty = rlist.duties.get(unit=unit)
    for i in range(n):
        at = NOW + timedelta(minutes=1 if same_time else i + 1)  # same_time: the cursor must break ties by id
        duty_services.do_report(liaison, duty, progress=min(100, i + 1), done=f"第{i}次", now=at)


def all_events(rlist) -> list[int]:
    """The list's events, newest first (by time, then id)."""
    return list(
        Event.objects.filter(subject_type="list", subject_id=rlist.pk)
        .order_by("-at", "-id")
        .values_list("pk", flat=True)
    )


def loop_url(rlist) -> str:
    return f"/lists/{rlist.pk}/loop"


@pytest.mark.parametrize("same_time", [False, True])
def test_the_api_pages_the_timeline_newest_first(api, office, published_list, liaison_a, unit_a, same_time):
    file_reports(published_list, liaison_a, unit_a, 45, same_time)
    expected = all_events(published_list)
    assert len(expected) > 2 * timeline.PAGE
    client = api(office)
    first = client.get(loop_url(published_list)).json()
    assert len(first["timeline"]) == timeline.PAGE
    newest = first["timeline"][0]
    assert newest["kind"] == "report.filed"
    if not same_time:
        assert newest["report"]["done"] == "第44次"
    seen, cursor, pages = [], None, 0
    while True:
        body = client.get(loop_url(published_list), **({"before": cursor} if cursor else {})).json()
        seen += [(e["kind"], e["at"]) for e in body["timeline"]]
        pages += 1
        cursor = body["timeline_next"]
        if cursor is None:
            break
    assert pages == 3 and len(seen) == len(expected)
    assert [e["kind"] for e in client.get(loop_url(published_list), timeline_limit=200).json()["timeline"]] == [
        k for k, _at in seen
    ]
    assert seen[-1][0] == "list.created"


def test_a_page_of_the_api_may_be_shorter_or_longer(api, office, published_list, liaison_a, unit_a):
    file_reports(published_list, liaison_a, unit_a, 5)
    client = api(office)
    body = client.get(loop_url(published_list), timeline_limit=3).json()
    assert len(body["timeline"]) == 3 and body["timeline_next"] == all_events(published_list)[2]
    everything = client.get(loop_url(published_list), timeline_limit=200).json()
    assert len(everything["timeline"]) == len(all_events(published_list)) and everything["timeline_next"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"before": "x"}, "before"),
        ({"before": 0}, "before"),
        ({"before": 2**31}, "before"),
        ({"before": 999_999}, "before"),  # no such event
        ({"timeline_limit": 0}, "timeline_limit"),
        ({"timeline_limit": 201}, "timeline_limit"),
        ({"timeline_limit": "lots"}, "timeline_limit"),
    ],
)
def test_bad_cursors_and_limits_get_400_with_the_field(api, office, published_list, params, field):
    r = api(office).get(loop_url(published_list), **params)
    assert r.status_code == 400, r.content
    assert r.json()["field"] == field


def test_another_lists_event_is_no_cursor(api, office, published_list, draft_list, leader, unit_a, unit_b):
    from luoshi.lists import services

    other = services.do_create_list(
        office,
        source="meeting",
        title="另一清单",
        content="",
        leader=leader,
        lead_unit=unit_a,
        co_units=[unit_b],
        deadline=NOW.date() + timedelta(days=30),
        report_every_days=7,
        now=NOW,
    )
    foreign = all_events(other)[0]
    r = api(office).get(loop_url(published_list), before=foreign)
    assert r.status_code == 400 and r.json()["field"] == "before"


def test_another_units_person_gets_404_with_or_without_a_cursor(api, as_, outsider, published_list):
    cursor = all_events(published_list)[0]
    for params in ({}, {"before": cursor}):
        assert api(outsider).get(loop_url(published_list), **params).status_code == 404
        assert api(outsider).get(f"/lists/{published_list.pk}", **params).status_code == 404
    page = reverse("lists:loop", args=[published_list.pk])
    assert as_(outsider).get(page, {"before": cursor}).status_code == 404
    assert as_(outsider).get(page, {"before": cursor}, headers={"HX-Request": "true"}).status_code == 404


def test_the_loop_api_runs_the_same_queries_however_long_the_timeline(api, office, published_list, liaison_a, unit_a):
    file_reports(published_list, liaison_a, unit_a, 2)  # each page below has a report: it reads the reports too
    client = api(office)
    client.get(loop_url(published_list))  # the token's last use written, the caches filled
    with CaptureQueriesContext(connection) as short:
        client.get(loop_url(published_list))
    cursor = all_events(published_list)[0]
    with CaptureQueriesContext(connection) as short_paged:
        client.get(loop_url(published_list), before=cursor)
    file_reports(published_list, liaison_a, unit_a, 60)
    with CaptureQueriesContext(connection) as long:
        client.get(loop_url(published_list))
    cursor = all_events(published_list)[timeline.PAGE - 1]
    with CaptureQueriesContext(connection) as long_paged:
        client.get(loop_url(published_list), before=cursor)
    assert len(short) == len(long)
    assert len(short_paged) == len(long_paged) == len(short) + 1  # the cursor's own time


# --- the loop page ------------------------------------------------------------------------------------


def page_url(rlist) -> str:
    return reverse("lists:loop", args=[rlist.pk])


def test_the_page_shows_the_newest_events_and_a_link_to_the_older_ones(as_, office, published_list, liaison_a, unit_a):
    file_reports(published_list, liaison_a, unit_a, 30)
    html = as_(office).get(page_url(published_list)).content.decode()
    assert html.count("<li data-kind=") == timeline.PAGE
    assert html.index("第29次") < html.index("第20次")  # newest first
    assert "第9次" not in html
    cursor = all_events(published_list)[timeline.PAGE - 1]
    assert f'href="{page_url(published_list)}?before={cursor}#timeline-h"' in html  # a plain link
    assert f'hx-get="{page_url(published_list)}?before={cursor}"' in html


def test_the_plain_link_opens_the_page_at_the_older_events(as_, office, published_list, liaison_a, unit_a):
    file_reports(published_list, liaison_a, unit_a, 30)
    cursor = all_events(published_list)[timeline.PAGE - 1]
    response = as_(office).get(page_url(published_list), {"before": cursor})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    assert "第9次" in html and "第20次" not in html and 'data-kind="list.created"' in html
    assert "Back to the newest events" in html and 'id="timeline-more"' not in html


def test_htmx_gets_only_the_next_entries(as_, office, published_list, liaison_a, unit_a):
    file_reports(published_list, liaison_a, unit_a, 50)
    events = all_events(published_list)
    client = as_(office)
    response = client.get(
        page_url(published_list), {"before": events[timeline.PAGE - 1]}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and "<section" not in html
    assert html.count("<li data-kind=") == timeline.PAGE
    assert f"?before={events[2 * timeline.PAGE - 1]}" in html  # and the link to the page after
    assert "HX-Request" in response["Vary"]  # never served from a cache for the whole page


@pytest.mark.parametrize("cursor", ["x", "0", "-3", "99999999999", "999999"])
def test_a_bad_cursor_on_the_page_is_400(as_, office, published_list, cursor):
    client = as_(office)
    page = client.get(page_url(published_list), {"before": cursor})
    assert page.status_code == 400 and "No such place in the timeline" in page.content.decode()
    fragment = client.get(page_url(published_list), {"before": cursor}, headers={"HX-Request": "true"})
    assert fragment.status_code == 400 and 'id="timeline-more"' in fragment.content.decode()


def test_the_page_leaves_out_the_duties_own_pause_and_resume(as_, office, published_list):
    changes.do_suspend(office, published_list, "等待上级批复", now=NOW + timedelta(minutes=5))
    changes.do_resume(office, published_list, "批复已下达", now=NOW + timedelta(minutes=6))
    kinds = set(Event.objects.filter(subject_id=published_list.pk).values_list("kind", flat=True))
    assert {"duty.paused", "duty.resumed"} <= kinds
    html = as_(office).get(page_url(published_list)).content.decode()
    assert 'data-kind="list.suspended"' in html and 'data-kind="list.resumed"' in html
    assert 'data-kind="duty.paused"' not in html and 'data-kind="duty.resumed"' not in html
