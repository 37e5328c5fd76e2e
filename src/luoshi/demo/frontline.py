"""The demo city's frontline work (一线工作), played through the frontline services with past `now=`.

- Every leader's frontline days from January to yesterday: most leaders meet the rule (5 grassroots days,
  2 at supervised units) most months, some fall short; the current month is in progress. The main leader
  (the mayor: config.main_posts) makes 110+ research trips in 80+ days in the first half, as the article has.
- Problems met on those days; the frontline lists of the year's plan (source `frontline`) are the problems
  their leaders met, linked to them; without such lists, a few problems are made lists here.
- Cadres stationed at the second water source project (第二水源), on its ledger task where the ledger has it.
- Posting histories of a selection round's candidates (county_leading): some lack frontline experience, one
  of them is placed at the frontline.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db.models import Max
from django.utils import timezone

from luoshi.demo.ledger_figures import PROJECTS
from luoshi.demo.names import GIVEN, SURNAMES
from luoshi.events.services import record
from luoshi.frontline import config
from luoshi.frontline import services as fieldwork
from luoshi.frontline import services_people as people_services
from luoshi.frontline.models import FieldProblem, Fieldwork
from luoshi.frontline.rule import half_bounds, is_main_leader, month_bounds
from luoshi.ledger.models import Task
from luoshi.lists.models import ListStatus, ResponsibilityList, Source
from luoshi.lists.services import MilestoneInput
from luoshi.org.models import Person, Role, Unit

VILLAGES = [
    "南庄",
    "北湾",
    "红星",
    "新民",
    "东岗",
    "柳树",
    "金川",
    "上川",
    "下堡",
    "双店",
    "三角城",
    "高家",
    "马家",
    "杨家",
    "王家坪",
    "李家庄",
    "河湾",
    "青石",
]
ENTERPRISES = ("兰石集团", "佛慈制药", "兰州石化", "银光化学", "兰州新区现代农业公司", "榆中高原夏菜合作社")
PURPOSE = {
    "grassroots": (
        "调研农村饮水安全和脱贫攻坚工作",
        "调研基层党建和便民服务中心建设",
        "调研春耕生产和高原夏菜产销",
        "走访困难群众，察看危旧房改造",
        "调研企业生产经营和用工情况",
        "督导城乡环境卫生综合整治",
        "调研社区养老和“三不管”楼院整治",
    ),
    "supervised_unit": (
        "听取工作汇报，协调解决重点工作推进中的困难",
        "督导责任清单落实，现场办公",
        "研究年度目标任务完成情况",
    ),
    "project_site": (
        "现场察看项目建设进度，协调解决征地拆迁问题",
        "督导重大项目开复工，现场解决施工难题",
    ),
}
PROBLEMS = {
    "grassroots": (
        "村组道路硬化尚未完成，群众出行不便",
        "饮水管网老化，夏季高峰供水不足",
        "村卫生室缺少执业医师",
        "高原夏菜销售渠道不畅，价格波动大",
        "企业融资难、用工难",
        "老旧小区供暖管网漏损严重",
        "易地扶贫搬迁安置点配套设施不全",
    ),
    "supervised_unit": (
        "项目审批环节多、时限长",
        "专项资金拨付滞后",
        "跨部门协调机制不顺",
        "基层反映的问题办理回复不及时",
    ),
    "project_site": (
        "征地拆迁进度滞后，影响连续施工",
        "施工用电、用水未接通",
        "施工用地手续尚未办结",
    ),
}
# (username, unit, post) of the cadres stationed at the second water source.
STATIONED = """
slj_zs1 slj 市水务局水资源管理处副处长
slj_zs2 slj 市水务局建设管理处科员
xgq_zs1 xgq 西固区发展和改革局副局长
gtj_zs1 gtj 市国土资源局征地拆迁科科长
"""
# A selection round's candidates: username unit post | their postings (unit post category level from-to; …).
CANDIDATES = """
cadre01 fgw 市发改委综合科科长 | fgw 科员 general 科员 2008-2013; xfj 信访接待科副科长 petitions 副科级 2013-2017; fgw 综合科科长 general 正科级 2017-
cadre02 cgq 城关区委办公室副主任 | cgq 科员 general 科员 2009-2015; cgq 维稳办副主任 stability 副科级 2015-2019; cgq 区委办公室副主任 general 正科级 2019-
cadre03 swj 市商务局外经科科长 | zsj 招商一科副科长 investment 副科级 2012-2018; swj 外经科科长 general 正科级 2018-
cadre04 yzx 榆中县委组织部副部长 | yzx 驻村帮扶工作队队长 assistance 副科级 2014-2017; yzx 县委组织部副部长 general 正科级 2017-
cadre05 jtw 市交通运输委员会建设科科长 | jtw 科员 general 科员 2010-2016; jtw 轨道交通建设指挥部工程科科长 major_project 正科级 2016-
cadre06 czj 市财政局预算科科长 | czj 科员 general 科员 2009-2016; czj 预算科科长 general 正科级 2016-
cadre07 jyj 市教育局办公室主任 | jyj 科员 general 科员 2011-2017; jyj 办公室主任 general 正科级 2017-
cadre08 wjw 市卫生计生委医政科科长 | wjw 医政科副科长 general 副科级 2012-2018; wjw 医政科科长 general 正科级 2018-
"""
MAIN_TRIPS = 112  # the main leaders' research trips in the first half: "110余次"
LIST_MARK = "一线调研发现的"  # the plan's frontline lists: "解决市领导一线调研发现的…问题"


class DemoFrontline:
    def __init__(self, rng: random.Random, units: dict[str, Unit], people: dict[str, Person], now: datetime):
        self.rng, self.units, self.people, self.now = rng, units, people, now
        self.today = timezone.localdate(now)
        self.year = self.today.year
        self.office = people["office"]
        self.leaders = sorted((p for p in people.values() if p.has_role(Role.LEADER)), key=lambda p: p.username)
        through = Person.supervised_units.through
        self.supervised: dict[int, set[int]] = {p.pk: set() for p in self.leaders}
        for person_id, unit_id in through.objects.filter(person_id__in=self.supervised).values_list(
            "person_id", "unit_id"
        ):
            self.supervised[person_id].add(unit_id)
        self.by_pk = {u.pk: u for u in units.values()}
        self.towns = [u for u in units.values() if u.kind == "town"]
        self.projects = [(title, units[lead]) for title, lead, *_rest in PROJECTS if lead in units]
        self.entries = 0

    # -- the leaders' days ---------------------------------------------------------------------------
    def at(self, day: date, hour: int = 19) -> datetime:
        """When an entry of `day` was logged: that evening, or the next morning; never after now."""
        moment = datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())
        return min(moment + timedelta(minutes=self.rng.randint(0, 180)), self.now)

    def place(self, leader: Person, kind: str) -> tuple[str, Unit | None]:
        rng = self.rng
        if kind == "supervised_unit":
            own = [self.by_pk[pk] for pk in sorted(self.supervised[leader.pk]) if self.by_pk[pk].kind != "town"]
            unit = rng.choice(own)
            return unit.name, unit
        if kind == "project_site":
            title, unit = rng.choice(self.projects)
            return title, unit
        mine = [self.by_pk[pk] for pk in sorted(self.supervised[leader.pk]) if self.by_pk[pk].kind == "town"]
        town = rng.choice(mine if mine and rng.random() < 0.5 else self.towns)
        district = self.by_pk.get(town.parent_id) if town.parent_id else None
        where = f"{district.name if district else ''}{town.name}"
        if rng.random() < 0.2:
            return f"{where}{rng.choice(ENTERPRISES)}", town
        return f"{where}{rng.choice(VILLAGES)}{'社区' if town.name.endswith('街道') else '村'}", town

    def log(
        self,
        leader: Person,
        day: date,
        days: int,
        kind: str,
        problems: list[fieldwork.ProblemInput] | None = None,
        place: tuple[str, Unit | None] | None = None,
    ) -> Fieldwork:
        rng = self.rng
        where, unit = place or self.place(leader, kind)
        if problems is None:
            problems = [
                fieldwork.ProblemInput(rng.choice(PROBLEMS[kind]), solved=rng.random() < 0.5)
                for _ in range(rng.choice((0, 0, 0, 1, 1, 2)))
            ]
        actor = self.office if rng.random() < 0.3 else leader  # the office logs for a leader, too
        entry, _created = fieldwork.do_log_fieldwork(
            actor,
            leader=leader,
            date=day,
            days=days,
            kind=kind,
            place=where,
            unit=unit,
            purpose=rng.choice(PURPOSE[kind]),
            problems=problems,
            now=self.at(day + timedelta(days=days - 1)),
            supervised_ids=self.supervised[leader.pk],
        )
        self.entries += 1
        return entry

    def month(self, leader: Person, year: int, month: int, main: bool) -> None:
        rng = self.rng
        first, last = month_bounds(year, month)
        last = min(last, self.today - timedelta(days=1))  # days are logged after the fact
        if last < first:
            return
        share = ((last - first).days + 1) / ((month_bounds(year, month)[1] - first).days + 1)
        weekdays = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        weekdays = [d for d in weekdays if d.weekday() < 5]
        if main:
            grassroots, supervised, project, extra = 9 + rng.randint(0, 1), 3, 2, 6
        else:
            grassroots, supervised, project, extra = (
                rng.choice((5, 6, 6, 7)),
                rng.choice((2, 2, 3)),
                rng.choice((0, 0, 1)),
                1,
            )
            if rng.random() < 0.14:  # a short month
                if rng.random() < 0.5:
                    grassroots = rng.randint(2, 4)
                else:
                    supervised = rng.randint(0, 1)
        wanted = [round(n * share) for n in (grassroots, supervised, project)]
        if sum(wanted) > len(weekdays):
            wanted = [min(n, len(weekdays) // 3) for n in wanted]
        days = sorted(rng.sample(weekdays, sum(wanted)))
        kinds = ["grassroots"] * wanted[0] + ["supervised_unit"] * wanted[1] + ["project_site"] * wanted[2]
        rng.shuffle(kinds)
        plan = list(zip(days, kinds, strict=True))
        i = 0
        while i < len(plan):
            day, kind = plan[i]
            # Consecutive grassroots days, now and then, are one trip of two days.
            if (
                kind == "grassroots"
                and i + 1 < len(plan)
                and plan[i + 1] == (day + timedelta(days=1), kind)
                and rng.random() < 0.4
            ):
                self.log(leader, day, 2, kind)
                i += 2
                continue
            self.log(leader, day, 1, kind)
            i += 1
        for day, _kind in rng.sample(plan, min(len(plan), round(extra * share))):  # a second visit that day
            self.log(leader, day, 1, "grassroots")

    def days(self) -> None:
        posts = config.main_posts()
        main = [leader for leader in self.leaders if is_main_leader(leader.title, posts)]
        for month in range(1, self.today.month + 1):
            for leader in self.leaders:
                self.month(leader, self.year, month, leader in main)
            if month == 6:
                self.first_half(main)

    def first_half(self, main: list[Person]) -> None:
        """The article's figure, whatever the draws: the main leaders' 110+ research trips in the first half."""
        first, last = half_bounds(self.year, 1)
        for leader in main:
            rows = Fieldwork.objects.filter(leader=leader, date__gte=first, date__lte=last, kind="grassroots")
            days = sorted(set(rows.values_list("date", flat=True)))
            trips = Fieldwork.objects.filter(leader=leader, date__lte=last, last_date__gte=first).count()
            for day in self.rng.sample(days, min(len(days), max(0, MAIN_TRIPS - trips))):
                self.log(leader, day, 1, "grassroots")  # a second village that day

    # -- problems made lists -------------------------------------------------------------------------
    def link_plan_lists(self) -> int:
        """The plan's frontline lists are problems their leaders met some days before: entries linked to them."""
        lists = ResponsibilityList.objects.filter(source=Source.FRONTLINE).exclude(status=ListStatus.DRAFT)
        names = sorted(self.units.values(), key=lambda u: -len(u.name))
        linked = 0
        for rlist in lists.select_related("leader").order_by("created_at", "pk"):
            if rlist.leader is None or FieldProblem.objects.filter(list=rlist).exists():
                continue
            created = timezone.localdate(rlist.created_at)
            day = max(date(self.year, 1, 1), created - timedelta(days=self.rng.randint(2, 6)))
            if day >= created:
                continue
            unit = next((u for u in names if u.name in rlist.title), None)
            text = rlist.title.split(LIST_MARK, 1)[-1]
            district = self.by_pk.get(unit.parent_id) if unit and unit.parent_id else None
            place = (f"{district.name if district else ''}{unit.name}" if unit else text[:40], unit)
            entry = self.log(rlist.leader, day, 1, "grassroots", [fieldwork.ProblemInput(text)], place)
            problem = entry.problems.get()
            problem.list = rlist
            problem.save(update_fields=["list"])
            record(
                self.office,
                "field_problem.to_list",
                "fieldwork",
                entry.pk,
                unit_id=unit.pk if unit else None,
                after={"problem": problem.pk, "list": rlist.pk, "code": rlist.code},
                at=rlist.created_at,
            )
            linked += 1
        return linked

    def make_lists(self, count: int = 3) -> int:
        """Without the plan's frontline lists: the office makes a few recent problems lists, published after
        the last list published so far (list codes follow publication order)."""
        latest = ResponsibilityList.objects.exclude(published_at=None).aggregate(m=Max("published_at"))["m"]
        problems = FieldProblem.objects.filter(list=None, solved=False, fieldwork__unit__isnull=False)
        if latest:
            problems = problems.filter(fieldwork__logged_at__lt=latest)
        made = 0
        for problem in problems.select_related("fieldwork").order_by("-fieldwork__date", "-pk")[:count]:
            at = max(latest or problem.fieldwork.logged_at, problem.fieldwork.logged_at) + timedelta(minutes=10 + made)
            at = min(at, self.now)
            day = timezone.localdate(at)
            fieldwork.do_problem_to_list(
                self.office,
                problem,
                deadline=day + timedelta(days=60),
                report_every_days=30,
                milestones=[MilestoneInput(day + timedelta(days=20), "制定整改方案并报送市委督查室")],
                now=at,
            )
            made += 1
        return made

    # -- people at the frontline ---------------------------------------------------------------------
    def new_person(self, username: str, unit: Unit, title: str, roles: list[str] | None = None) -> Person:
        taken = set(Person.objects.values_list("name", flat=True))
        while (name := self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)) in taken:
            pass
        hashed = self.people["admin"].password  # the demo password, as everyone's
        person = Person.objects.create(
            username=username, name=name, title=title, unit=unit, roles=roles or [], password=hashed
        )
        self.people[username] = person
        return person

    def stationed(self) -> int:
        """Cadres stationed at the second water source project, on its ledger task where the ledger has it."""
        task = Task.objects.filter(title__contains="第二水源").order_by("depth", "pk").first()
        project = task.title if task else "兰州市第二水源地建设项目"
        begins = task.starts_on if task and task.starts_on else date(self.year, 3, 1)
        start = min(max(date(self.year, 1, 12), begins - timedelta(days=20)), self.today)
        for i, line in enumerate(STATIONED.strip().splitlines()):
            username, code, title = line.split()
            person = self.new_person(username, self.units[code], title)
            first = max(date(self.year, 1, 1), start - timedelta(days=i))
            end = first + timedelta(days=100) if i == 3 and first + timedelta(days=100) < self.today else None
            people_services.do_station(
                self.office, person=person, project=project, task=task, start=first, end=end, now=self.at(first, 10)
            )
        return i + 1

    def selection(self) -> None:
        """A county_leading round of eight candidates with their posting histories: three lack frontline
        experience, the first of them is placed at the petitions bureau."""
        rng, today = self.rng, self.today
        officer = self.new_person("zzb_officer", self.units["zzb"], "市委组织部干部一科科长", [Role.ORGANISATION])
        kept, people = self.at(date(self.year, 1, 8), 10), []
        for line in CANDIDATES.strip().splitlines():
            who, history = line.split(" | ")
            username, code, title = who.split()
            person = self.new_person(username, self.units[code], title)
            for posting in history.split("; "):
                unit, post, category, level, years = posting.split()
                first, last = years.split("-")
                people_services.do_add_posting(
                    officer,
                    person=person,
                    unit=self.units[unit],
                    post=post,
                    category=category,
                    level=level,
                    start=date(int(first), rng.choice((3, 7, 9)), 1),
                    end=date(int(last), rng.choice((2, 6, 8)), 28) if last else None,
                    now=kept,
                )
            people.append(person)
        asked = self.at(max(date(self.year, 1, 10), today - timedelta(days=45)), 10)
        title = f"{self.year}年拟推荐副县级领导干部人选"
        selection, _ = people_services.do_create_selection(
            officer, kind="county_leading", title=title, candidates=people, now=asked
        )
        lacking = selection.candidates.filter(eligible=False).order_by("pk").first()
        if lacking is not None:
            start = min(timezone.localdate(asked) + timedelta(days=7), today)
            people_services.do_place(
                officer,
                lacking,
                unit=self.units["xfj"],
                post="信访接待中心副主任（挂职）",
                category="petitions",
                level="正科级",
                start=start,
                planned_end=start + timedelta(days=365),
                now=self.at(start, 10),
            )


def build_frontline(
    rng: random.Random, units: dict[str, Unit], people: dict[str, Person], now: datetime
) -> dict[str, int]:
    """The year's frontline work until `now`; call it after the lists are played (it links the plan's
    frontline lists) and before lists are published later than those of the plan."""
    demo = DemoFrontline(rng, units, people, now)
    demo.days()
    linked = demo.link_plan_lists()
    made = 0 if linked else demo.make_lists()
    stationed = demo.stationed()
    demo.selection()
    return {"entries": demo.entries, "lists_linked": linked, "lists_made": made, "stationed": stationed}
