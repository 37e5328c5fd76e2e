"""Notices are rendered in every language when created: the inbox reads in the reader's language,
outside channels and old rows in the office's (Chinese)."""

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from luoshi.notify.models import Channel, Delivery, Notification
from luoshi.notify.services import TITLE_LENGTH, Message, in_every_language, notify_many


@in_every_language
def urge(number: str, days: int) -> Message:
    # Msgids the shipped catalogue translates: "Urge notice" is 催办通知, "Inbox" is 消息.
    return Message(kind="escalation.urge", title=f"{_('Urge notice')} {number}", body=f"{_('Inbox')} {days}")


def test_a_message_is_built_in_every_language_whatever_is_active():
    with translation.override("en"):
        message = urge("2026-CB-0001", 3)
    assert message.title == "催办通知 2026-CB-0001"  # the office's language first
    assert message.translations == (("en", "Urge notice 2026-CB-0001", "Inbox 3"),)
    assert message.text_in("en") == ("Urge notice 2026-CB-0001", "Inbox 3")
    assert message.text_in("zh-hans") == message.text_in("fr") == ("催办通知 2026-CB-0001", "消息 3")
    with translation.override("en"):
        assert message.text_in() == ("Urge notice 2026-CB-0001", "Inbox 3")


def test_a_language_that_reads_the_same_is_not_stored_twice():
    same = in_every_language(lambda: Message(kind="k", title="市工信委", body="2026-03-09"))()
    assert same.translations == ()


def test_the_inbox_row_reads_in_the_active_language(liaison_a):
    with translation.override("zh-hans"):
        (note,) = notify_many([(liaison_a, urge("2026-CB-0001", 3))], timezone.now())
    note = Notification.objects.get(pk=note.pk)
    assert (note.title, note.body) == ("催办通知 2026-CB-0001", "消息 3")
    assert note.text_in("en") == ("Urge notice 2026-CB-0001", "Inbox 3")
    assert note.text_in("en-us") == ("Urge notice 2026-CB-0001", "Inbox 3")
    assert note.text_in("zh-hans") == note.text_in("fr") == ("催办通知 2026-CB-0001", "消息 3")
    with translation.override("en"):
        assert (note.shown_title, note.shown_body) == ("Urge notice 2026-CB-0001", "Inbox 3")
    with translation.override("zh-hans"):
        assert note.shown_title == "催办通知 2026-CB-0001"


def test_rows_from_before_read_chinese_in_every_language(liaison_a):
    old = Notification.objects.create(
        recipient=liaison_a, kind="escalation.urge", title="催办通知 2026-CB-0009", body="请尽快报送", created_at=timezone.now()
    )
    assert old.texts == {}
    assert old.text_in("en") == old.text_in("zh-hans") == ("催办通知 2026-CB-0009", "请尽快报送")


def test_outside_channels_go_in_chinese_even_when_english_is_active(people):
    Channel.objects.create(kind="email", name="邮件")
    Channel.objects.create(kind="wecom", name="群", url="http://127.0.0.1:9/")
    with translation.override("en"):
        notify_many([(p, urge("2026-CB-0001", 3)) for p in people], timezone.now())
    assert {(d.subject, d.text) for d in Delivery.objects.all()} == {("催办通知 2026-CB-0001", "消息 3")}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_long_title_is_cut_to_the_column_not_refused(liaison_a, language):
    long = in_every_language(lambda: Message(kind="k", title=_("Urge notice") + "：" + "长" * 300, body=""))()
    (note,) = notify_many([(liaison_a, long)], timezone.now())
    title = Notification.objects.get(pk=note.pk).text_in(language)[0]
    assert len(title) == TITLE_LENGTH and title.endswith("…")
