"""The demo city: the article's figures from stored records, a believable history, the same city every time.

The city is built once for the package (tests/demo/conftest.py), inside a transaction rolled back at its end.
"""

import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

import pytest
from django.conf import global_settings
from django.utils import timezone

from luoshi.demo.city import (
    DEMO_PASSWORD,
    NEW_TITLES,
    DemoCityError,
    build_demo_city,
    demo_accounts,
    has_demo_city,
    leaders_of,
)
from luoshi.demo.names import UNITS
from luoshi.demo.plan import plan_year
from luoshi.duties.models import Duty, DutyStatus, Report
from luoshi.events.models import Event
from luoshi.lists.models import ListStatus, ResponsibilityList, Source
from luoshi.lists.queries import list_light, overview, with_lights
from luoshi.org.models import ApiToken, Person, Role, Unit
from tests.demo.conftest import snapshot

pytestmark = pytest.mark.django_db

NAMED_UNITS = (
    "市工信委",
    "市文化广播影视新闻出版局",
    "市城市管理委员会",
    "榆中县",
    "城关区",
    "皋兰县",
    "西固区",
    "市人社局",
    "市食药局",
    "市委农村工作办公室",
    "市委组织部",
)


@pytest.fixture
def office(city) -> Person:
    """Who sees every list: the supervision office (the administrator sees no business)."""
    return Person.objects.get(username="office")


def test_it_builds_150_lists_98_closed_50_in_progress_one_suspended_one_cancelled(office):
    """148 lists of the year, two more published in the last days; one suspended and one cancelled under way."""
    totals = overview(office, timezone.localdate().year)["lists"]
    assert (totals["issued"], totals["completed"], totals["in_progress"]) == (150, 98, 50)
    assert (totals["suspended"], totals["cancelled"]) == (1, 1)
    assert has_demo_city()


def test_it_has_at_least_40_units_and_10_leaders_with_portfolios(city):
    units = list(Unit.objects.select_related("parent"))
    assert len(units) >= 40
    assert {u.kind for u in units} == {"department", "district", "town", "office"}
    assert set(NAMED_UNITS) <= {u.name for u in units}
    assert all(u.parent and u.parent.kind == "district" for u in units if u.kind == "town")
    assert {u.name for u in units if u.kind == "office"} >= {"市委督查室", "市政府督查室"}
    leaders = [p for p in Person.objects.prefetch_related("supervised_units") if p.has_role(Role.LEADER)]
    assert len(leaders) >= 10
    assert all(p.supervised_units.all() and p.title and not p.name.isascii() for p in leaders)
    assert any("常务副市长" in p.title for p in leaders)
    supervised = {u.pk for p in leaders for u in p.supervised_units.all()}
    assert all(u.pk in supervised for u in units if u.kind != "office")


def test_every_unit_has_a_liaison_and_a_head(city):
    roles = defaultdict(set)
    for person in Person.objects.exclude(unit=None):
        roles[person.unit_id].update(person.roles)
    for unit in Unit.objects.exclude(kind="office"):
        assert {Role.LIAISON, Role.UNIT_HEAD} <= roles[unit.pk], unit.name


def test_usernames_are_ascii_names_chinese_and_everyone_has_the_demo_password(city, settings):
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS  # the city was built with the real ones
    people = list(Person.objects.all())
    assert all(p.username.isascii() and not p.name.isascii() for p in people)
    assert len({p.password for p in people}) == 1
    assert Person.objects.get(username="gxw_liaison").check_password(DEMO_PASSWORD)
    admin = Person.objects.get(username="admin")
    assert admin.roles == [Role.ADMIN] and admin.is_staff and not admin.is_superuser
    # The three privileged roles are three people (三员分立), none of them in the business.
    assert Person.objects.get(username="security").roles == [Role.SECURITY]
    assert Person.objects.get(username="auditor").roles == [Role.AUDITOR]
    assert any(p.has_role(Role.OFFICE) for p in people)


def test_demo_accounts_are_the_ones_worth_printing(city):
    accounts = dict(demo_accounts())
    assert {"admin", "security", "auditor", "office", "gxw_liaison", "gxw_head", "cgq_head"} <= set(accounts)
    assert "cgq_liaison" in accounts and "不接触业务数据" in accounts["admin"]
    assert sum(1 for u in accounts if u.startswith("leader")) >= 2
    assert len(accounts) < 20
    assert all(not text.isascii() for text in accounts.values())
    assert Person.objects.filter(username__in=accounts).count() == len(accounts)


def test_the_printed_unit_accounts_have_work_in_progress(city):
    for name in ("市工信委", "城关区"):
        assert Duty.objects.filter(unit__name=name, list__status=ListStatus.IN_PROGRESS).exists(), name


def test_every_list_reads_like_a_real_work_item(city):
    published = list(ResponsibilityList.objects.exclude(status=ListStatus.DRAFT).prefetch_related("duties"))
    assert len({rl.title for rl in published}) == 150
    assert {rl.source for rl in published} == set(Source.values)
    assert all(not rl.title.isascii() and rl.content for rl in published)
    assert {rl.report_every_days for rl in published} <= {7, 14, 15, 30}
    assert all(rl.leader and rl.leader.has_role(Role.LEADER) for rl in published)
    for rl in published:
        roles = Counter(ob.role for ob in rl.duties.all() if ob.status != "withdrawn" or rl.status == "cancelled")
        assert roles["lead"] == 1 and 0 <= roles["co"] <= 4, rl.title  # a co-unit may have been added
    assert not ResponsibilityList.objects.filter(milestones=None).exists()
    assert len({rl.code for rl in published}) == 150


def test_the_history_is_in_the_past_and_in_order(city):
    today = timezone.localdate()
    assert not Event.objects.filter(at__gt=timezone.now()).exists()
    lists = ResponsibilityList.objects.exclude(status=ListStatus.DRAFT).exclude(title__in=NEW_TITLES)
    just_published = ResponsibilityList.objects.filter(title__in=NEW_TITLES)
    assert all(timezone.localdate(rl.published_at) >= today - timedelta(days=7) for rl in just_published)
    if today >= date(today.year, 4, 1):  # a real year to spread the lists over
        first, last = min(rl.published_at for rl in lists), max(rl.published_at for rl in lists)
        assert timezone.localdate(first) >= date(today.year, 1, 15)
        assert timezone.localdate(last) <= today - timedelta(days=40)
    start_of_today = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    assert all(rl.closed_at < start_of_today for rl in lists.filter(status=ListStatus.CLOSED))
    times = defaultdict(list)
    # The services' own events; the ladder's past is replayed afterwards (timelines sort by time).
    services_events = Event.objects.filter(subject_type="list").exclude(kind__startswith="escalation.")
    for subject_id, at in services_events.order_by("id").values_list("subject_id", "at"):
        times[subject_id].append(at)
    assert all(ats == sorted(ats) for ats in times.values())
    # Codes follow publication order.
    codes = [rl.code for rl in lists.order_by("published_at", "id")]
    assert codes == sorted(codes)


def test_progress_rises_to_a_completion_request_at_100(city):
    assert not Report.objects.filter(request_completion=True).exclude(progress=100).exists()
    for ob in Duty.objects.filter(status=DutyStatus.COMPLETED, owner_type__model="responsibilitylist").select_related(
        "last_report"
    )[:80]:
        assert ob.last_report.request_completion and ob.last_report.progress == 100
    assert Report.objects.exclude(difficulties="").count() > Report.objects.count() // 5


def test_some_in_progress_work_is_overdue_now(office):
    today = timezone.localdate()
    assert overview(office, today.year)["lists"]["overdue"] > 0
    lights = Counter(
        list_light(rl, today) for rl in with_lights(ResponsibilityList.objects.filter(status="in_progress"))
    )
    assert lights["yellow"] > 0 and lights["red"] > 0
    assert lights["green"] > lights["yellow"] + lights["red"]


def test_history_includes_returns_and_extensions(city):
    kinds = Counter(Event.objects.values_list("kind", flat=True))
    for kind in (
        "completion.returned",
        "completion.accepted",
        "extension.approved",
        "extension.refused",
        "list.closed",
    ):
        assert kinds[kind] > 0, kind
    assert all(e.note for e in Event.objects.filter(kind="completion.returned"))
    returned = set(Event.objects.filter(kind="completion.returned").values_list("subject_id", "unit_id"))
    accepted = set(Event.objects.filter(kind="completion.accepted").values_list("subject_id", "unit_id"))
    assert returned & accepted  # returned with a reason, then accepted
    assert ResponsibilityList.objects.filter(closed_late=True).exists()
    assert ResponsibilityList.objects.filter(closed_late=False).count() > 50


def test_it_is_repeatable_with_the_same_seed(city):
    ApiToken.issue(Person.objects.get(username="admin"))  # reset also clears what points at people
    build_demo_city(reset=True)
    again = snapshot()
    for key, rows in city["snapshot"].items():
        assert again[key] == rows, key


def test_it_refuses_to_build_over_existing_data_without_reset(city):
    with pytest.raises(DemoCityError):
        build_demo_city()
    assert ResponsibilityList.objects.exclude(status=ListStatus.DRAFT).count() == 150


@pytest.mark.parametrize("today", [date(2026, 1, 1), date(2026, 1, 20), date(2026, 3, 2), date(2026, 12, 31)])
def test_the_plan_fits_into_the_year_whatever_the_day(today):
    names = {code: name for code, name, _, _ in UNITS}
    plans = plan_year(random.Random(2015), today, names, leaders_of())
    assert Counter(p.status for p in plans) == {"closed": 98, "in_progress": 50, "draft": 2}
    assert len({p.item.title for p in plans}) == len(plans)
    first, last = date(today.year, 1, 1), max(date(today.year, 1, 1), today - timedelta(days=1))
    for plan in plans:
        assert first <= plan.created <= plan.deadline
        assert all(first <= step.day <= last for step in plan.steps)
        asked = [s for s in plan.steps if s.kind == "ext_request"]
        assert all(s.day <= plan.deadline < s.data["new_deadline"] for s in asked)
        units = defaultdict(list)
        for step in sorted(plan.steps, key=lambda s: (s.day, s.phase, s.ob, s.seq)):
            units[step.unit].append(step.seq)
        assert all(seqs == sorted(seqs) for unit, seqs in units.items() if unit)


def test_the_ladders_history_is_there_urges_orders_and_talk_proposals(city):
    from luoshi.duties.models import Escalation

    steps = set(Escalation.objects.values_list("step", flat=True))
    assert {"reminder", "urge", "order", "talk_proposal"} <= steps
    assert Escalation.objects.filter(step="urge", episode__closed_at__isnull=True).exists()  # some open today
    assert not Escalation.objects.filter(created_at__gt=timezone.now()).exists()


def test_the_office_has_handled_most_of_its_old_talk_proposals(city):
    from luoshi.duties.queries import talk_counts, talk_queue

    proposals = list(talk_queue())
    counts = talk_counts()
    old = [p for p in proposals if p.created_at < timezone.now() - timedelta(days=14)]
    handled = [p for p in proposals if p.handled_at]
    assert old and sum(1 for p in old if p.handled_at) >= 0.7 * len(old)
    assert counts["handled"] == len(handled) and counts["ended"] >= 1  # a few left, their cause gone
    for p in handled:
        assert p.created_at < p.handled_at < timezone.now() and p.handled_note
    # The queue's default view: live causes only, none on a list struck off.
    waiting = [p for p in proposals if not p.handled_at and not p.cause_ended]
    assert waiting and len(waiting) == counts["open"]
    assert all(p.duty.is_open and p.episode.closed_at is None for p in waiting)
    decided = Event.objects.filter(kind="escalation.talk_handled").select_related("actor")
    assert decided.count() == len(handled) and all(e.actor.has_role(Role.OFFICE) for e in decided)


def test_no_notice_is_stamped_outside_working_hours_whenever_the_demo_is_built(city):
    """Replay stamps working mornings; today's sweep runs only in working hours, as the worker's would."""
    from luoshi.duties.models import Escalation
    from luoshi.workdays.hours import in_working_hours

    stamps = list(Escalation.objects.values_list("created_at", flat=True))
    assert stamps and all(in_working_hours(at) for at in stamps)


def test_the_city_shows_lists_changed_under_way_and_units_signing_for_their_work(city):
    from luoshi.lists.transfers import TransferRequest

    kinds = set(Event.objects.filter(subject_type="list").values_list("kind", flat=True))
    assert {"list.changed", "list.suspended", "list.cancelled"} <= kinds
    assert Duty.objects.filter(status="withdrawn").count() >= 4  # a co-unit withdrawn, transfers, a cancelled list
    assert sorted(TransferRequest.objects.values_list("status", flat=True)) == ["approved", "pending"]
    # Every unit signed for its work, except on the two lists just published: one unit there is past its time.
    unsigned = Duty.objects.filter(signed_at__isnull=True, status="open", owner_type__model="responsibilitylist")
    assert set(unsigned.values_list("list__title", flat=True)) <= set(NEW_TITLES) and unsigned.count() == 4
    assert Duty.objects.filter(sign_reminded_at__isnull=False).count() == 1


def test_the_auditor_finds_two_weeks_of_sign_ins_a_lockout_and_its_release(city):
    trail = Event.objects.filter(kind__startswith="login")
    assert trail.filter(kind="login").count() > 100
    assert trail.exclude(address=None).count() == trail.count()  # every sign-in says from where
    liaison = Person.objects.get(username="gxw_liaison")
    lock = Event.objects.get(kind="login.locked", subject_id=liaison.pk)
    release = Event.objects.get(kind="login.released", subject_id=liaison.pk)
    assert lock.result == "refused" and lock.at < release.at and release.actor.username == "security"
    assert Event.objects.filter(kind="login.failed", actor=None, subject_type="login").exists()  # unknown names
    assert Event.objects.filter(kind="export").exists() and Event.objects.filter(kind="password.reset").exists()
    assert Person.objects.get(username="office").tokens.filter(revoked_at=None, name="督查大屏对接").exists()
