"""The office's decisions on the talk proposals (约谈建议) of the past, as a working office takes them.

The replayed ladder leaves every past proposal unhandled, which no office's queue looks like. Here most
of those older than a few working days are handled one to four working days after they were made,
through the service, by an office member, with a note that fits what had happened by then: a talk held
while the unit was still late, or no talk because the unit had reported meanwhile. A few are left
(they show under 原因已消除), and the recent ones wait in the queue with today's.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from luoshi.demo.history import OFFICE
from luoshi.duties.models import Escalation, Step
from luoshi.duties.sweep import do_handle_talk_proposal
from luoshi.org.models import Person
from luoshi.workdays import calendar

WAITING_WORKDAYS = 3  # proposals of the last three working days are still to be decided
NOT_YET = 2  # nor have the two before them been (their units reported meanwhile: 原因已消除)
LEFT_ALONE = 0.05  # and now and then an older one nobody got round to

HELD = (
    "已于{day}约谈{unit}主要负责同志，指出逾期未报问题，要求限期直报进展。",
    "已于{day}对{unit}分管负责同志进行提醒谈话，单位已作出书面说明并明确整改时限。",
    "{day}会同责任领导办公室约谈{unit}主要负责同志，督促落实整改措施，纳入月度督查通报。",
    "已于{day}电话约谈{unit}主要负责同志，要求三个工作日内报送进展及整改措施。",
)
NOT_NEEDED = (
    "{unit}已于{ended}报送进展，经研究暂不约谈，已电话提醒按时直报。",
    "{unit}已于{ended}补报进展并说明原因，不再约谈，记入年度考核台账。",
    "经核实，{unit}已于{ended}报送，原因已消除，不再约谈。",
)


def _cn(day) -> str:
    return f"{day.month}月{day.day}日"


def handle_old_talk_proposals(rng: random.Random, now: datetime) -> int:
    """Handle most proposals made before the last few working days; returns how many."""
    cal = calendar.load()
    tz = timezone.get_current_timezone()
    since = datetime.combine(cal.add_workdays(timezone.localdate(now), -WAITING_WORKDAYS), time.min, tz)
    office = {p.username: p for p in Person.objects.filter(username__in=set(OFFICE))}
    proposals = list(
        Escalation.objects.filter(step=Step.TALK_PROPOSAL, handled_at__isnull=True, created_at__lt=since)
        .select_related("episode", "unit")
        .order_by("created_at", "pk")
    )
    handled = 0
    for esc in proposals[:-NOT_YET]:
        if rng.random() < LEFT_ALONE:
            continue
        day = cal.add_workdays(timezone.localdate(esc.created_at), rng.randint(1, 4))
        at = datetime.combine(day, time(9), tz) + timedelta(minutes=rng.randint(0, 8 * 60))
        if at >= now:
            continue
        closed = esc.episode.closed_at
        if closed is not None and closed <= at:
            note = rng.choice(NOT_NEEDED).format(unit=esc.unit.name, ended=_cn(timezone.localdate(closed)))
        else:
            note = rng.choice(HELD).format(unit=esc.unit.name, day=_cn(day))
        do_handle_talk_proposal(office[rng.choice(OFFICE)], esc, note, now=at)
        handled += 1
    return handled
