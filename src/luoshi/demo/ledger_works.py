"""The demo ledger's works with figures (major projects, shanty towns, clean air, poverty, 城关区's
communities) and the tree of all programmes (`build_tree`). Pure data, built on demo.ledger_plan.
"""

import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from luoshi.demo import ledger_figures as fig
from luoshi.demo import ledger_texts as tx
from luoshi.demo.ledger_plan import CENT, Ind, Spec, Tree, month_end

ONE = Decimal(1)


def _d(x: float) -> Decimal:
    return Decimal(str(x)).quantize(CENT, ROUND_HALF_UP)


class Works(Tree):
    def project(self, i: int, row: tuple) -> Spec:
        title, lead, co, total, annual, started, completes, story = row
        y, rng = self.year, self.rng
        start = date(y, *started) if started else None
        end = date(y, *completes) if completes else None
        key = f"proj:{i}"
        leader = self.leader(lead)
        spec = Spec(key, "重大项目", title, end or self.year_end(), leader, lead, co, weight=rng.choice((2, 3, 3, 4)))
        spec.starts_on, spec.completes_on = start, end
        spec.requirements = (
            f"总投资{total}亿元，年度计划投资{annual}亿元"
            + (f"，{start.month}月{start.day}日前开工" if start else "，续建项目")
            + (f"，{end.month}月{end.day}日前建成" if end else "")
            + "。"
        )
        if i == 1:
            spec.requirements = (
                "总投资2.58亿元，兰州市首条规模化建筑垃圾处理线，建成后为国内投资规模最大、设备最先进的"
                "建筑垃圾资源化项目，年底前建成投产。"
            )
        spec.indicators = [Ind("总投资", "亿元", total, kind="level"), Ind("年度完成投资", "亿元", annual)]
        first = ("完成项目前期手续办理", date(y, 3, 31)) if start else ("下达年度建设计划并春季复工", date(y, 3, 15))
        kids = [Spec(f"{key}:prep", "重大项目", first[0], first[1], leader, lead, weight=1)]
        if start:
            title0 = "输水隧洞工程开工（控制性工程，临夏州永靖县）" if i == 0 else "开工建设"
            ms = Spec(f"{key}:start", "重大项目", title0, month_end(y, start.month), leader, lead, weight=2)
            ms.starts_on, ms.story = start, "on_day"
            kids.append(ms)
        smonth = start.month if start else 1
        pace = 0.5 if story == "behind" else 1.0
        plan = self.plan(annual, smonth)
        done_month = end.month if story == "done" and end else 0
        values, last = {}, Decimal(0)
        for m in range(1, 12):
            behind = pace if m >= 4 else 1.0  # a project behind falls back after the first quarter
            value = max(_d(float(plan[m]) * behind * rng.uniform(0.97, 1.03)), last)
            if done_month and m >= done_month:
                value = annual
            values[m] = last = min(value, annual) if done_month else value
            if done_month and m >= done_month:
                break
        leaf = self.figures_leaf(
            f"{key}:money",
            "重大项目",
            f"完成年度投资{annual}亿元",
            lead,
            [
                Ind("总投资", "亿元", total, kind="level", values=dict.fromkeys(values, total)),
                Ind("年度完成投资", "亿元", annual, plan=plan, values=values),
            ],
            weight=3,
            done_month=done_month,
        )
        leaf.leader = leader
        if done_month:
            leaf.deadline = end or leaf.deadline
        kids.append(leaf)
        kids.append(Spec(f"{key}:sep", "重大项目", "完成年度形象进度节点", date(y, 9, 30), leader, lead, weight=2))
        if story == "behind":
            kids[-1].story = "open_late"
        if end:
            kids.append(Spec(f"{key}:end", "重大项目", "建成投产并组织验收", end, leader, lead, co[:1], weight=2))
        else:
            kids.append(Spec(f"{key}:year", "重大项目", "完成年度建设目标", self.year_end(), leader, lead, weight=1))
        if i == 0:  # the tunnel's start date stands on the project too
            kids.insert(
                2, Spec(f"{key}:plant", "重大项目", "净水厂及配套管网工程前期工作", date(y, 11, 30), leader, "slj")
            )
        spec.children = kids
        return spec

    def projects(self) -> Spec:
        total = sum((r[4] for r in fig.PROJECTS), Decimal(0))
        top = Spec(
            "projects",
            "重大项目",
            "推进市级重大项目建设",
            self.year_end(),
            "leader03",
            "fgw",
            requirements=f"{len(fig.PROJECTS)}个市级重大项目年度计划投资{total}亿元，实行领导包抓、一月一报、一季一观摩。",
            weight=5,
            indicators=[Ind("年度完成投资", "亿元", total, plan=self.plan(total))],
        )
        top.children = [self.project(i, row) for i, row in enumerate(fig.PROJECTS)]
        return top

    def shanty(self) -> Spec:
        y = self.year
        names = ("开工项目", "开工套数", "货币化安置")
        measures = ("个", "套", "户")
        by_district: dict[str, list[Spec]] = {}
        for district, place, flats, month, half, year_hh in fig.SHANTY:
            planned = month or 7
            started = {m: (ONE if month and m >= month else Decimal(0)) for m in range(1, 12)}
            built = {m: (Decimal(flats) if month and m >= month else Decimal(0)) for m in range(1, 12)}
            pace = 0.3 if not month else 1.0
            hh = self.series(Decimal(half), Decimal(year_hh), pace) if half else self._late_households(year_hh, month)
            hh = {m: v.quantize(ONE, ROUND_HALF_UP) for m, v in hh.items()}
            inds = [
                Ind(names[0], measures[0], ONE, plan={m: ONE if m >= planned else Decimal(0) for m in range(1, 13)}),
                Ind(names[1], measures[1], Decimal(flats), plan={m: Decimal(flats) if m >= planned else Decimal(0) for m in range(1, 13)}),
                Ind(names[2], measures[2], Decimal(year_hh), plan={m: v.quantize(ONE) for m, v in self.plan(Decimal(year_hh)).items()}),
            ]  # fmt: skip
            for ind, values in zip(inds, (started, built, hh), strict=True):
                ind.values = values
            title = f"{self.names[district]}{place}棚户区改造项目"
            leaf = self.figures_leaf(f"shanty:{place}", "民生实事", title, district, inds)
            leaf.requirements = f"改造{flats}套，{planned}月底前开工，同步推进货币化安置。"
            if month:
                leaf.starts_on = date(y, month, 1) + timedelta(days=self.rng.randint(5, 20))
            by_district.setdefault(district, []).append(leaf)
        districts = []
        for district, leaves in by_district.items():
            targets = [sum((leaf.indicators[i].target for leaf in leaves), Decimal(0)) for i in range(3)]
            districts.append(
                Spec(
                    f"shanty:{district}",
                    "民生实事",
                    f"{self.names[district]}棚户区改造",
                    self.year_end(),
                    self.leader(district),
                    district,
                    ("zjj",),
                    weight=min(3, len(leaves)),
                    indicators=[Ind(n, m, t) for n, m, t in zip(names, measures, targets, strict=True)],
                    children=leaves,
                )
            )
        targets = [sum((d.indicators[i].target for d in districts), Decimal(0)) for i in range(3)]
        return Spec(
            "shanty",
            "民生实事",
            "推进棚户区改造",
            self.year_end(),
            "leader09",
            "zjj",
            ("czj", "gtj"),
            requirements=(
                f"全年开工建设棚户区改造项目{targets[0]}个{targets[1]}套，货币化安置{targets[2]}户，"
                "各区县每月报送开工和安置进度。"
            ),
            weight=4,
            indicators=[Ind(n, m, t) for n, m, t in zip(names, measures, targets, strict=True)],
            children=districts,
        )

    def _late_households(self, year_hh: int, month: int) -> dict[int, Decimal]:
        """A project started in the second half: its households move out from two months before."""
        if not month:
            return {m: Decimal(year_hh * 0.02 * max(0, m - 6)) for m in range(1, 12)}
        first = max(7, month - 2)  # none in the first half
        return {m: Decimal(year_hh * min(1, max(0, m - first + 1) / (12 - first))) for m in range(1, 12)}

    def air(self) -> Spec:
        target = Decimal(fig.AIR_PLAN[-1])
        plan = {m: Decimal(v) for m, v in enumerate(fig.AIR_PLAN, 1)}
        days = Ind("空气质量达标天数", "天", target, plan=plan)
        days.values = {m: Decimal(v) for m, v in enumerate(fig.AIR_DAYS, 1)}
        leaf = self.figures_leaf("air:days", "生态环保", "城区空气质量新标准达标天数", "hbj", [days])
        leaf.requirements = "全年城区空气质量达标天数250天以上，较上年增加7天以上，每月通报。"
        subs = [
            ("燃煤锅炉和小火炉治理", "hbj", ("zjj",), "area"),
            ("建筑工地扬尘管控", "zjj", ("cgw",), "area"),
            ("道路扬尘和渣土车治理", "cgw", ("gaj",), "area"),
            ("机动车尾气污染治理", "gaj", ("hbj",), "area"),
            ("工业企业废气治理", "gxw", ("hbj",), "area"),
            ("餐饮油烟治理", "cgw", ("syj",), "area"),
            ("秸秆和垃圾焚烧管控", "nw", ("hbj",), "area"),
            ("重污染天气应急", "hbj", ("gaj",), "policy"),
        ]
        top = self.group("生态环保", "打赢大气污染防治攻坚战", "", "leader12", 5, subs)
        top.key, top.lead = "air", "hbj"
        top.requirements = "落实“治污、减排、控车、降尘、增容”措施，城区空气质量达标天数持续增加。"
        top.indicators = [Ind("空气质量达标天数", "天", target, plan=plan)]
        top.children.insert(0, leaf)
        return top

    def poverty(self) -> list[Spec]:
        leaves = []
        for county, target in fig.POVERTY:
            values = self.series(Decimal(target) * Decimal("0.42"), Decimal(target), self.rng.uniform(0.98, 1.04))
            ind = Ind("减少农村贫困人口", "人", Decimal(target), plan=self.plan(Decimal(target)))
            ind.values = {m: v.quantize(ONE, ROUND_HALF_UP) for m, v in values.items()}
            leaves.append(
                self.figures_leaf(
                    f"poor:{county}", '"1236"扶贫攻坚', f"{self.names[county]}减少农村贫困人口", county, [ind]
                )
            )
        total = sum((Decimal(t) for _c, t in fig.POVERTY), Decimal(0))
        tops = [
            Spec(
                "poor",
                '"1236"扶贫攻坚',
                "持续增加贫困群众收入，减少农村贫困人口",
                self.year_end(),
                "leader02",
                "fpb",
                requirements=f"贫困人口人均可支配收入增长15%以上，全年减少农村贫困人口{total}人。",
                weight=5,
                indicators=[Ind("减少农村贫困人口", "人", total, plan=self.plan(total))],
                children=leaves,
            )
        ]
        for name, req, sector in tx.BREAKTHROUGHS:
            subs = [(f"{self.names[c]}{name}", c, ("fpb", *sector), "poverty") for c in tx.POOR_COUNTIES]
            tops.append(self.group('"1236"扶贫攻坚', f"“1236”扶贫攻坚：{name}", req, "leader02", 3, subs))
            tops[-1].lead = "fpb"
        return tops

    def double_link(self) -> list[Spec]:
        hills = [
            (f"{self.names[u]}联系榆中县{town}{village}", u, ("yzx",), "link") for u, town, village in tx.NORTH_HILLS
        ]
        others = [
            (f"{self.names[u]}联系{self.names[c]}{town}{village}", u, (c,), "link")
            for u, c, town, village in tx.OTHER_LINKS
        ]
        return [
            self.group("双联行动", "榆中北山双联行动", "21家双联单位扎根北山，发展特色种养产业，改善水、路、电等生产生活条件。", "leader02", 4, hills),
            self.group("双联行动", "永登县、皋兰县双联行动", "联村联户、为民富民，每个联系村落实1个以上帮扶项目。", "leader04", 3, others),
            self.group(
                "双联行动",
                "健全双联行动长效机制",
                "完善干部驻村、结对帮扶和考核评价机制。",
                "leader04",
                2,
                [
                    ("双联干部驻村帮扶轮换", "zzb", ("nb",), "policy"),
                    ("双联行动年度考核", "zzb", ("nb",), "policy"),
                    ("精准扶贫大数据管理平台", "fpb", ("gxw",), "service"),
                ],
            ),
        ]  # fmt: skip

    def chengguan(self) -> Spec:
        y = self.year
        top = Spec(
            "cgq:service",
            "民生实事",
            "推进城关区街道社区行政分离改革",
            self.year_end(),
            "leader01",
            "cgq",
            ("mzj",),
            requirements="推行错时、代理、上门、预约服务，落实“三走访”工作法，实现“行政化社区”向“服务型社区”转型。",
            weight=2,
        )
        for i, (title, measure, target, name) in enumerate(fig.CHENGGUAN):
            values = {m: Decimal(round(target * min(1, m / 9))) for m in range(1, 10)}
            plan = {m: Decimal(round(target * min(1, m / 10))) for m in range(1, 13)}
            ind = Ind(f"建成{name}", measure, Decimal(target), plan=plan, values=values)
            leaf = self.figures_leaf(f"cgq:{i}", "民生实事", title, "cgq", [ind], done_month=9)
            leaf.leader, leaf.deadline = "leader01", date(y, 10, 31)
            top.children.append(leaf)
        top.children.append(
            Spec("cgq:disabled", "民生实事", "建成区残疾人综合服务中心", date(y, 6, 30), "leader01", "cgq", ("mzj",))
        )
        return top

    def school(self) -> Spec:
        y = self.year
        top = Spec(
            "school",
            "民生实事",
            "建设北京第二实验小学兰州分校",
            date(y, 12, 31),
            "leader10",
            "jyj",
            ("czj",),
            requirements="引进北京优质教育资源，秋季学期如期开学招生。",
            weight=2,
        )
        for title, day in (
            ("完成校舍改造和设施配套", date(y, 6, 30)),
            ("完成师资选派和首批招生", date(y, 8, 15)),
            ("秋季学期开学", date(y, 9, 1)),
            ("开展办学质量评估", date(y, 12, 20)),
        ):
            top.children.append(Spec(f"school:{title}", "民生实事", title, day, "leader10", "jyj"))
        return top

    def reserve(self) -> Spec:
        subs = [
            ("兰州至合作铁路前期工作", "jtw", ("fgw",), "policy"),
            ("兰州新区至中川机场快速路前期工作", "xq", ("jtw",), "policy"),
            ("黄河兰州段生态治理PPP项目储备", "slj", ("czj",), "policy"),
            ("兰州国际陆港二期前期工作", "swj", ("xq",), "policy"),
            ("城市轨道交通第二期建设规划报批", "fgw", ("jtw",), "policy"),
            ("引大入秦延伸工程前期工作", "slj", ("ydx",), "policy"),
        ]
        top = self.group(
            "重大项目",
            "抓好重大项目前期和储备",
            "谋划储备一批打基础、利长远的重大项目，力争年内开工建设。",
            "leader03",
            2,
            subs,
        )
        top.lead = "fgw"
        return top  # fmt: skip


def build_tree(rng: random.Random, year: int, names: dict[str, str], leaders_of: dict[str, list[str]]) -> list[Spec]:
    """Every top task of the ledger, in the ledger's order."""
    w = Works(rng, year, names, leaders_of)
    inv, fair = w.investment()
    tops = [w.fixed_assets(), w.projects(), w.reserve(), inv, fair, w.shanty(), w.air()]
    tops += [w.group(*g) for g in tx.GROUPS]
    tops += w.poverty() + w.double_link() + [w.chengguan(), w.school()]
    order = ['"3341"项目工程', "双联行动", '"1236"扶贫攻坚', "民生实事", "重大项目", *tx.ADDED_PROGRAMMES]
    return sorted(tops, key=lambda t: order.index(t.programme))  # stable: the order above within each
