"""Report once (最多报一次) in the demo ledger: after the half-year audit the office adds a dozen running
responsibility lists to the ledger as tasks of the programmes they belong to, with the lists' own units,
leader and deadline, and links them, so the units' reports on the lists are their reports on the tasks.

Lists ending within three weeks come first: the lists' demo changes a few longer ones afterwards.
"""

from datetime import date, timedelta
from typing import TYPE_CHECKING

from luoshi.demo.ledger_plan import Spec
from luoshi.duties.models import DutyStatus, HandlingRole
from luoshi.ledger import services
from luoshi.lists.models import ListStatus, ResponsibilityList

if TYPE_CHECKING:
    from datetime import datetime

    from luoshi.demo.ledger import DemoLedger

LINKS = 12
# A list's words → the top task (by title) it joins.
HOMES = [
    (("棚户区",), "推进棚户区改造"),
    (("扶贫", "1236", "贫困", "帮扶"), "持续增加贫困群众收入，减少农村贫困人口"),
    (("重大项目", "投资"), "推进市级重大项目建设"),
    (("招商",), "招商引资新签项目和资金到位"),
    (("燃煤", "清洁能源", "供暖", "取暖", "燃气"), "集中供热燃煤锅炉清洁能源改造"),
    (("饮水", "供水", "水利"), "保障城市供水水质安全"),
    (("轨道交通", "公路", "道路", "国道"), "完善基础设施支撑体系"),
    (("黄河", "防洪"), "黄河兰州段综合治理"),
    (("食品", "菜篮子", "市场"), "创建国家食品安全示范城市"),
    (("学校", "校舍", "教育"), "新建改扩建中小学和幼儿园，缓解入学难"),
    (("乡村", "农"), "发展高原夏菜等特色农业"),
    (("科技", "创新"), "建设兰白科技创新改革试验区"),
    (("环保", "污染", "环境"), "完成主要污染物减排任务"),
    (("民营", "小微", "企业", "营商"), "优化营商环境"),
]
FALLBACK = "提升城市功能品质"


def _home(title: str) -> str | None:
    return next((home for words, home in HOMES if any(w in title for w in words)), None)


def plan_links(demo: "DemoLedger") -> None:
    tops = {spec.title: spec for spec in demo.tree}
    first = date(demo.year, 8, 3)
    soon = demo.today + timedelta(days=20)
    running = list(
        ResponsibilityList.objects.filter(status=ListStatus.IN_PROGRESS, published_at__isnull=False)
        .select_related("leader")
        .order_by("pk")
    )
    # The lists that end soon and belong somewhere first, then those that belong somewhere.
    running.sort(key=lambda r: (r.deadline > soon, _home(r.title) is None, r.pk))
    code_of = {u.pk: code for code, u in demo.units.items()}
    for i, rlist in enumerate(running[:LINKS]):
        assert rlist.published_at is not None and rlist.leader is not None  # published lists have both
        day = max(first + timedelta(days=6 * i), rlist.published_at.date() + timedelta(days=2))
        while not demo.cal.is_workday(day):
            day += timedelta(days=1)
        home = tops[_home(rlist.title) or FALLBACK]
        duties = sorted(
            (d for d in rlist.duties.exclude(status=DutyStatus.WITHDRAWN)),
            key=lambda d: (d.role != HandlingRole.LEAD, d.pk),
        )
        lead, co = code_of[duties[0].unit_id], tuple(code_of[d.unit_id] for d in duties[1:])
        spec = Spec(
            f"link:{rlist.pk}",
            home.programme,
            rlist.title,
            rlist.deadline,
            rlist.leader.username,
            lead,
            co,
            requirements=rlist.content.split("\n")[0][:500],
            every=rlist.report_every_days,
        )
        demo.push(demo.at(day, 10, 30) + timedelta(minutes=demo.rng.randint(0, 90)), _link(demo, home, spec, rlist))


def _link(demo: "DemoLedger", home: Spec, spec: Spec, rlist: ResponsibilityList):
    def act(moment: "datetime") -> None:
        reason = f"纳入总台账管理，与责任清单{rlist.code}合并报送，最多报一次。"
        task = demo.create(demo.office, spec, moment, parent=demo.task_of[id(home)], reason=reason)
        services.do_link_list(demo.office, task, rlist, now=moment + timedelta(minutes=2))

    return act
