"""The demo ledger's tree as pure data: programmes' tasks, sub-tasks and milestones, their units, leaders,
deadlines, weights, cadences and indicators, with the values each figure-reporting leaf will report
month by month (demo.ledger_story turns the leaves into dated steps; demo.ledger plays them).
"""

import random
from calendar import monthrange
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from luoshi.demo import ledger_figures as fig
from luoshi.demo import ledger_texts as tx
from luoshi.demo.names import DISTRICTS, URBAN

CENT = Decimal("0.01")
AREAS = (*DISTRICTS, "xq")  # the districts, counties and the new area (兰州新区)
WORDS = {"build": "project", "policy": "reform", "area": "campaign", "service": "livelihood"}


@dataclass
class Ind:
    name: str
    measure: str
    target: Decimal
    kind: str = "cumulative"
    plan: dict[int, Decimal] = field(default_factory=dict)  # month → planned by its end
    values: dict[int, Decimal] = field(default_factory=dict)  # month → reported that month (leaves only)


@dataclass
class Spec:
    key: str
    programme: str
    title: str
    deadline: date
    leader: str
    lead: str | None = None
    co: tuple[str, ...] = ()
    requirements: str = ""
    weight: int = 1
    every: int | None = None
    indicators: list[Ind] = field(default_factory=list)
    starts_on: date | None = None
    completes_on: date | None = None
    children: list["Spec"] = field(default_factory=list)
    # Leaves: "figures" (monthly reports with indicator values), "progress" (reports on the cadence) or
    # "milestone" (a deadline, then a completion request); `story` says how it goes (ledger_story).
    kind: str = "milestone"
    story: str = ""
    done_month: int = 0  # figures: the month its work is completed and accepted
    code: str = ""  # as the workbook numbers it (demo.ledger_book)
    category: str = ""  # the words its reports use (demo.texts' categories); "" for the programme's

    def walk(self) -> list["Spec"]:
        return [self, *(s for c in self.children for s in c.walk())]


def month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def _money(x: float | Decimal) -> Decimal:
    return Decimal(str(x)).quantize(CENT, ROUND_HALF_UP)


class Tree:
    """Builds the programmes' top tasks; `leaders_of` maps a unit code to the leaders of its portfolio."""

    def __init__(self, rng: random.Random, year: int, names: dict[str, str], leaders_of: dict[str, list[str]]):
        self.rng, self.year, self.names, self.leaders_of = rng, year, names, leaders_of
        self.all_leaders = sorted({u for us in leaders_of.values() for u in us})

    def leader(self, unit: str | None) -> str:
        return self.rng.choice(self.leaders_of.get(unit or "") or self.all_leaders)

    def due(self, month: int) -> date:
        """A deadline in `month`: mostly its last day (月底前), sometimes the 15th or 20th."""
        day = self.rng.choice((0, 0, 0, 15, 20))
        return date(self.year, month, day) if day else month_end(self.year, month)

    def year_end(self) -> date:
        return date(self.year, 12, 31)

    # -- plain work: a top task, its sub-tasks, their milestones ---------------------------------------
    def group(self, programme: str, title: str, req: str, leader: str, weight: int, subs: Sequence[tx.Sub]) -> Spec:
        top = Spec(f"g:{title}", programme, title, self.year_end(), leader, requirements=req, weight=weight)
        lead_of_top = subs[0][1] if len({s[1] for s in subs}) == 1 and "{" not in subs[0][1] else None
        top.lead = lead_of_top
        expanded: list[tx.Sub] = []
        for title_t, lead_t, co, kind in subs:
            if "{area}" in title_t:
                areas = URBAN if "主食厨房" in title_t else AREAS if "学" in title_t else DISTRICTS
                expanded += [(title_t.format(area=self.names[a]), a, co, kind) for a in areas]
            else:
                expanded.append((title_t, lead_t, co, kind))
        for sub_title, lead, co, kind in expanded:
            top.children.append(self.sub(programme, sub_title, lead, tuple(c for c in co if c != lead), kind))
        return top

    def sub(self, programme: str, title: str, lead: str, co: tuple[str, ...], kind: str) -> Spec:
        rng = self.rng
        leader = self.leader(lead)
        spec = Spec(
            f"s:{title}", programme, title, self.year_end(), leader, lead, co, weight=rng.choice((1, 1, 2, 2, 3))
        )
        if rng.random() < 0.12:  # worked on as one piece, reported on a cadence
            spec.kind, spec.every, spec.co = "progress", rng.choice((15, 30, 30)), ()  # its lead reports
            spec.category = WORDS.get(kind, "livelihood")
            spec.deadline = self.due(rng.choice((10, 11, 12, 12)))
            spec.requirements = f"按月推进{title}，每{spec.every}天报送一次进展。"
            return spec
        phases = list(tx.PHASES[kind])
        if len(phases) == 4 and rng.random() < 0.2:
            del phases[rng.randint(1, 2)]
        units = [lead, *co]
        for phase, month, weight in phases:
            month = max(2, min(12, month + rng.choice((-1, 0, 0, 0, 1))))
            m_lead = rng.choice(co) if co and rng.random() < 0.15 else lead
            others = [u for u in units if u != m_lead]
            m_co = (rng.choice(others),) if others and rng.random() < 0.12 else ()
            milestone = Spec(
                f"m:{title}:{phase}", programme, phase, self.due(month), leader, m_lead, m_co, weight=weight
            )
            milestone.category = WORDS.get(kind, "livelihood")
            spec.children.append(milestone)
        spec.deadline = max(c.deadline for c in spec.children)
        spec.requirements = f"{title}：" + "、".join(c.title for c in spec.children) + "。"
        return spec

    # -- monthly figures -----------------------------------------------------------------------------
    def series(self, half: Decimal, target: Decimal, pace: float, months: int = 11) -> dict[int, Decimal]:
        """Month-end values of a cumulative figure: `half` exactly by June, then `pace` × the plan."""
        rng, curve, out, last = self.rng, fig.PLAN_CURVE, {}, Decimal(0)
        for m in range(1, months + 1):
            if m < 6:
                x = float(half) * curve[m - 1] / curve[5] * rng.uniform(0.96, 1.03)
            elif m == 6:
                x = float(half)
            else:
                x = float(half) + (float(target) * curve[m - 1] - float(target) * curve[5]) * pace * rng.uniform(
                    0.97, 1.03
                )
            value = max(_money(x), last)
            out[m], last = value, value
        out[6] = half
        return out

    def plan(self, target: Decimal, start: int = 1) -> dict[int, Decimal]:
        """The trajectory: the plan's curve, or an even climb from the month the work starts."""
        if start <= 1:
            return {m: _money(float(target) * c) for m, c in enumerate(fig.PLAN_CURVE, 1)}
        span = 13 - start
        return {m: _money(float(target) * max(0, m - start + 1) / span) for m in range(1, 13)}

    def figures_leaf(self, key: str, programme: str, title: str, lead: str, inds: list[Ind], **kw: object) -> Spec:
        spec = Spec(key, programme, title, self.year_end(), self.leader(lead), lead, kind="figures", every=30)
        spec.indicators = inds
        for k, v in kw.items():
            setattr(spec, k, v)
        return spec

    def fixed_assets(self) -> Spec:
        total = sum((t for _u, _h, t, _p in fig.FIXED_ASSETS), Decimal(0))
        top = Spec(
            "fai",
            "重大项目",
            "完成全市固定资产投资目标任务",
            self.year_end(),
            "leader01",
            "fgw",
            requirements=f"全年完成固定资产投资{total}亿元、增长15%以上，各县区和兰州新区每月报送投资完成情况。",
            weight=5,
            indicators=[Ind("固定资产投资", "亿元", total, plan=self.plan(total))],
        )
        for unit, half, target, pace in fig.FIXED_ASSETS:
            title = "市属及中央省属项目固定资产投资" if unit == "fgw" else f"{self.names[unit]}固定资产投资"
            ind = Ind("固定资产投资", "亿元", target, plan=self.plan(target), values=self.series(half, target, pace))
            top.children.append(self.figures_leaf(f"fai:{unit}", "重大项目", title, unit, [ind]))
        return top

    def investment(self) -> tuple[Spec, Spec]:
        names = ("新签项目", "签约总投资", "到位资金")
        measures = ("个", "亿元", "亿元")
        halves = [sum((Decimal(r[i + 1]) for r in fig.INVESTMENT), Decimal(0)) for i in range(3)]
        children, targets = [], [Decimal(0)] * 3
        for row in fig.INVESTMENT:
            unit, inds = row[0], []
            for i in range(3):
                half = Decimal(row[i + 1])
                target = (fig.INVESTMENT_TARGETS[i] * half / halves[i]).quantize(Decimal(1) if i == 0 else CENT)
                targets[i] += target
                values = self.series(half, target, self.rng.uniform(0.98, 1.06))
                if i == 0:
                    values = {m: v.quantize(Decimal(1), ROUND_HALF_UP) for m, v in values.items()}
                    values[6] = half
                ind = Ind(names[i], measures[i], target, plan=self.plan(target), values=values)
                inds.append(ind)
            title = "市本级招商引资" if unit == "zsj" else f"{self.names[unit]}招商引资"
            children.append(self.figures_leaf(f"inv:{unit}", "招商引资", title, unit, inds))
        top = Spec(
            "inv",
            "招商引资",
            "招商引资新签项目和资金到位",
            self.year_end(),
            "leader08",
            "zsj",
            requirements=f"全年新签招商引资项目{targets[0]}个、签约总投资{targets[1]}亿元、到位资金{targets[2]}亿元。",
            weight=4,
            indicators=[Ind(n, m, t, plan=self.plan(t)) for n, m, t in zip(names, measures, targets, strict=True)],
            children=children,
        )
        fair = Spec(
            "fair",
            "招商引资",
            "办好兰洽会兰州市招商签约活动",
            self.year_end(),
            "leader08",
            "zsj",
            requirements="精心筹备兰洽会兰州市招商推介和签约活动，签约项目逐一建立台账、跟踪落地。",
            weight=2,
        )
        signing = self.figures_leaf(
            "fair:signed",
            "招商引资",
            "兰洽会重点项目签约",
            "zsj",
            [
                Ind("签约项目", "个", fig.ARTICLE["fair_projects"], plan={7: fig.ARTICLE["fair_projects"]}),
                Ind("签约总投资", "亿元", fig.ARTICLE["fair_total"], plan={7: fig.ARTICLE["fair_total"]}),
            ],
            deadline=date(self.year, 7, 31),
            every=None,
            story="fair",
        )
        signing.indicators[0].values = {7: fig.ARTICLE["fair_projects"]}
        signing.indicators[1].values = {7: fig.ARTICLE["fair_total"]}
        prepare = Spec("fair:prep", "招商引资", "筹备兰州市招商推介会", date(self.year, 6, 30), "leader08", "zsj")
        follow = Spec(
            "fair:follow",
            "招商引资",
            "兰洽会签约项目跟踪落地",
            self.year_end(),
            "leader08",
            "zsj",
            kind="progress",
            every=30,
        )
        fair.children = [prepare, signing, follow]
        return top, fair
