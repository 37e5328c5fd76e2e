"""Every hand-off reaches whoever must act next, once, in the inbox: completion and extension requests the
office (and the leader), the decisions the unit, striking off the units and the leader. Nothing is sent
for a write that rolls back; a muted hand-off stays away while the ladder's steps still arrive."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from luoshi.duties import completion as duty_completion
from luoshi.duties import handoffs
from luoshi.duties import services as duty_services
from luoshi.errors import InvalidInput
from luoshi.lists import completion as list_completion
from luoshi.notify import kinds
from luoshi.notify.models import Notification, Preference
from luoshi.notify.preferences import ALL_CHANNELS, Choice, do_set_preferences, settings_of
from tests.conftest import NOW, days, login
from tests.duties.conftest import publish
from tests.duties.test_ladder import walk

EVERYONE = ("office", "leader", "other_leader", "liaison_a", "head_a", "liaison_b", "outsider")


@pytest.fixture
def cast(office, leader, other_leader, liaison_a, head_a, liaison_b, outsider):
    return dict(zip(EVERYONE, (office, leader, other_leader, liaison_a, head_a, liaison_b, outsider), strict=True))


@pytest.fixture
def announced(django_capture_on_commit_callbacks):
    """announced(write, *args, **kwargs): run a write and the notices it queues for its commit."""

    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


@pytest.fixture
def live(published_list):
    """The published list's duties: unit A leads, unit B takes part; the inbox starts empty."""
    Notification.objects.all().delete()
    return published_list.duties.get(role="lead"), published_list.duties.get(role="co")


def who_got(kind: str) -> list[str]:
    """The usernames that received `kind`, one entry per notice."""
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def names(*people: str) -> list[str]:
    usernames = {"other_leader": "leader2", "outsider": "liaison_c"}
    return sorted(usernames.get(p, p) for p in people)


def the_notice(kind: str, username: str) -> Notification:
    return Notification.objects.get(kind=kind, recipient__username=username)


def test_asking_for_completion_tells_the_office_and_the_responsible_leader_only(announced, live, cast):
    lead, _co = live
    announced(duty_services.do_report, cast["liaison_a"], lead, progress=100, done="完成", request_completion=True)
    assert who_got("completion.requested") == names("office", "leader")
    note = the_notice("completion.requested", "office")
    assert note.url == f"/lists/{lead.owner_id}/"
    assert note.title.endswith(f"：{lead.code} {lead.title}")
    assert "市工信委" in note.body and "清单" in note.body  # Chinese by default: the unit and the noun 清单
    assert note.text_in("en")[0] == f"Completion requested：{lead.code} {lead.title}"
    assert note.text_in("en")[1] == (
        "市工信委 reports the work on this list done and asks for its completion to be accepted."
    )


def test_a_plain_report_hands_nothing_off(announced, live, cast):
    announced(duty_services.do_report, cast["liaison_a"], live[0], progress=40, done="推进中")
    assert not Notification.objects.exists()


def test_the_office_badge_counts_a_completion_request(announced, live, cast, client):
    announced(duty_services.do_report, cast["liaison_b"], live[1], progress=100, done="完成", request_completion=True)
    page = login(client, cast["office"]).get(reverse("notify:inbox"))
    assert '<span class="badge text-bg-warning" id="unread-count">1</span>' in page.content.decode()


def test_asking_for_an_extension_tells_the_office_only(announced, live, cast):
    lead, _co = live
    announced(duty_completion.do_request_extension, cast["head_a"], lead, days(90), "征地手续未批", now=NOW)
    assert who_got("extension.requested") == names("office")
    title, body = the_notice("extension.requested", "office").text_in("en")
    assert title == f"Extension requested：{lead.code} {lead.title}"
    assert body == (
        f"市工信委 asks to extend its deadline on this list from {days(60).isoformat()} to {days(90).isoformat()}. "
        "Reason: 征地手续未批"
    )


@pytest.fixture
def requested(live, cast):
    lead, _co = live
    duty_services.do_report(cast["liaison_a"], lead, progress=100, done="完成", request_completion=True, now=NOW)
    Notification.objects.all().delete()
    return lead


def test_a_returned_completion_tells_the_unit_why(announced, requested, cast):
    d = announced(duty_completion.do_return, cast["leader"], requested, " 佐证材料不全 ", now=NOW)
    assert who_got("completion.returned") == names("liaison_a", "head_a")
    note = the_notice("completion.returned", "liaison_a")
    assert note.url == f"/lists/{d.owner_id}/" and "佐证材料不全" in note.body
    assert note.text_in("en") == (
        f"Completion returned：{d.code} {d.title}",
        "The completion request of 市工信委 on this list was returned; the next report is due on "
        f"{d.next_report_due.isoformat()}. Reason: 佐证材料不全",
    )


def test_an_accepted_completion_tells_the_unit(announced, requested, cast):
    d = announced(duty_completion.do_accept, cast["office"], requested, now=NOW)
    assert who_got("completion.accepted") == names("liaison_a", "head_a")
    assert the_notice("completion.accepted", "head_a").text_in("en")[0] == f"Completion accepted：{d.code} {d.title}"


@pytest.mark.parametrize(
    ("approve", "title", "deadline"), [(True, "Extension approved", 90), (False, "Extension refused", 60)]
)
def test_an_extension_decision_tells_the_unit(announced, live, cast, approve, title, deadline):
    _lead, co = live
    ext = duty_completion.do_request_extension(cast["liaison_b"], co, days(90), "理由", now=NOW)
    Notification.objects.all().delete()
    announced(duty_completion.do_decide_extension, cast["office"], ext, approve, "按程序办理", now=NOW)
    assert who_got("extension.decided") == names("liaison_b")
    en_title, en_body = the_notice("extension.decided", "liaison_b").text_in("en")
    assert en_title == f"{title}：{co.code} {co.title}"
    verb = "is now" if approve else "stays"
    assert en_body == f"The deadline of 城关区 on this list {verb} {days(deadline).isoformat()}. Note: 按程序办理"


def test_striking_off_tells_every_unit_and_the_leader_once(announced, live, cast):
    for d, person in zip(live, (cast["liaison_a"], cast["liaison_b"]), strict=True):
        duty_services.do_report(person, d, progress=100, done="完成", request_completion=True, now=NOW)
        duty_completion.do_accept(cast["office"], d, now=NOW)
    Notification.objects.all().delete()
    rlist = live[0].owner
    announced(list_completion.do_close, cast["office"], rlist, now=NOW + timedelta(days=1))
    assert who_got("owner.closed") == names("liaison_a", "head_a", "liaison_b", "leader")
    assert the_notice("owner.closed", "leader").text_in("en") == (
        f"Struck off：{rlist.code} {rlist.title}",
        "This list is struck off: the work of every unit on it is accepted.",
    )


def test_a_write_that_rolls_back_announces_nothing(django_capture_on_commit_callbacks, live, cast):
    lead, _co = live
    with (
        django_capture_on_commit_callbacks(execute=True) as queued,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        duty_services.do_report(cast["liaison_a"], lead, progress=100, done="完成", request_completion=True)
        raise RuntimeError("a later step of the same request fails")
    assert queued == [] and not Notification.objects.exists()
    lead.refresh_from_db()
    assert lead.status == "open"


def test_the_notices_wait_for_the_commit(django_capture_on_commit_callbacks, live, cast):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        duty_services.do_report(cast["liaison_a"], live[0], progress=100, done="完成", request_completion=True)
    assert len(queued) == 1 and not Notification.objects.exists()
    queued[0]()
    assert who_got("completion.requested") == names("office", "leader")


def test_a_refused_write_announces_nothing(announced, requested, cast):
    with pytest.raises(InvalidInput):
        announced(duty_completion.do_return, cast["office"], requested, "  ", now=NOW)
    assert not Notification.objects.exists()


def test_the_settings_list_every_hand_off_as_mutable_and_the_ladder_as_not(liaison_a):
    tunable = {s.kind: s.mutable for s in settings_of(liaison_a)}
    hand_offs = [
        "duty.assigned",
        "completion.requested",
        "extension.requested",
        "completion.returned",
        "completion.accepted",
        "extension.decided",
        "owner.closed",
    ]
    ladder = ["escalation.reminder", "escalation.urge", "escalation.order", "escalation.talk_proposal"]
    assert {k: tunable[k] for k in hand_offs + ladder} == {
        **dict.fromkeys(hand_offs, True),
        **dict.fromkeys(ladder, False),
    }
    assert kinds.get(handoffs.OWNER_CLOSED) is not None


def test_a_muted_hand_off_stays_away_while_the_ladder_still_arrives(
    announced, office, leader, unit_a, liaison_a, head_a
):
    do_set_preferences(liaison_a, liaison_a, [Choice("duty.assigned", True, ALL_CHANNELS)], now=NOW)
    with pytest.raises(InvalidInput):
        do_set_preferences(liaison_a, liaison_a, [Choice("escalation.urge", True, ALL_CHANNELS)], now=NOW)
    announced(publish, office, unit_a, leader=leader)  # first report due Mon 03-09: urged on Tue 03-10
    assert who_got("duty.assigned") == names("head_a")
    walk(date(2026, 3, 10), date(2026, 3, 10), sweeps_per_day=1)
    assert who_got("escalation.urge") == names("liaison_a", "head_a")


def test_the_office_gets_the_talk_proposal_even_with_the_ladder_muted_behind_the_settings_back(
    office, leader, unit_a, liaison_a, head_a
):
    """A muted row for a ladder kind (written around do_set_preferences) is not honoured."""
    Preference.objects.create(person=office, kind="escalation.talk_proposal", muted=True, updated_at=timezone.now())
    for i in range(2):
        publish(office, unit_a, leader=leader, title=f"任务{i}")
    walk(date(2026, 3, 9), date(2026, 3, 16), sweeps_per_day=1)
    assert who_got("escalation.talk_proposal") == names("office")
