"""Per-person preferences in notify_many: a muted kind reaches nobody who muted it, the ladder cannot
be muted, and only the chosen channel kinds carry a notice."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from luoshi.errors import InvalidInput, NotAllowed
from luoshi.events.models import Event
from luoshi.notify.models import Channel, Delivery, Notification, Preference
from luoshi.notify.preferences import ALL_CHANNELS, Choice, do_set_preferences, settings_of
from luoshi.notify.services import Message, notify_many
from luoshi.workdays import calendar
from tests.conftest import NOW, make_person

pytestmark = pytest.mark.usefixtures("notice_kinds")

ASSIGNED = Message(kind="duty.assigned", title="新任务：推进园区建设", body="市工信委：请牵头落实", url="/lists/1/")
URGE = Message(kind="escalation.urge", title="催办通知 2026-CB-0001", body="市工信委：报告已逾期3个工作日")


@pytest.fixture
def channels(receiver):
    return {
        kind: Channel.objects.create(kind=kind, name=kind, url=receiver.url)
        for kind in ("email", "sms", "wecom", "dingtalk")
    }


@pytest.fixture
def addressed(people, head_a):
    head_a.email, head_a.phone = "head@gxw.example.gov.cn", "13800000002"
    head_a.save()
    return people


def choose(person, kind: str, muted: bool = False, channels=ALL_CHANNELS) -> None:
    do_set_preferences(person, person, [Choice(kind, muted, channels)], now=NOW)


def deliveries_by_kind() -> list[tuple[str, str]]:
    return sorted(Delivery.objects.values_list("channel__kind", "to"))


def test_a_muted_kind_reaches_neither_the_inbox_nor_a_channel_of_that_person_but_others_still_get_it(
    addressed, channels
):
    liaison, head = addressed
    choose(liaison, "duty.assigned", muted=True)
    notes = notify_many([(p, ASSIGNED) for p in addressed], NOW)
    assert [n.recipient_id for n in notes] == [head.pk]
    assert not Notification.objects.filter(recipient=liaison).exists()
    assert not Delivery.objects.filter(to__in=[liaison.email, liaison.phone]).exists()
    assert deliveries_by_kind() == [
        ("dingtalk", ""),
        ("email", "head@gxw.example.gov.cn"),
        ("sms", "13800000002"),
        ("wecom", ""),
    ]


def test_a_kind_muted_by_every_recipient_creates_nothing(addressed, channels):
    for person in addressed:
        choose(person, "duty.assigned", muted=True)
    assert notify_many([(p, ASSIGNED) for p in addressed], NOW) == []
    assert not Notification.objects.exists() and not Delivery.objects.exists()


def test_muting_one_kind_leaves_the_other_kinds_alone(addressed):
    liaison, _head = addressed
    choose(liaison, "duty.assigned", muted=True)
    notify_many([(liaison, Message(kind="list.closed", title="清单已销号", body="")), (liaison, ASSIGNED)], NOW)
    assert list(Notification.objects.values_list("kind", flat=True)) == ["list.closed"]


def test_ladder_kinds_cannot_be_muted_whatever_their_registration_says(notice_kinds, liaison_a):
    assert not notice_kinds.is_mutable("escalation.urge")
    assert notice_kinds.get("escalation.urge").mutable is False
    with pytest.raises(InvalidInput) as refused:
        choose(liaison_a, "escalation.urge", muted=True)
    assert refused.value.field == "items.0.muted"
    assert not Preference.objects.exists()


def test_a_ladder_notice_reaches_the_inbox_even_if_a_stored_row_says_muted(addressed, channels):
    liaison, _head = addressed
    # As if written before the kind became a ladder step, or by hand: the row's "muted" is not obeyed.
    Preference.objects.create(person=liaison, kind="escalation.urge", muted=True, channels=["sms"], updated_at=NOW)
    notify_many([(liaison, URGE)], NOW)
    assert Notification.objects.filter(recipient=liaison, kind="escalation.urge").count() == 1
    assert deliveries_by_kind() == [("sms", "13800000001")]  # the channel choice still applies


def test_a_ladder_kind_with_no_outside_channel_still_reaches_the_inbox(addressed, channels):
    liaison, _head = addressed
    choose(liaison, "escalation.urge", channels=[])
    notify_many([(liaison, URGE)], NOW)
    assert Notification.objects.filter(recipient=liaison).count() == 1
    assert not Delivery.objects.exists()


def test_the_channel_choice_limits_deliveries_to_the_chosen_kinds(addressed, channels):
    liaison, head = addressed
    choose(liaison, "duty.assigned", channels=["email", "wecom"])
    choose(head, "duty.assigned", channels=["email"])
    notify_many([(p, ASSIGNED) for p in addressed], NOW)
    assert Notification.objects.count() == 2
    # No SMS for either; the WeCom group once (the liaison wants it); DingTalk nobody wants.
    assert deliveries_by_kind() == [
        ("email", "head@gxw.example.gov.cn"),
        ("email", "liaison@gxw.example.gov.cn"),
        ("wecom", ""),
    ]


def test_a_group_robot_posts_once_when_several_recipients_want_it(addressed, channels):
    notify_many([(p, ASSIGNED) for p in addressed], NOW)
    assert Delivery.objects.filter(channel__kind="wecom").count() == 1
    assert Delivery.objects.filter(channel__kind="email").count() == 2


def test_unregistered_kinds_go_everywhere_as_before(addressed, channels):
    liaison, _head = addressed
    Preference.objects.create(person=liaison, kind="lists.other", muted=True, channels=[], updated_at=NOW)
    notify_many([(liaison, Message(kind="lists.other", title="其他", body=""))], NOW)
    assert Notification.objects.count() == 1
    assert Delivery.objects.count() == 4


def test_notify_many_reads_everyones_preferences_in_one_query(unit_a, channels):
    def queries_for(n: int) -> int:
        people = [make_person(f"p{n}-{i}", ["liaison"], unit_a, email=f"p{n}-{i}@example.cn") for i in range(n)]
        for person in people[::2]:
            choose(person, "duty.assigned", channels=["email"])
        for person in people[1::3]:
            choose(person, "duty.assigned", muted=True)
        calendar.load()  # read once per minute, not per call: out of the count
        with CaptureQueriesContext(connection) as captured:
            notify_many([(p, ASSIGNED) for p in people], timezone.now())
        return len(captured)

    few, many = queries_for(3), queries_for(40)
    assert few == many
    assert few <= 5  # preferences, inbox rows, channels, addresses, deliveries


def test_only_the_person_themself_or_an_administrator_may_change_their_preferences(liaison_a, head_a, admin):
    with pytest.raises(NotAllowed):
        do_set_preferences(head_a, liaison_a, [Choice("duty.assigned", True, [])])
    do_set_preferences(admin, liaison_a, [Choice("duty.assigned", True, [])])
    event = Event.objects.get(kind="notify.preferences")
    assert (event.actor, event.subject_type, event.subject_id) == (admin, "person", liaison_a.pk)
    assert event.before == {"duty.assigned": {"muted": False, "channels": list(ALL_CHANNELS)}}
    assert event.after == {"duty.assigned": {"muted": True, "channels": []}}


def test_saving_the_same_choices_twice_stores_one_row_and_records_one_event(liaison_a):
    for _ in range(2):
        choose(liaison_a, "duty.assigned", muted=True, channels=["sms", "email", "sms"])
    pref = Preference.objects.get()
    assert (pref.muted, pref.channels) == (True, ["email", "sms"])
    assert Event.objects.filter(kind="notify.preferences").count() == 1


def test_choosing_the_default_again_removes_the_row(liaison_a):
    choose(liaison_a, "duty.assigned", channels=["email"])
    choose(liaison_a, "duty.assigned")
    assert not Preference.objects.exists()
    assert Event.objects.filter(kind="notify.preferences").count() == 2


def test_settings_list_every_registered_kind_with_the_persons_choice_or_the_default(liaison_a):
    choose(liaison_a, "list.closed", muted=True, channels=["wecom"])
    assert [(s.kind, s.mutable, s.muted, s.channels) for s in settings_of(liaison_a)] == [
        ("duty.assigned", True, False, ALL_CHANNELS),
        ("list.closed", True, True, ("wecom",)),
        ("escalation.urge", False, False, ALL_CHANNELS),
    ]


@pytest.mark.parametrize(
    ("choices", "field"),
    [
        ([Choice("duty.unknown", False, [])], "items.0.kind"),
        ([Choice("list.closed", False, []), Choice("duty.assigned", False, ["fax"])], "items.1.channels"),
        ([Choice("list.closed", False, []), Choice("list.closed", True, [])], "items.1.kind"),
    ],
)
def test_an_unknown_kind_or_channel_is_refused_naming_the_field(liaison_a, choices, field):
    with pytest.raises(InvalidInput) as refused:
        do_set_preferences(liaison_a, liaison_a, choices)
    assert refused.value.field == field
    assert not Preference.objects.exists()


@pytest.mark.parametrize("bad", ["Duty.Assigned", "duty", "duty.", "x" * 31 + ".y", "duty assigned"])
def test_a_kind_is_registered_only_as_dotted_lower_case_words(notice_kinds, bad):
    with pytest.raises(ValueError):
        notice_kinds.register(bad, "?")
