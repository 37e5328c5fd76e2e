"""The year's lists as pure data: what each list is, and what happens to it on which day. No database here.

Lists are created from mid-January to six weeks before today. The ones that would end first are closed:
planned forwards from publication and, should a plan run past yesterday, squeezed (every day scaled
towards the publication day, which keeps the order of things and "asked before the deadline").
Lists in progress are planned backwards from today: the day of each unit's last report sets its light.
"""

import random
from collections.abc import Callable
from datetime import date

from luoshi.demo import texts
from luoshi.demo.history import OFFICE, Histories, ListPlan, Step, days
from luoshi.demo.names import UNITS
from luoshi.demo.topics import Item, pick_items

CLOSED = 98
DRAFTS = 2
DURATION = {  # days from publication to the deadline
    "work_point": (120, 330),
    "agreed_item": (45, 180),
    "meeting": (30, 150),
    "instruction": (25, 90),
    "assigned": (40, 150),
    "media": (15, 50),
    "inspection": (20, 60),
    "frontline": (20, 75),
}
EVERY = {
    "work_point": (15, 30, 30),
    "agreed_item": (15, 30),
    "meeting": (14, 15, 30),
    "instruction": (7, 14, 15),
    "assigned": (14, 15, 30),
    "media": (7, 7, 14),
    "inspection": (7, 14, 14),
    "frontline": (14, 15),
}
# The lead unit's story on closed lists (the others: plain), and the light and story of the lists in
# progress (the others: green and plain).
CLOSED_STORIES = ["returned"] * 16 + ["ext_ok"] * 9 + ["ext_no"] * 5 + ["late"] * 7
OPEN_STORIES = [
    *[("red_deadline", "ext_no")] * 1,
    *[("red_deadline", "")] * 2,
    *[("red_report", "")] * 3,
    *[("yellow", "")] * 7,
    *[("yellow_soon", "")] * 2,
    *[("green", "ext_ok")] * 5,
    *[("green", "ext_pending")] * 3,
    *[("green", "returned")] * 3,
    *[("green", "awaiting")] * 2,
]
TOWNS_OF: dict[str, list[str]] = {}
for _code, _, _kind, _parent in UNITS:
    if _kind == "town" and _parent:
        TOWNS_OF.setdefault(_parent, []).append(_code)


class Planner(Histories):
    def __init__(
        self,
        rng: random.Random,
        today: date,
        names: dict[str, str],
        leaders_of: dict[str, list[str]],
        is_workday: Callable[[date], bool],
    ):
        self.rng = rng
        self.is_workday = is_workday
        self.today = today
        self.y0 = date(today.year, 1, 1)
        self.last = max(self.y0, today - days(1))  # work on closed lists ends by yesterday
        self.names = names
        self.leaders_of = leaders_of
        self.all_leaders = sorted({u for us in leaders_of.values() for u in us})

    def plan_year(self) -> list[ListPlan]:
        rng, today = self.rng, self.today
        items, extra = pick_items(rng, self.names, extra=DRAFTS)
        horizon = (today - self.y0).days
        start = self.y0 + days(min(14, horizon // 10))
        end = today - days(42) if horizon >= 120 else self.y0 + days(horizon * 6 // 10)
        width = max((end - start).days, 0)
        plans, ends = [], []
        for item in items:
            created = start + days(rng.randint(0, width // 4 if item.source == "work_point" else width))
            published = min(created + days(rng.choice((0, 0, 0, 1, 1, 2, 3))), max(end, created))
            deadline = published + days(rng.randint(*DURATION[item.source]))
            every = rng.choice(EVERY[item.source])
            plans.append(ListPlan(item, self._leader(item.lead), self._co(item), created, published, deadline, every))
            ends.append(deadline + days(rng.randint(-20, 20)))
        # The lists that would end first are the ones closed by now.
        closed = set(sorted(range(len(plans)), key=lambda i: (ends[i], i))[:CLOSED])
        closed_stories = CLOSED_STORIES + ["plain"] * (CLOSED - len(CLOSED_STORIES))
        open_stories = OPEN_STORIES + [("green", "")] * (len(plans) - CLOSED - len(OPEN_STORIES))
        rng.shuffle(closed_stories)
        rng.shuffle(open_stories)
        for i, plan in enumerate(plans):
            if i in closed:
                self._closed_list(plan, closed_stories.pop())
            else:
                self._open_list(plan, *open_stories.pop())
            self._finish(plan)
        for item in extra:  # drafts the office is still preparing
            created = max(self.y0, today - days(rng.randint(1, 4)))
            deadline = today + days(rng.randint(30, 60))
            every = rng.choice(EVERY[item.source])
            plan = ListPlan(item, self._leader(item.lead), self._co(item), created, None, deadline, every, "draft")
            self._finish(plan)
            plans.append(plan)
        return plans

    def _leader(self, unit: str) -> str:
        """The responsible leader: one whose portfolio holds the lead unit."""
        return self.rng.choice(self.leaders_of.get(unit) or self.all_leaders)

    def _co(self, item: Item) -> list[str]:
        co = self.rng.sample(item.co, min(self.rng.choice((0, 1, 1, 2, 2, 3)), len(item.co)))
        if item.lead in TOWNS_OF and len(co) < 3 and self.rng.random() < 0.35:
            co.append(self.rng.choice(TOWNS_OF[item.lead]))  # a district hands part of it to a town
        return co

    def _finish(self, plan: ListPlan) -> None:
        """Content, milestones and the list's own steps, once its dates are final."""
        rng, c, d, names = self.rng, plan.created, plan.deadline, self.names
        session = 1 + (c - self.y0).days // 10
        co = [names[u] for u in plan.co]
        plan.content = texts.content(rng, plan.item, names[plan.item.lead], co, d, plan.every, session)
        count = rng.choice((1, 2, 2, 3)) if plan.item.category not in ("problem", "finding") else rng.choice((1, 2))
        fractions = {1: (1.0,), 2: (0.5, 1.0), 3: (0.3, 0.65, 1.0)}[count]
        titles = texts.milestones(plan.item.category, count)
        plan.milestones = [(c + days(round(f * (d - c).days)), t) for f, t in zip(fractions, titles, strict=True)]
        office = rng.choice(OFFICE)
        plan.steps.insert(0, Step(c, "create", actor=office, phase=0))
        if plan.published:
            plan.steps.insert(1, Step(plan.published, "publish", actor=office, phase=1))
        for step in plan.steps:  # on working days and by yesterday (order-keeping moves, never later)
            step.day = min(step.day if step.pinned else self._workday_before(step.day), self.last)

    def _workday_before(self, day: date) -> date:
        """`day` if a working day, else the working day before it, but not before New Year's Day."""
        d = day
        while not self.is_workday(d) and d > self.y0:
            d -= days(1)
        return d if self.is_workday(d) else day

    def _closed_list(self, plan: ListPlan, lead_story: str) -> None:
        rng, accepts = self.rng, []
        for ob, unit in enumerate(plan.units):
            others = rng.choices(("plain", "returned", "ext_ok", "late"), (82, 8, 5, 5))[0]
            steps, accept = self.closed_unit(plan, unit, lead_story if ob == 0 else others)
            plan.steps += steps
            accepts.append(accept)
        close = max(accepts) + days(rng.randint(0, 3))
        plan.steps.append(Step(close, "close", actor=rng.choice(OFFICE), phase=3))
        plan.status = "closed"
        self._squeeze(plan, close)

    def _squeeze(self, plan: ListPlan, close: date) -> None:
        """Scale the list's days towards its publication so that it is struck off by yesterday."""
        assert plan.published is not None
        p = plan.published = min(plan.published, self.last)
        plan.created = min(plan.created, p)
        if close <= self.last:
            return
        span, room = (close - p).days, (self.last - p).days

        def fit(d: date) -> date:
            return p + days((d - p).days * room // span) if d > p else d

        plan.deadline = fit(plan.deadline)
        for s in plan.steps:
            s.day = fit(s.day)
            if "new_deadline" in s.data:
                s.data["new_deadline"] = max(fit(s.data["new_deadline"]), plan.deadline + days(1))

    def _open_list(self, plan: ListPlan, light: str, story: str) -> None:
        rng, today, p = self.rng, self.today, plan.published
        assert p is not None
        if light == "red_deadline":
            plan.deadline = max(p + days(7), today - days(rng.randint(2, 15)))
        elif plan.item.source == "work_point" and (date(today.year, 12, 31) - today).days >= 10:
            plan.deadline = date(today.year, 12, 31)  # 年底前完成
        elif plan.deadline < today + days(10):
            plan.deadline = today + days(rng.randint(10, 90))
        # The unit that sets the list's light: mostly the lead unit.
        worst = 0 if not plan.co or story == "ext_ok" or rng.random() < 0.7 else rng.randint(1, len(plan.co))
        lead_last = None
        if story == "ext_ok":  # the original deadline falls near the lead unit's extension request
            lead_last = self.last_report(plan, "green")
            plan.deadline = max(p + days(1), lead_last - days(rng.randint(4, 12))) + days(rng.randint(0, 12))
        for ob, unit in enumerate(plan.units):
            if ob == 0:
                steps = self.open_unit(plan, unit, light if worst == 0 else "green", story, lead_last)
            elif ob == worst:
                steps = self.open_unit(plan, unit, light, "")
            elif story == "ext_ok":  # the others finished before the original deadline
                steps = self.open_unit(plan, unit, "green", "completed")
            else:
                r = rng.random()
                other = "completed" if r < 0.3 else "awaiting" if r < 0.4 else ""
                steps = self.open_unit(plan, unit, "red_deadline" if light == "red_deadline" else "green", other)
            plan.steps += steps


def plan_year(
    rng: random.Random,
    today: date,
    names: dict[str, str],
    leaders_of: dict[str, list[str]],
    is_workday: Callable[[date], bool] = lambda d: d.weekday() < 5,
) -> list[ListPlan]:
    return Planner(rng, today, names, leaders_of, is_workday).plan_year()
