"""Publishing a list puts a notice in the inbox of each unit's liaison and head (and nobody else's),
on their channels too, in their language; and costs the same few queries for ten units as for two."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from luoshi.duties import handoffs
from luoshi.lists import services
from luoshi.notify.models import Channel, Delivery, Notification
from luoshi.org.models import Unit
from tests.conftest import NOW, TODAY, english, login, make_person


@pytest.fixture
def publish_announced(django_capture_on_commit_callbacks):
    def run(office, rlist):
        with django_capture_on_commit_callbacks(execute=True):
            return services.do_publish(office, rlist, now=NOW)

    return run


def test_publishing_tells_the_liaison_and_head_of_every_unit_and_nobody_else(
    publish_announced, draft_list, office, leader, other_leader, liaison_a, head_a, liaison_b, outsider
):
    rlist = publish_announced(office, draft_list)
    got = sorted(Notification.objects.filter(kind="duty.assigned").values_list("recipient__username", flat=True))
    assert got == ["head_a", "liaison_a", "liaison_b"]
    assert not Notification.objects.exclude(kind="duty.assigned").exists()
    note = Notification.objects.get(recipient=liaison_a)
    assert note.url == f"/lists/{rlist.pk}/"
    assert note.title.endswith(f"：{rlist.code} {rlist.title}") and "清单" in note.title  # Chinese by default
    due, deadline = (TODAY + timedelta(days=14)).isoformat(), (TODAY + timedelta(days=60)).isoformat()
    assert note.text_in("en") == (
        f"New list assigned：{rlist.code} {rlist.title}",
        f"市工信委 leads the work on this list, to be completed by {deadline}; the first report is due on {due}.",
    )
    co = Notification.objects.get(recipient=liaison_b).text_in("en")[1]
    assert (
        co
        == f"城关区 takes part in the work on this list, to be completed by {deadline}; the first report is due on {due}."
    )


def test_the_notice_reaches_the_channels_and_reads_english_for_an_english_reader(
    publish_announced, draft_list, office, liaison_a, head_a, client
):
    liaison_a.email = "liaison@gxw.example.gov.cn"
    liaison_a.save()
    Channel.objects.create(kind="email", name="邮件")
    rlist = publish_announced(office, draft_list)
    (mail,) = Delivery.objects.filter(to=liaison_a.email)
    assert mail.subject == Notification.objects.get(recipient=liaison_a).title  # the office's language
    page = english(login(client, liaison_a)).get(reverse("notify:inbox")).content.decode()
    assert f"New list assigned：{rlist.code}" in page
    assert '<span class="badge text-bg-warning" id="unread-count">1</span>' in page


def test_a_draft_that_fails_to_publish_announces_nothing(publish_announced, draft_list, office, liaison_a):
    publish_announced(office, draft_list)
    Notification.objects.all().delete()
    with pytest.raises(Exception, match="already published"):
        publish_announced(office, draft_list)
    assert not Notification.objects.exists()


def _list_of(office, leader, n: int):
    units = [Unit.objects.create(name=f"单位{n}-{i}", kind="department") for i in range(n)]
    for u in units:
        make_person(f"liaison-{u.pk}", ["liaison"], u, email=f"l{u.pk}@example.gov.cn")
        make_person(f"head-{u.pk}", ["unit_head"], u)
    return services.do_create_list(
        office,
        source="meeting",
        title=f"{n}家单位",
        content="",
        leader=leader,
        lead_unit=units[0],
        co_units=units[1:],
        deadline=TODAY + timedelta(days=60),
        report_every_days=14,
        now=NOW,
    )


def _handoff_queries(django_capture_on_commit_callbacks, office, rlist) -> tuple[int, int]:
    """(queries to read the recipients, queries of notify_many) for publishing `rlist`."""
    with django_capture_on_commit_callbacks(execute=False) as queued:
        rlist = services.do_publish(office, rlist, now=NOW)
    duties = list(rlist.duties.all())
    with CaptureQueriesContext(connection) as reading, django_capture_on_commit_callbacks(execute=False) as mine:
        handoffs.assigned(duties, NOW)
    with CaptureQueriesContext(connection) as sending:
        for callback in mine:
            callback()
    assert len(queued) == 1  # publishing itself queued one batch
    return len(reading), len(sending)


def test_announcing_a_list_of_ten_units_costs_the_same_queries_as_two(
    django_capture_on_commit_callbacks, office, leader
):
    Channel.objects.create(kind="email", name="邮件")
    Channel.objects.create(kind="wecom", name="群", url="http://127.0.0.1:9/")
    two = _handoff_queries(django_capture_on_commit_callbacks, office, _list_of(office, leader, 2))
    ten = _handoff_queries(django_capture_on_commit_callbacks, office, _list_of(office, leader, 10))
    assert two == ten
    assert Notification.objects.filter(kind="duty.assigned").count() == 2 * 2 + 2 * 10
