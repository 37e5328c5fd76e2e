"""Deliveries to outside channels: queued, sent to a local HTTP server, retried with backoff, logged."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from luoshi.notify.models import Channel, Delivery, DeliveryAttempt, Notification
from luoshi.notify.services import MAX_ATTEMPTS, Message, deliver_due, notify_many
from tests.conftest import NOW
from tests.notify.conftest import Receiver


@pytest.fixture(autouse=True)
def in_working_hours():
    """Outside channels deliver in working hours only (see test_hours.py): these run on Mon 10:00."""
    with time_machine.travel(NOW):
        yield


MESSAGE = Message(kind="escalation.urge", title="催办通知 2026-CB-0001", body="市工信委：报告已逾期3个工作日", url="/lists/1/")


def test_each_person_gets_an_inbox_row_and_robots_get_the_message_once(people, receiver):
    Channel.objects.create(kind="wecom", name="督查群", url=receiver.url)
    Channel.objects.create(kind="dingtalk", name="钉钉群", url=receiver.url)
    notify_many([(p, MESSAGE) for p in people], timezone.now())
    assert Notification.objects.count() == 2
    assert Delivery.objects.count() == 2  # one per robot, not one per recipient
    assert deliver_due() == {"sent": 2, "retry": 0, "failed": 0}
    assert receiver.received == [{"msgtype": "text", "text": {"content": f"{MESSAGE.title}\n{MESSAGE.body}"}}] * 2


def test_email_and_sms_reach_people_who_have_an_address(people, receiver):
    Channel.objects.create(kind="email", name="邮件")
    Channel.objects.create(kind="sms", name="短信网关", url=receiver.url)
    notify_many([(p, MESSAGE) for p in people], timezone.now())
    assert Delivery.objects.count() == 2  # head_a has neither e-mail nor phone
    deliver_due()
    assert [m.to for m in mail.outbox] == [["liaison@gxw.example.gov.cn"]]
    assert receiver.received[0]["phone"] == "13800000001"


def test_a_failing_channel_is_retried_with_backoff_then_given_up(people):
    failing = Receiver(status=500)
    try:
        Channel.objects.create(kind="wecom", name="坏群", url=failing.url)
        now = timezone.now()
        notify_many([(people[0], MESSAGE)], now)
        delivery = Delivery.objects.get()
        waits = []
        for _ in range(MAX_ATTEMPTS):
            assert deliver_due(now)["sent"] == 0
            delivery.refresh_from_db()
            waits.append(delivery.next_attempt_at - now)
            assert deliver_due(now) == {"sent": 0, "retry": 0, "failed": 0}  # not due again yet
            now = delivery.next_attempt_at
        delivery.refresh_from_db()
        assert delivery.status == "failed" and delivery.attempts == MAX_ATTEMPTS
        assert waits[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
        assert DeliveryAttempt.objects.filter(delivery=delivery, ok=False).count() == MAX_ATTEMPTS
        assert "HTTPError" in DeliveryAttempt.objects.first().detail
    finally:
        failing.close()


def test_a_robot_error_code_counts_as_a_failure(people):
    refusing = Receiver(body={"errcode": 93000, "errmsg": "invalid webhook url"})
    try:
        Channel.objects.create(kind="dingtalk", name="群", url=refusing.url)
        notify_many([(people[0], MESSAGE)], timezone.now())
        assert deliver_due()["retry"] == 1
        assert "93000" in DeliveryAttempt.objects.get().detail
    finally:
        refusing.close()


def test_one_failing_channel_does_not_hold_up_the_others(people, receiver):
    Channel.objects.create(kind="wecom", name="坏群", url="http://127.0.0.1:9/nothing-listens-here")
    Channel.objects.create(kind="dingtalk", name="好群", url=receiver.url)
    notify_many([(people[0], MESSAGE)], timezone.now())
    assert deliver_due() == {"sent": 1, "retry": 1, "failed": 0}
    assert len(receiver.received) == 1


def test_inactive_channels_get_nothing(people, receiver):
    Channel.objects.create(kind="wecom", name="停用", url=receiver.url, active=False)
    notify_many([(people[0], MESSAGE)], timezone.now())
    assert not Delivery.objects.exists()
