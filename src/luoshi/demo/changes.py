"""The demo city's lists as they change under way, and the units signing for their work (签收).

Run after the played year, through the services, at working-day moments of the last weeks: a co-unit
added, one withdrawn, the lead's work transferred, a unit's transfer request decided and another still
waiting, a deadline moved by a new instruction, a list suspended pending a provincial approval, one
cancelled because a new plan superseded it; and two lists published in the last days, whose units have
not all signed for them yet (one is past its time to sign). Units given work sign for it within hours.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from luoshi.demo.history import OFFICE
from luoshi.duties.models import DutyStatus, HandlingRole
from luoshi.duties.signing import do_sign
from luoshi.events.models import Event
from luoshi.lists import changes, services, transfers
from luoshi.lists.models import ListStatus, ResponsibilityList
from luoshi.org.models import Person, Role, Unit
from luoshi.workdays import calendar

NEW_LISTS = (
    # (title, lead, co units, working days ago published, requirements)
    (
        "开展城市燃气管道老化更新改造专项排查",
        "zjj",
        ("ajj", "cgw"),
        2,
        "对主城区老旧燃气管网逐段排查，建立问题台账，年底前完成首批改造并报送进展。",
    ),
    (
        "做好今冬明春清洁取暖保障工作",
        "fgw",
        ("zjj", "czj"),
        0,
        "落实气源电源保障和困难群众取暖补贴，确保供暖期内不发生断供停暖问题。",
    ),
)


def _moment(workdays_ago: int, hour: int, rng: random.Random, now: datetime) -> datetime:
    cal = calendar.load()
    day = cal.add_workdays(timezone.localdate(now), -workdays_ago) if workdays_ago else timezone.localdate(now)
    at = datetime.combine(day, time(hour), timezone.get_current_timezone()) + timedelta(minutes=rng.randint(0, 50))
    return min(at, now - timedelta(minutes=5))


def _after(rlist: ResponsibilityList, wanted: datetime, now: datetime) -> datetime:
    """`wanted`, unless the list's history runs later: then just after its last event (never after now),
    so that no change comes before what the units did on the list."""
    last = Event.objects.filter(subject_type="list", subject_id=rlist.pk).order_by("-at").values_list("at", flat=True)
    latest = last.first()
    at = max(wanted, latest + timedelta(minutes=7)) if latest else wanted
    return min(at, now - timedelta(seconds=30))


def _people(unit: Unit, role: str) -> Person:
    people = [p for p in Person.objects.filter(unit=unit, is_active=True).order_by("pk") if role in p.roles]
    return people[0]


def sign_new_duties(rlist: ResponsibilityList, rng: random.Random, now: datetime) -> None:
    """The units just given work on `rlist` sign for it within hours (their liaison)."""
    for duty in rlist.duties.filter(signed_at__isnull=True, status=DutyStatus.OPEN).select_related("unit"):
        at = min((duty.created_at or now) + timedelta(minutes=rng.randint(30, 240)), now - timedelta(minutes=1))
        do_sign(_people(duty.unit, Role.LIAISON), duty, now=at)


def change_some_lists(rng: random.Random, now: datetime) -> dict[str, ResponsibilityList]:
    """Apply one change of each kind to a different list in progress; returns them by kind."""
    office = {p.username: p for p in Person.objects.filter(username__in=set(OFFICE))}

    def clerk() -> Person:
        return office[rng.choice(OFFICE)]

    candidates = [
        rlist
        for rlist in ResponsibilityList.objects.filter(status=ListStatus.IN_PROGRESS).order_by("pk")
        if rlist.deadline > timezone.localdate(now) + timedelta(days=20)
    ]
    rng.shuffle(candidates)
    with_co = [r for r in candidates if r.duties.filter(role=HandlingRole.CO, status=DutyStatus.OPEN).exists()]
    departments = list(Unit.objects.filter(kind="department").order_by("pk"))
    done: dict[str, ResponsibilityList] = {}

    def take(pool: list[ResponsibilityList]) -> ResponsibilityList:
        rlist = next(r for r in pool if r.pk not in {d.pk for d in done.values()})
        return rlist

    def newcomer(rlist: ResponsibilityList) -> Unit:
        on_list = set(rlist.duties.values_list("unit_id", flat=True))
        return rng.choice([u for u in departments if u.pk not in on_list])

    rlist = take(candidates)
    unit = newcomer(rlist)
    changes.do_add_unit(
        clerk(),
        rlist,
        unit,
        HandlingRole.CO,
        "工作涉及资金保障，经研究增加配合单位。",
        now=_after(rlist, _moment(12, 10, rng, now), now),
    )
    sign_new_duties(rlist, rng, now)
    done["added"] = rlist

    rlist = take(with_co)
    co = rlist.duties.filter(role=HandlingRole.CO, status=DutyStatus.OPEN).select_related("unit").first()
    assert co is not None
    changes.do_withdraw_unit(
        clerk(),
        rlist,
        co.unit,
        "该单位承担的任务已并入另一责任清单，不再作为配合单位。",
        now=_after(rlist, _moment(9, 15, rng, now), now),
    )
    done["withdrawn"] = rlist

    rlist = take(candidates)
    lead = rlist.duties.filter(role=HandlingRole.LEAD, status=DutyStatus.OPEN).select_related("unit").first()
    assert lead is not None
    changes.do_transfer(
        clerk(), rlist, lead.unit, newcomer(rlist), "根据机构职能调整，该项工作改由新牵头单位承办。",
        now=_after(rlist, _moment(11, 11, rng, now), now),
    )  # fmt: skip
    sign_new_duties(rlist, rng, now)
    done["transferred"] = rlist

    # A unit says the work is not theirs: the office agrees and hands it on.
    rlist = take(with_co)
    co = rlist.duties.filter(role=HandlingRole.CO, status=DutyStatus.OPEN).select_related("unit").first()
    assert co is not None
    request, _created = transfers.do_request_transfer(
        _people(co.unit, Role.LIAISON), rlist, co.unit, "该事项属于行业监管职责，不在本单位职能范围内。",
        suggested_unit=newcomer(rlist), now=_after(rlist, _moment(7, 9, rng, now), now),
    )  # fmt: skip
    transfers.do_decide_transfer(
        clerk(), request, True, note="经核实职能，同意转办。", now=_after(rlist, _moment(6, 16, rng, now), now)
    )
    sign_new_duties(rlist, rng, now)
    done["transfer_approved"] = rlist

    # … and another request still waits for the office.
    rlist = take(with_co)
    co = rlist.duties.filter(role=HandlingRole.CO, status=DutyStatus.OPEN).select_related("unit").first()
    assert co is not None
    transfers.do_request_transfer(
        _people(co.unit, Role.UNIT_HEAD), rlist, co.unit, "本单位无相关审批权限，建议由属地政府牵头落实。",
        suggested_unit=newcomer(rlist), now=_after(rlist, _moment(1, 10, rng, now), now),
    )  # fmt: skip
    done["transfer_waiting"] = rlist

    rlist = take(candidates)
    changes.do_change_published(
        clerk(), rlist, {"deadline": rlist.deadline + timedelta(days=30)},
        "根据市政府常务会议最新部署，完成时限顺延一个月。", now=_after(rlist, _moment(5, 14, rng, now), now),
    )  # fmt: skip
    done["deadline_moved"] = rlist

    rlist = take(candidates)
    changes.do_suspend(
        clerk(),
        rlist,
        "项目用地需待省自然资源厅批复，暂缓推进，批复后恢复。",
        now=_after(rlist, _moment(8, 10, rng, now), now),
    )
    done["suspended"] = rlist

    rlist = take(candidates)
    changes.do_cancel(
        clerk(), rlist, "市委常委会议已部署新的专项行动方案，本清单事项并入新方案，予以撤销。",
        now=_after(rlist, _moment(15, 16, rng, now), now),
    )  # fmt: skip
    done["cancelled"] = rlist
    return done


def publish_new_lists(rng: random.Random, now: datetime, units: dict[str, Unit], leader: Person) -> None:
    """Two lists published in the last days: their units have not all signed for them yet."""
    for title, lead, co, ago, content in NEW_LISTS:
        at = _moment(ago, 9, rng, now)
        clerk = Person.objects.get(username=OFFICE[0])
        rlist = services.do_create_list(
            clerk,
            source="instruction",
            title=title,
            content=content,
            leader=leader,
            lead_unit=units[lead],
            co_units=[units[c] for c in co],
            deadline=timezone.localdate(now) + timedelta(days=75),
            report_every_days=14,
            milestones=[
                services.MilestoneInput(timezone.localdate(now) + timedelta(days=30), "完成排查并建立问题台账")
            ],
            now=at - timedelta(minutes=40),
        )
        rlist = services.do_publish(clerk, rlist, now=at)
        if ago:  # the older one: the lead signed the same morning, one co-unit the next day, one never did
            duties = list(rlist.duties.select_related("unit").order_by("-role", "pk"))
            do_sign(_people(duties[0].unit, Role.LIAISON), duties[0], now=at + timedelta(hours=2))
            do_sign(_people(duties[1].unit, Role.LIAISON), duties[1], now=_moment(ago - 1, 10, rng, now))
