"""One handling unit's history on one list, as dated steps: reports on the cadence with rising progress,
completion requests that are accepted or returned, extension requests approved, refused or left pending.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from luoshi.demo import texts
from luoshi.demo.topics import Item

OFFICE = ("office", "office", "office02", "office03")  # who in the office acts, the first most often
# The order of one unit's steps on the same day.
REPORT, EXT_REQUEST, EXT_DECIDE, ASK, RETURN, ACCEPT = range(6)


def days(n: int) -> timedelta:
    return timedelta(days=n)


@dataclass
class Step:
    day: date
    kind: str  # create publish report ext_request ext_decide return accept close
    unit: str = ""  # the obligation's unit code; "" for the list's own steps
    actor: str = ""  # a username
    data: dict = field(default_factory=dict)
    phase: int = 2  # 0 create, 1 publish, 2 the units' work, 3 close
    ob: int = 0  # the unit's place on the list
    seq: int = 0  # the step's place in its unit's history
    pinned: bool = False  # its day is not moved off a weekend


@dataclass
class ListPlan:
    item: Item
    leader: str
    co: list[str]
    created: date
    published: date | None
    deadline: date
    every: int
    status: str = "in_progress"  # draft | in_progress | closed
    content: str = ""
    milestones: list[tuple[date, str]] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    @property
    def units(self) -> list[str]:
        return [self.item.lead, *self.co]


class Special(NamedTuple):
    day: date
    prio: int
    kind: str  # ask (a report asking for completion) ext_request ext_decide return accept
    data: dict


class Histories:
    """Plans units' histories; the planner provides rng, today, last (yesterday), names and is_workday."""

    rng: random.Random
    today: date
    last: date
    names: dict[str, str]
    is_workday: Callable[[date], bool]

    # -- building blocks ----------------------------------------------------------------------------
    def forward(self, after: date, until: date, every: int) -> list[date]:
        """Report days after `after` up to `until`, roughly on the cadence, now and then late."""
        out: list[date] = []
        d = after
        while True:
            late = self.rng.randint(3, 9) if self.rng.random() < 0.1 else 0
            d = d + days(max(1, every + self.rng.choice((-2, -1, 0, 0, 0, 1, 2)) + late))
            if d > until:
                return out
            out.append(d)

    def backward(self, last: date, after: date, every: int) -> list[date]:
        """Report days ending on `last`, going back on the cadence while still after `after`."""
        out, d = [], last
        while d > after:
            out.append(d)
            d = d - days(max(1, every + self.rng.choice((-1, 0, 0, 1, 2))))
        return out[::-1]

    def extension(
        self, plan: ListPlan, asked: date, decided: date | None, new_deadline: date, approve: bool
    ) -> list[Special]:
        reason = self.rng.choice(texts.EXTENSION_REASONS["any"] + texts.EXTENSION_REASONS[plan.item.category])
        out = [Special(asked, EXT_REQUEST, "ext_request", {"new_deadline": new_deadline, "reason": reason})]
        if decided:
            note = self.rng.choice(texts.APPROVE_NOTES if approve else texts.REFUSE_NOTES)
            out.append(Special(decided, EXT_DECIDE, "ext_decide", {"approve": approve, "note": note}))
        return out

    def completion(self, ask: date | None, accept: date | None = None, returned: tuple | None = None) -> list[Special]:
        """A completion request (if `ask`), accepted on `accept`, after a first one (first, back) returned."""
        out = []
        if returned:
            first, back, category, with_co = returned
            reason, fix = self.rng.choice(texts.returns(category, with_co))
            out += [Special(first, ASK, "ask", {}), Special(back, RETURN, "return", {"reason": reason, "fix": fix})]
        if ask:
            out.append(Special(ask, ASK, "ask", {}))
        if accept:
            out.append(Special(accept, ACCEPT, "accept", {}))
        return out

    def steps(
        self,
        plan: ListPlan,
        unit: str,
        report_days: list[date],
        top: int,
        specials: list[Special],
        quiet: list[tuple[date, date]],
        pin: date | None = None,
    ) -> list[Step]:
        """Regular reports rising to `top`, none in a quiet window, merged with the special steps.
        A report on `pin` keeps its day when the planner moves days off weekends: it sets today's light."""
        rng, item, is_co = self.rng, plan.item, unit != plan.item.lead
        lead = self.names[item.lead]
        kept = [d for d in report_days if not any(a <= d <= b for a, b in quiet)]
        # Progress rises to `top` by the first completion request that gets returned (else by the last report).
        returned = [s.day for s in specials if s.kind == "return"]
        first_ask = min((s.day for s in specials if s.kind == "ask"), default=None) if returned else None
        rising = sum(1 for d in kept if first_ask is None or d < first_ask) or 1
        rows, progress = [], 0
        for i, day in enumerate(kept):
            target = round(top * min(i + 1, rising) / rising) + rng.randint(-6, 4)
            progress = max(progress, min(top, max(5, target)))
            if returned and day > returned[0]:
                progress = max(85, min(progress, 97))  # back at work after the return
            hard = 0.45 if is_co else 0.6
            data = texts.report(
                rng,
                item,
                lead,
                progress=progress,
                is_co=is_co,
                final=False,
                hard=hard,
                with_co=bool(plan.co) and not is_co,
            )
            rows.append(Special(day, REPORT, "report", data))
        for s in specials:
            if s.kind == "ask":
                fix = next((r.data["fix"] for r in reversed(specials) if r.kind == "return" and r.day < s.day), "")
                data = texts.report(rng, item, lead, progress=100, is_co=is_co, final=True, fix=fix)
                s = Special(s.day, s.prio, "report", {**data, "request_completion": True})
            rows.append(s)
        rows.sort(key=lambda r: (r.day, r.prio))
        out = []
        for seq, (day, _, kind, data) in enumerate(rows):
            if kind in ("report", "ext_request"):
                actor = f"{unit}_{'head' if rng.random() < 0.15 else 'liaison'}"
            elif kind == "ext_decide":
                actor = rng.choice(OFFICE)
            else:  # accepting or returning: the office, or the list's responsible leader
                actor = plan.leader if rng.random() < 0.3 else rng.choice(OFFICE)
            data = {k: v for k, v in data.items() if k != "fix"}
            pinned = day == pin and kind == "report" and not data.get("request_completion")
            out.append(Step(day, kind, unit, actor, data, ob=plan.units.index(unit), seq=seq, pinned=pinned))
        return out

    # -- on a closed list ---------------------------------------------------------------------------
    def closed_unit(self, plan: ListPlan, unit: str, story: str) -> tuple[list[Step], date]:
        """Reports, then completion accepted; `story`: plain, late, returned, ext_ok or ext_no."""
        rng, p, d = self.rng, plan.published, plan.deadline
        assert p is not None
        specials: list[Special] = []
        if story in ("ext_ok", "ext_no"):
            asked = max(p + days(1), d - days(rng.randint(2, 15)))
            new_deadline = d + days(rng.randint(15, 45))
            specials += self.extension(plan, asked, asked + days(rng.randint(1, 3)), new_deadline, story == "ext_ok")
            late = rng.randint(1, (new_deadline - d).days) if story == "ext_ok" else rng.randint(3, 15)
            ask = d + days(late)
        elif story == "late":
            ask = d + days(rng.randint(1, 10))
        else:
            span = (d - p).days  # asked early enough to be accepted by the deadline
            ask = p + days(rng.randint(max(2, span // 2), max(2, span - 5)))
        quiet, returned = [], None
        if story == "returned":
            first = max(p + days(max(2, min(plan.every, (ask - p).days // 2))), ask - days(rng.randint(6, 14)))
            back = first + days(rng.randint(1, 3))
            ask = max(ask, back + days(2))
            returned = (first, back, plan.item.category, unit == plan.item.lead and bool(plan.co))
            quiet.append((first - days(1), back + days(1)))
        accept = ask + days(rng.randint(1, 4))
        specials += self.completion(ask, accept, returned)
        quiet.append((ask - days(1), accept + days(400)))
        steps = self.steps(plan, unit, self.forward(p, ask, plan.every), rng.randint(80, 95), specials, quiet)
        return steps, accept

    # -- on a list in progress ----------------------------------------------------------------------
    def last_report(self, plan: ListPlan, light: str) -> date:
        """The day of the last report that gives the unit this light today (the next is due a cadence on),
        a working day if the range holds one."""
        today, every = self.today, plan.every
        lo, hi = {
            "green": (today - days(max(1, every - 4)), today - days(1)),  # next due more than 3 days ahead
            "yellow": (today - days(every + 6), today - days(every + 1)),  # overdue by 1 to 6 days
            "yellow_soon": (today - days(every), today - days(every - 3)),  # due within 3 days
            "red_report": (today - days(every + 25), today - days(every + 11)),  # overdue by more than a week
            "red_deadline": (today - days(10), today - days(1)),  # still reporting, but past the deadline
        }[light]
        choices = [lo + days(i) for i in range((hi - lo).days + 1)]
        return self.rng.choice([d for d in choices if self.is_workday(d)] or choices)

    def open_unit(self, plan: ListPlan, unit: str, light: str, story: str, last: date | None = None) -> list[Step]:
        """`story`: completed, awaiting (acceptance), ext_ok, ext_no, ext_pending, returned or plain."""
        rng, today, p, d, every = self.rng, self.today, plan.published, plan.deadline, plan.every
        assert p is not None
        specials: list[Special] = []
        quiet: list[tuple[date, date]] = []
        if story in ("completed", "awaiting"):
            if story == "completed":
                room = max((min(d, today - days(5)) - p).days, 1)
                ask = p + days(rng.randint(min(every, room), room))
                accept = ask + days(rng.randint(1, 3))  # by yesterday: the planner moves late days back
            else:
                ask, accept = max(p + days(1), today - days(rng.randint(1, 6))), None
            specials += self.completion(ask, accept)
            quiet.append((ask - days(1), ask + days(400)))
            return self.steps(plan, unit, self.forward(p, ask, every), rng.randint(80, 95), specials, quiet)
        last = min(last or self.last_report(plan, light), self.last)
        report_days = self.backward(last, p, every) if last > p else []
        horizon = max((max(d, last + days(1)) - p).days, 1)
        top = max(10, min(95, round(100 * (last - p).days / horizon) + rng.randint(-10, 10)))
        if light.startswith("red"):
            top = max(5, top * 6 // 10)
        if story == "ext_ok":  # asked and approved before the last report
            asked = max(p + days(1), min(d, last - days(rng.randint(4, 12))))
            decided = max(asked, min(asked + days(rng.randint(1, 2)), last - days(1)))
            new_deadline = max(today + days(20), d + days(30)) + days(rng.randint(0, 45))
            specials += self.extension(plan, asked, decided, new_deadline, True)
        elif story == "ext_no":
            asked = max(p + days(1), d - days(rng.randint(2, 12)))
            specials += self.extension(
                plan, asked, asked + days(rng.randint(1, 3)), d + days(rng.randint(20, 60)), False
            )
        elif story == "ext_pending":
            asked = min(max(last, p + days(1)), d)
            specials += self.extension(plan, asked, None, d + days(rng.randint(20, 60)), True)
        elif story == "returned" and (last - p).days > every + 8:
            first = p + days(rng.randint(every, (last - p).days - 8))
            back = first + days(rng.randint(1, 3))
            with_co = unit == plan.item.lead and bool(plan.co)
            specials += self.completion(None, None, (first, back, plan.item.category, with_co))
            quiet.append((first - days(1), back + days(1)))
            top = max(top, 90)
        return self.steps(plan, unit, report_days, top, specials, quiet, pin=last)
