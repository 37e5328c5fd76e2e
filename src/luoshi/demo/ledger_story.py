"""Each leaf's year as dated steps (pure, no database): figure reports near each month's 25th, reports
on a cadence with rising progress, milestones asked to be struck off before (or after) their deadline and
accepted by the office or the leader, a few returned, extended, late or still open.

Days lie after the ledger's opening and by yesterday, on working days; the player gives them a time.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from luoshi.demo import texts
from luoshi.demo.history import OFFICE
from luoshi.demo.ledger_plan import Spec

CATEGORY = {
    '"3341"项目工程': "project",
    "双联行动": "livelihood",
    '"1236"扶贫攻坚': "livelihood",
    "民生实事": "livelihood",
    "重大项目": "project",
    "生态环保": "campaign",
    "招商引资": "reform",
}


@dataclass
class Step:
    day: date
    kind: str  # report accept return ext_request ext_decide
    spec: Spec
    unit: str
    actor: str
    data: dict = field(default_factory=dict)
    seq: int = 0  # the order of one duty's steps on the same day


def days(n: int) -> timedelta:
    return timedelta(days=n)


class Story:
    def __init__(self, rng: random.Random, today: date, opened: date, is_workday: Callable[[date], bool]):
        self.rng, self.today, self.opened, self.is_workday = rng, today, opened, is_workday
        self.last = today - days(1)

    def workday(self, d: date, back: bool = True) -> date:
        """`d` if a working day, else the nearest working day before it (or after it)."""
        step = days(-1 if back else 1)
        for _ in range(10):
            if self.is_workday(d):
                break
            d += step
        return d

    def fits(self, d: date) -> bool:
        return self.opened < d <= self.last

    def reporter(self, unit: str) -> str:
        return f"{unit}_{'head' if self.rng.random() < 0.15 else 'liaison'}"

    def decider(self, spec: Spec) -> str:
        return spec.leader if self.rng.random() < 0.3 else self.rng.choice(OFFICE)

    @staticmethod
    def category(spec: Spec) -> str:
        """The lists' category of words (demo.texts) the work reads like."""
        return spec.category or CATEGORY.get(spec.programme, "project")

    def words(self, spec: Spec, progress: int, final: bool = False, hard: float = 0.4) -> dict:
        item = SimpleNamespace(category=self.category(spec), subject=spec.title)
        data = texts.report(self.rng, item, "", progress=progress, is_co=False, final=final, hard=hard)
        return {k: v for k, v in data.items() if k != "progress"}

    # -- the leaves ------------------------------------------------------------------------------------
    def steps(self, spec: Spec) -> list[Step]:
        if spec.kind == "figures":
            return self.figures(spec)
        if spec.kind == "progress":
            return self.progress(spec)
        out = []
        for i, unit in enumerate([spec.lead, *spec.co]):
            if unit:
                out += self.milestone(spec, unit, spec.story if i == 0 else "")
        return out

    def figures(self, spec: Spec) -> list[Step]:
        """One report a month, by its due date near the 25th, carrying that month's values; done in `done_month`."""
        rng, out, unit = self.rng, [], spec.lead or ""
        months = sorted({m for ind in spec.indicators for m in ind.values})
        if spec.story == "fair":  # one report after the fair, then struck off
            day = self.workday(date(self.today.year, 7, 10))
            if self.fits(day + days(4)):
                values = {ind.name: ind.values[7] for ind in spec.indicators}
                data = {**self.words(spec, 100, final=True), "progress": 100, "values": values}
                out.append(Step(day, "report", spec, unit, self.reporter(unit), data))
                out.append(Step(day + days(3), "report", spec, unit, self.reporter(unit), {**data, "ask": True}))
                out.append(
                    Step(self.workday(day + days(4), back=False), "accept", spec, unit, self.decider(spec), seq=1)
                )
            return out
        cumulative = [ind for ind in spec.indicators if ind.kind == "cumulative"]
        due: date | None = None  # as the engine sets it: one cadence after the last report
        for m in months:
            # The month's report on the 25th (or the next working day), by its due date: the day goes
            # back to the 25th each month, so a 30-day cadence never drifts into the month before.
            day = self.workday(date(self.today.year, m, 25), back=False)
            if due is None:
                day = max(day, self.workday(self.opened + days(8), back=False))
            elif rng.random() < 0.04:  # a day or two late: urged
                day = self.workday(due + days(rng.randint(1, 2)), back=False)
            else:
                day = min(day, due)
            if m == spec.done_month:  # struck off before its deadline
                day = min(day, self.workday(spec.deadline - days(rng.randint(4, 8))))
            if not self.fits(day):
                break
            due = self.workday(day + days(spec.every or 30), back=False)
            values = {ind.name: ind.values[m] for ind in spec.indicators if m in ind.values}
            shares = [float(values[i.name] / i.target) for i in cumulative if i.name in values and i.target]
            progress = max(1, min(99, round(100 * sum(shares) / len(shares)))) if shares else 50
            done = m == spec.done_month
            data = {**self.words(spec, 100 if done else progress, final=done), "values": values}
            data["progress"] = 100 if done else progress
            measure = {ind.name: ind.measure for ind in spec.indicators}
            head = "、".join(f"{name}{_num(v)}{measure[name]}" for name, v in values.items())
            data["done"] = f"截至{m}月{day.day}日，累计完成{head}。" + data["done"]
            out.append(Step(day, "report", spec, unit, self.reporter(unit), {**data, "ask": done}))
            if done:
                accept = self.workday(min(spec.deadline, day + days(rng.randint(1, 3))))
                if self.fits(accept):
                    out.append(Step(accept, "accept", spec, unit, self.decider(spec), seq=1))
                break
        return out

    def progress(self, spec: Spec) -> list[Step]:
        """Reports on the cadence, backwards from the last one; most keep pace, some fall behind."""
        rng, every, unit = self.rng, spec.every or 30, spec.lead or ""
        story = spec.story or rng.choices(("on", "behind", "done"), (82, 10, 8))[0]
        span = max(1, (spec.deadline - self.opened).days)
        if spec.deadline < self.today and story == "on":
            story = "done"  # its deadline has passed: done by then
        if story == "done":
            share = rng.uniform(0.5, 0.8) if spec.deadline >= self.today else rng.uniform(0.9, 0.97)
            asked = self.workday(self.opened + days(int(span * share)))
            last = min(asked - days(every), self.last)
        elif rng.random() < 0.08:  # overdue now: the ladder is on it
            last = self.last - days(every + rng.randint(2, 8))
        else:
            last = self.last - days(rng.randint(1, max(1, every - 4)))
        report_days = []
        d = self.workday(last)
        while d > self.opened + days(3):
            report_days.append(d)
            # On time (the next report is due one cadence on), now and then a few days late.
            gap = every - rng.choice((0, 0, 1, 2, 3)) + (rng.randint(2, 6) if rng.random() < 0.05 else 0)
            d = self.workday(d - days(gap))
        out, top = [], 0
        factor = 0.55 if story == "behind" else 1.08
        for day in sorted(report_days):
            share = (day - self.opened).days / span
            top = max(top, min(95, max(3, round(100 * share * factor) + rng.randint(-3, 3))))
            out.append(Step(day, "report", spec, unit, self.reporter(unit), {**self.words(spec, top), "progress": top}))
        if story == "done" and self.fits(asked + days(3)):
            data = {**self.words(spec, 100, final=True), "progress": 100, "ask": True}
            out.append(Step(asked, "report", spec, unit, self.reporter(unit), data))
            out.append(
                Step(
                    self.workday(asked + days(rng.randint(1, 3)), back=False),
                    "accept",
                    spec,
                    unit,
                    self.decider(spec),
                    seq=1,
                )
            )
        return out  # fmt: skip

    def milestone(self, spec: Spec, unit: str, story: str) -> list[Step]:
        rng, d, last = self.rng, spec.deadline, self.last

        def ask(day: date, seq: int = 0) -> Step:
            data = {**self.words(spec, 100, final=True), "progress": 100, "ask": True}
            return Step(day, "report", spec, unit, self.reporter(unit), data, seq)

        def accept(day: date, seq: int = 1) -> Step:
            return Step(day, "accept", spec, unit, self.decider(spec), seq=seq)

        if story == "on_day" and spec.starts_on:  # the start itself is the milestone
            day = self.workday(spec.starts_on)
            if not self.fits(day + days(1)):
                return []
            return [ask(day), accept(self.workday(day + days(1), back=False))]
        if d < self.today:
            story = story or rng.choices(("plain", "late", "returned", "open_late", "ext"), (84, 4, 5, 3, 4))[0]
            if story == "open_late" and (self.today - d).days > 90:
                story = "late"  # long past: done, late
        else:
            story = story or rng.choices(("early", "awaiting", "open"), (16, 4, 80))[0]
        first = self.opened + days(3)
        if story == "plain":
            asked = self.workday(max(first, min(last - days(1), d - days(rng.randint(3, 20)))))
            return [ask(asked), accept(self.workday(min(d, last, asked + days(rng.randint(1, 3)))), 1)]
        if story == "late":
            asked = self.workday(min(last - days(2), d + days(rng.randint(2, 10))))
            return [ask(asked), accept(self.workday(min(last, asked + days(rng.randint(1, 3))), back=False))]
        if story == "returned":
            asked = self.workday(max(first, d - days(rng.randint(12, 20))))
            back = self.workday(asked + days(rng.randint(1, 2)), back=False)
            again = self.workday(min(d - days(3), back + days(rng.randint(3, 7))), back=False)
            reason, fix = rng.choice(texts.returns(self.category(spec), False))
            fixed = ask(again, 2)
            fixed.data["done"] = fix + fixed.data["done"]
            return [ask(asked), Step(back, "return", spec, unit, rng.choice(OFFICE), {"reason": reason}, 1),
                    fixed, accept(self.workday(min(d, again + days(rng.randint(1, 2)))), 3)]  # fmt: skip
        if story == "ext":
            asked = self.workday(max(first, d - days(rng.randint(3, 10))))
            new = d + days(rng.randint(30, 45))
            reason = rng.choice(texts.EXTENSION_REASONS["any"] + texts.EXTENSION_REASONS[self.category(spec)])
            out = [
                Step(asked, "ext_request", spec, unit, self.reporter(unit), {"new_deadline": new, "reason": reason}),
                Step(self.workday(asked + days(1), back=False), "ext_decide", spec, unit, rng.choice(OFFICE),
                     {"approve": True, "note": rng.choice(texts.APPROVE_NOTES)}, 1),
            ]  # fmt: skip
            done = self.workday(new - days(rng.randint(2, 10)))
            if self.fits(done + days(3)):
                out += [ask(done, 2), accept(self.workday(done + days(rng.randint(1, 3)), back=False), 3)]
            return out
        if story == "open_late":  # a report with its difficulties, then nothing: late today
            day = self.workday(max(first, d - days(rng.randint(3, 10))))
            progress = rng.randint(40, 80)
            data = {**self.words(spec, progress, hard=1.0), "progress": progress}
            return [Step(day, "report", spec, unit, self.reporter(unit), data)] if self.fits(day) else []
        if story == "early":
            asked = self.workday(max(first, last - days(rng.randint(8, 60))))
            return [ask(asked), accept(self.workday(min(last, asked + days(rng.randint(1, 3))), back=False))]
        if story == "awaiting":
            return [ask(self.workday(max(first, last - days(rng.randint(0, 4)))))]
        return []  # open, not yet due


def _num(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def plan_steps(rng: random.Random, leaves: list[Spec], today: date, opened: date, is_workday: Callable) -> list[Step]:
    """Every leaf's steps, in the leaves' order; the days fit between the opening and yesterday."""
    story = Story(rng, today, opened, is_workday)
    out = []
    for spec in leaves:
        by_unit: dict[str, list[Step]] = {}
        for step in story.steps(spec):
            by_unit.setdefault(step.unit, []).append(step)
        for steps in by_unit.values():
            # A duty's steps in their order, up to the first that does not fit (an acceptance is never
            # played without the request before it).
            last = None
            for step in sorted(steps, key=lambda s: (s.seq, s.day)):
                if not story.fits(step.day) or (last is not None and step.day < last):
                    break
                out.append(step)
                last = step.day
    return out
