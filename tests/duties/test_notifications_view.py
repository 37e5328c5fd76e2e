"""The inbox page (/inbox/) and its mark-read action: own notifications only, the unread count in the
header, one or all marked read, no open redirect, and each notice in the reader's language."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from luoshi.duties.signing import do_sign
from luoshi.duties.sweep import sweep
from luoshi.notify.models import Notification
from tests.conftest import NOW
from tests.duties.conftest import at, publish

INBOX = reverse("notify:inbox")
READ = reverse("notify:read")


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def notify(person, title, minutes=0, url="", read=False) -> Notification:
    return Notification.objects.create(
        recipient=person,
        kind="escalation.urge",
        title=title,
        body=f"{title}：请尽快报送",
        url=url,
        created_at=NOW - timedelta(minutes=minutes),
        read_at=NOW if read else None,
    )


@pytest.fixture
def mine(liaison_a, liaison_b):
    notes = [
        notify(liaison_a, "催办通知 2026-CB-0001", minutes=30, url="/lists/1/"),
        notify(liaison_a, "督办单 2026-DB-0001", minutes=20),
        notify(liaison_a, "提醒：报告将到期", minutes=10, read=True),
    ]
    notify(liaison_b, "城关区的催办通知")
    return notes


def unread_badge(response) -> str | None:
    html = response.content.decode()
    marker = 'id="unread-count">'
    if marker not in html:
        return None
    return html.split(marker, 1)[1].split("<", 1)[0]


def test_the_inbox_shows_ones_own_notifications_newest_first(as_, liaison_a, mine):
    response = as_(liaison_a).get(INBOX)
    assert response.status_code == 200
    assert [n.title for n in response.context["page"]] == [
        "提醒：报告将到期",
        "督办单 2026-DB-0001",
        "催办通知 2026-CB-0001",
    ]
    html = response.content.decode()
    assert "城关区的催办通知" not in html
    assert unread_badge(response) == "2"


def test_the_unread_filter(as_, liaison_a, mine):
    response = as_(liaison_a).get(INBOX, {"unread": "1"})
    assert [n.title for n in response.context["page"]] == ["督办单 2026-DB-0001", "催办通知 2026-CB-0001"]


def test_the_inbox_needs_a_sign_in(client, db):
    response = client.get(INBOX)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.post(READ).status_code == 302


def test_marking_one_read_follows_its_link(as_, liaison_a, mine):
    urge = mine[0]
    client = as_(liaison_a)
    response = client.post(READ, {"id": urge.pk, "next": urge.url})
    assert response.status_code == 302 and response.url == "/lists/1/"
    urge.refresh_from_db()
    assert urge.read_at == NOW
    assert Notification.objects.filter(recipient=liaison_a, read_at__isnull=True).count() == 1
    assert unread_badge(client.get(INBOX)) == "1"


def test_marking_one_read_without_a_link_returns_to_the_inbox(as_, liaison_a, mine):
    response = as_(liaison_a).post(READ, {"id": mine[1].pk})
    assert response.status_code == 302 and response.url == INBOX
    mine[1].refresh_from_db()
    assert mine[1].read_at is not None


def test_nobody_marks_anothers_notification(as_, liaison_b, liaison_a, mine):
    response = as_(liaison_b).post(READ, {"id": mine[0].pk})
    assert response.status_code == 302
    mine[0].refresh_from_db()
    assert mine[0].read_at is None


def test_mark_all_read_marks_only_ones_own(as_, liaison_a, liaison_b, mine):
    client = as_(liaison_a)
    response = client.post(READ)
    assert response.status_code == 302 and response.url == INBOX
    assert not Notification.objects.filter(recipient=liaison_a, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=liaison_b, read_at__isnull=True).count() == 1
    assert unread_badge(client.get(INBOX)) is None
    # a second "mark all" is harmless
    assert client.post(READ).status_code == 302


@pytest.mark.parametrize(
    "target", ["//evil.example/", "https://evil.example/", "http:/evil.example", "javascript:alert(1)", ""]
)
def test_the_redirect_stays_on_the_site(as_, liaison_a, mine, target):
    response = as_(liaison_a).post(READ, {"id": mine[0].pk, "next": target})
    assert response.status_code == 302 and response.url == INBOX


# Browsers read a backslash as a slash and drop tabs: both of these are "//evil.example/" to them.
@pytest.mark.parametrize("target", ["/\\evil.example/", "/\t/evil.example/"])
def test_the_redirect_is_not_fooled_by_backslashes_or_tabs(as_, liaison_a, mine, target):
    response = as_(liaison_a).post(READ, {"id": mine[0].pk, "next": target})
    assert response.status_code == 302 and response.url == INBOX


def test_a_bad_id_is_no_server_error(as_, liaison_a, mine):
    assert as_(liaison_a).post(READ, {"id": "abc"}).status_code == 400
    assert Notification.objects.filter(recipient=liaison_a, read_at__isnull=True).count() == 2  # untouched
    assert as_(liaison_a).get(READ).status_code == 405


def test_the_inbox_runs_a_constant_number_of_queries(as_, liaison_a, mine, django_assert_max_num_queries):
    client = as_(liaison_a)
    with CaptureQueriesContext(connection) as few:
        client.get(INBOX)
    for i in range(12):
        notify(liaison_a, f"通知{i}", minutes=40 + i)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(INBOX)
    assert len(response.context["page"]) == 15


@pytest.fixture
def urge_note(office, leader, unit_a, liaison_a, head_a):
    """A real urge notice from the sweep, made while Chinese is active (as the worker runs)."""
    rlist = publish(office, unit_a, leader=leader)  # first report due Mon 03-09: urged on Tue 03-10
    do_sign(liaison_a, rlist.duties.get(), now=at(date(2026, 3, 2), 10))  # signed for: no sign reminder
    with time_machine.travel(at(date(2026, 3, 10)), tick=False), translation.override("zh-hans"):
        sweep(at(date(2026, 3, 10)))
    return Notification.objects.get(recipient=liaison_a, kind="escalation.urge")


def test_an_english_reader_reads_the_notice_in_english(as_, liaison_a, urge_note):
    english_title, english_body = urge_note.text_in("en")
    assert english_title.startswith("Urge notice 2026-CB-0001")
    assert urge_note.title.startswith("催办通知 2026-CB-0001")  # stored in the office's language
    html = as_(liaison_a).get(INBOX).content.decode()  # as_ reads with the English cookie
    assert escape(english_title) in html and escape(english_body) in html
    assert "催办通知" not in html


def test_a_reader_without_a_choice_reads_chinese(client, liaison_a, urge_note):
    client.force_login(liaison_a)
    html = client.get(INBOX).content.decode()
    assert escape(urge_note.title) in html and escape(urge_note.body) in html
    assert "Urge notice" not in html


def test_the_api_answers_in_the_requests_language(api, liaison_a, urge_note):
    caller = api(liaison_a)
    chinese = caller.client.get("/api/v1/notifications", headers=caller.headers).json()["items"]
    english = caller.client.get("/api/v1/notifications", headers={**caller.headers, "Accept-Language": "en"}).json()[
        "items"
    ]
    assert [(n["title"], n["body"]) for n in chinese] == [(urge_note.title, urge_note.body)]
    assert [(n["title"], n["body"]) for n in english] == [urge_note.text_in("en")]
    assert english[0]["title"].startswith("Urge notice 2026-CB-0001")
