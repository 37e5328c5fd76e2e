"""The demo city's 登台剖析: the meeting of 27 August on the first half-year, through the services.

The office ranks every unit by the score of its stored facts (the lists', ledger's, inspections' and
talks' records the demo has written by then) with the default weights on 10 August and proposes the
worst four. The article's meeting had the heads of 市工信委, 市文化广播影视新闻出版局, 市城市管理委员会 and
榆中县 on its agenda: when the score proposes others, the office puts these four on and says so in
the agenda's note (kept in the record and printed on the agenda), naming what the score proposed and
where the four ranked. The agenda is confirmed on 20 August; after the meeting each head's two
commitments become the unit's duties, and the units report on them monthly (one is finished and
accepted, some reports are late or missing), up to `now`.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from luoshi.duties import completion as duty_completion
from luoshi.duties import owners
from luoshi.duties import services as duty_services
from luoshi.duties.models import Duty, Extension, Report
from luoshi.duties.signing import do_sign
from luoshi.org.models import Person, Unit
from luoshi.oversight import analysis
from luoshi.oversight.analysis_queries import ordered_rows, proposal_of
from luoshi.oversight.analysis_services import (
    CommitmentInput,
    commitment_duty,
    do_confirm_agenda,
    do_create_analysis,
    do_record_commitment,
    do_set_agenda,
)
from luoshi.oversight.models import Analysis, Commitment

SPEAKERS = ("gxw", "wgx", "cgw", "yzx")  # in the article's order
OFFICE = "office"


@dataclass(frozen=True)
class Pledge:
    text: str
    month: int  # the deadline: the last day of this month
    finished_in: int | None = None  # the month the unit finishes (and the office accepts), if it does


PLEDGES: dict[str, tuple[Pledge, Pledge]] = {
    "gxw": (
        Pledge(
            "对上半年督查发现的工业项目推进迟缓问题逐项建立整改台账，10月底前全部整改到位，按月向督查室直报进展。", 10
        ),
        Pledge("年底前完成重点工业项目年度投资计划，未按期开工的项目逐一明确责任人和完成时限。", 12),
    ),
    "wgx": (
        Pledge("10月底前完成文化惠民工程滞后项目的整改，补齐基层综合文化服务中心建设短板。", 10),
        Pledge("年底前完成广播电视户户通工程验收，逾期事项由主要负责同志亲自督办。", 12),
    ),
    "cgw": (
        Pledge("9月底前完成背街小巷环境卫生整治中群众反映问题的整改，逐条销号。", 9, finished_in=9),
        Pledge("年底前建成城市管理数字化平台并投入运行，做到问题发现、派单、处置闭环。", 12),
    ),
    "yzx": (
        Pledge("10月底前完成提醒约谈指出问题的整改，对清单落实不到位的乡镇逐一约谈。", 10),
        Pledge("年底前完成县域重点项目征地拆迁任务，每月报送进展和困难。", 12),
    ),
}
PROGRESS_WORDS = (
    "已召开专题会议研究部署，明确责任分工和时间节点。",
    "已完成问题清单梳理，正在逐项推进整改。",
    "整改工作按计划推进，部分事项已完成销号。",
    "主要任务基本完成，正在开展自查验收。",
)
DIFFICULTIES = ("个别项目资金尚未落实。", "涉及多部门协调，进度偏慢。", "")


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), timezone.get_current_timezone())


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def _note(a: Analysis, speakers: list[Unit]) -> str:
    """What the score proposed, where the four ranked, and why the office changed it."""
    rows = ordered_rows(a)
    names = {r.unit_id: r.unit.name for r in rows}
    ranks = {r.unit_id: r.rank for r in rows if analysis.has_facts(r.facts)}
    proposed = "、".join(names[u] for u in proposal_of(rows, a.count))
    placed = "、".join(f"{u.name}第{ranks[u.pk]}位" if u.pk in ranks else f"{u.name}期内无计分事项" for u in speakers)
    return (
        f"系统按上半年计分排名提出{proposed}；经市委研究，确定市工信委、市文化广播影视新闻出版局、"
        f"市城市管理委员会、榆中县主要负责同志登台剖析（计分排名：{placed}）。"
    )


def build_analysis(
    rng: random.Random, units: dict[str, Unit], people: dict[str, Person], now: datetime
) -> Analysis | None:
    """The 27 August meeting of `now`'s year on its first half-year; none before that half-year has ended."""
    year = timezone.localdate(now).year
    start, end, meeting = date(year, 1, 1), date(year, 6, 30), date(year, 8, 27)
    if timezone.localdate(now) <= end:
        return None  # the half-year's facts are not all in yet
    office = people[OFFICE]
    ranked_at = min(_at(date(year, 8, 10)), now)
    a, _created = do_create_analysis(
        office,
        period_from=start,
        period_to=end,
        meeting_on=meeting,
        count=len(SPEAKERS),
        title=f"{year}年上半年工作落实登台剖析会议",
        place="市委礼堂",
        now=ranked_at,
    )
    speakers = [units[code] for code in SPEAKERS]
    rows = ordered_rows(a)
    order = [r.unit_id for r in sorted((r for r in rows if r.chosen), key=lambda r: r.speaking_order or 0)]
    if order != [u.pk for u in speakers]:
        swapped = set(order) != {u.pk for u in speakers}
        do_set_agenda(
            office,
            a,
            [u.pk for u in speakers],
            heads={u.pk: people[f"{code}_head"].pk for code, u in zip(SPEAKERS, speakers, strict=True)},
            note=_note(a, speakers) if swapped else "按会议安排调整发言顺序。",
            now=min(ranked_at + timedelta(days=2), now),
        )
    a = do_confirm_agenda(office, a, now=min(_at(date(year, 8, 20)), now))
    recorded = _at(meeting + timedelta(days=1))
    if now < recorded:
        return a  # the meeting is still ahead: no commitments yet
    for code, unit in zip(SPEAKERS, speakers, strict=True):
        for i, pledge in enumerate(PLEDGES[code]):
            item = CommitmentInput(
                unit_id=unit.pk,
                text=pledge.text,
                deadline=_month_end(year, pledge.month),
                report_every_days=30,
                submission_key=f"demo-commitment-{year}-{code}-{i}",
            )
            c, _ = do_record_commitment(office, a, item, now=recorded + timedelta(minutes=10 * i))
            duty = commitment_duty(c)
            assert duty is not None
            liaison = people[f"{code}_liaison"]
            do_sign(liaison, duty, now=recorded + timedelta(hours=3))
            _report_monthly(rng, office, liaison, duty, pledge, year, now)
    a.refresh_from_db()
    return a


def _report_monthly(
    rng: random.Random, office: Person, liaison: Person, duty, pledge: Pledge, year: int, now: datetime
) -> None:
    """A report near the end of each month from September (one in five skipped: late), the last asking
    for completion where the unit finishes, which the office accepts two days later."""
    progress = 0
    for month in range(9, 13):
        day = date(year, month, 20 + rng.randint(0, 6))
        at = _at(day, 9 + rng.randint(0, 7), rng.randint(0, 59))
        if at > now:
            return
        finishing = pledge.finished_in == month
        if not finishing and rng.random() < 0.2:
            continue
        progress = 100 if finishing else min(90, progress + rng.choice((20, 25, 30)))
        words = "整改任务已全部完成，请予验收销号。" if finishing else rng.choice(PROGRESS_WORDS)
        duty_services.do_report(
            liaison,
            duty,
            progress=progress,
            done=words,
            difficulties="" if finishing else rng.choice(DIFFICULTIES),
            request_completion=finishing,
            now=at,
        )
        if finishing:
            accepted = at + timedelta(days=2)
            if accepted <= now:
                duty_completion.do_accept(office, duty, now=accepted)
            return
        duty.refresh_from_db()


def wipe_analysis() -> None:
    """Delete the meetings, their rankings and commitments with the commitments' duties, in an order
    PROTECT allows: a commitment's deletion would cascade to its duties, which their reports protect.
    The demo's reset calls it before the generic sweep of dependants (like the ledger's)."""
    duties = Duty.objects.filter(owner_type_id=owners.content_type_id("commitment"))
    duties.update(last_report=None)
    Report.objects.filter(duty__in=duties).delete()
    Extension.objects.filter(duty__in=duties).delete()
    duties.delete()  # their episodes and steps go with them
    Commitment.objects.all().delete()
    Analysis.objects.all().delete()  # the rankings go with them
