"""The demo ledger's cycle through the cycle's services: 季度对账 for the first two quarters (started by
the office, each unit confirming its rows — some correcting one or two with a reason, a few late — then
frozen; the second at the office's cut-off with one unit missing) and 半年查账 on the half-year
snapshot (rows verified, some questioned, most answered, two late, two not yet).
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from luoshi.demo import ledger_texts as tx
from luoshi.duties.models import Duty, DutyStatus
from luoshi.duties.signing import do_sign
from luoshi.ledger import cycle_audit, cycle_quarters, rollup
from luoshi.ledger.models import AuditVerdict, Indicator, Quarter, SnapshotRow, Task
from luoshi.ledger.models_cycle import Verdict
from luoshi.org.models import Person, Unit

if TYPE_CHECKING:
    from luoshi.demo.ledger import DemoLedger

# The figures the article quotes are confirmed as reported: corrections go to other rows.
ARTICLE_KEYS = ("fai:", "inv:", "shanty:", "air:", "fair:")
QUESTIONED, ANSWERED_LATE, UNANSWERED = 12, 2, 2


class Cycle:
    def __init__(self, demo: "DemoLedger"):
        self.demo, self.rng, self.cal = demo, demo.rng, demo.cal
        self.quarters: dict[int, Quarter] = {}

    def workday(self, month: int, day: int, forward: bool = False) -> date:
        d = date(self.demo.year, month, day)
        while not self.cal.is_workday(d):
            d += timedelta(days=1 if forward else -1)
        return d

    def plan(self) -> None:
        demo = self.demo
        for number, start, due, freeze, cut_off in (
            (1, (3, 30), (4, 10), (4, 16), False),
            (2, (6, 29), (7, 10), (7, 17), True),
        ):
            start_day, due_day = self.workday(*start), self.workday(*due)
            demo.push(demo.at(start_day, 9, 40), self.start(number, due_day, cut_off))
            demo.push(demo.at(self.workday(*freeze, forward=True), 16, 30), self.freeze(number, cut_off))
        self.audit_day = self.workday(7, 20, forward=True)
        demo.push(demo.at(self.audit_day, 9, 10), self.audit)

    # -- 季度对账 ---------------------------------------------------------------------------------------
    def start(self, number: int, due: date, one_missing: bool):
        def act(moment: datetime) -> None:
            demo = self.demo
            quarter = cycle_quarters.do_start_quarter(demo.office, demo.ledger, number, due, now=moment)
            self.quarters[number] = quarter
            duties = list(
                Duty.objects.filter(owner_type_id=cycle_quarters.quarter_type_id(), owner_id=quarter.pk)
                .select_related("unit")
                .order_by("unit_id")
            )
            missing = None
            if one_missing:  # a unit with few rows forgets, and is frozen without
                missing = next((d for d in duties if d.unit.name == "红古区"), duties[-1]).unit_id
            start = moment.date()
            for duty in duties:
                if duty.unit_id == missing:
                    continue
                r = self.rng.random()
                # Late: the ladder urges it (replayed: a morning's sweep saw it late), before the freeze (the
                # fourth working day after the due date at the earliest).
                if r < 0.07:
                    day = self.cal.add_workdays(due, self.rng.randint(2, 3))
                else:
                    day = self.cal.add_workdays(
                        start, self.rng.randint(2, max(2, self.cal.workdays_between(start, due)))
                    )
                at = demo.at(day, 9) + timedelta(minutes=self.rng.randint(0, 480))
                demo.push(at, self.confirm(number, duty.unit, correct=self.rng.random() < 0.3))

        return act

    def confirm(self, number: int, unit: Unit, correct: bool):
        def act(moment: datetime) -> None:
            demo, rng = self.demo, self.rng
            quarter = self.quarters[number]
            owed = cycle_quarters.row_duties(demo.ledger.pk, [unit.pk]).get(unit.pk, {})
            keys = self.keys()
            fixable = [
                t for t, row in sorted(owed.items())
                if row.status == DutyStatus.OPEN and row.progress >= 20 and not keys.get(t, "").startswith(ARTICLE_KEYS)
            ]  # fmt: skip
            fixed = set(rng.sample(fixable, min(len(fixable), rng.choice((1, 1, 2))))) if correct else set()
            rows = []
            for task_id, row in sorted(owed.items()):
                if task_id not in fixed:
                    rows.append(cycle_quarters.RowInput(task_id, confirmed=True))
                    continue
                reason = rng.choice(tx.CORRECTIONS)
                money = Indicator.objects.filter(task_id=task_id, name="年度完成投资").first()
                if money is not None and money.actual is not None:
                    value = money.actual + Decimal(rng.randint(5, 30)) / 100
                    rows.append(cycle_quarters.RowInput(task_id, indicators=[(money.pk, value)], reason=reason))
                else:
                    progress = max(0, min(95, row.progress + rng.choice((-6, -4, 4, 6, 8))))
                    rows.append(cycle_quarters.RowInput(task_id, progress=progress, reason=reason))
            who = f"{self.code(unit)}_{'head' if rng.random() < 0.2 else 'liaison'}"
            cycle_quarters.do_confirm_quarter(demo.people[who], quarter, unit, rows, now=moment)

        return act

    def freeze(self, number: int, cut_off: bool):
        def act(moment: datetime) -> None:
            quarter = self.quarters.get(number)
            if quarter is None:
                return
            rollup.refresh_ledger(self.demo.ledger.pk, moment)  # the figures as they stand at the freeze
            missing = bool(cycle_quarters.missing_units(quarter))
            cycle_quarters.do_freeze_quarter(self.demo.office, quarter, cut_off=cut_off or missing, now=moment)
            self.quarters[number] = Quarter.objects.get(pk=quarter.pk)

        return act

    # -- 半年查账 ---------------------------------------------------------------------------------------
    def audit(self, moment: datetime) -> None:
        demo, rng = self.demo, self.rng
        quarter = self.quarters.get(2)
        if quarter is None or quarter.snapshot is None:
            return
        snapshot = quarter.snapshot
        rows = list(SnapshotRow.objects.filter(snapshot=snapshot).order_by("id"))
        doubtful = [r for r in rows if r.lead_unit_id and (r.status == "late" or r.forecast == "red")]
        others = [r for r in rows if r.lead_unit_id and r not in doubtful]
        questioned = rng.sample(doubtful, min(len(doubtful), QUESTIONED - 3))
        questioned += rng.sample(others, QUESTIONED - len(questioned))
        picked = {r.pk for r in questioned}
        verified = rng.sample([r for r in rows if r.pk not in picked], min(90, len(rows) - len(picked)))
        tasks = Task.objects.in_bulk([r.task_id for r in questioned + verified])
        at = moment
        order = sorted(questioned + verified, key=lambda r: r.pk)
        step = timedelta(seconds=max(30, int(4 * 3600 * 5 / max(1, len(order)))))
        for i, row in enumerate(order):
            day = self.cal.add_workdays(self.audit_day, i * 5 // len(order))
            at = max(at + timedelta(seconds=40), demo.at(day, 9, 10) + step * (i % max(1, len(order) // 5)) / 5)
            if row.pk in picked:
                n = rng.randrange(len(tx.AUDIT_NOTES))
                demo.push(at, self.question(snapshot, tasks[row.task_id], n, questioned.index(row)))
            else:
                demo.push(at, self.verify(snapshot, tasks[row.task_id]))

    def verify(self, snapshot, task: Task):
        def act(moment: datetime) -> None:
            cycle_audit.do_audit(self.demo.people["office"], snapshot, task, Verdict.VERIFIED, now=moment)

        return act

    def question(self, snapshot, task: Task, n: int, rank: int):
        def act(moment: datetime) -> None:
            demo = self.demo
            verdict, _changed = cycle_audit.do_audit(
                demo.office, snapshot, task, Verdict.QUESTIONED, tx.AUDIT_NOTES[n], now=moment
            )
            assert verdict.unit_id is not None  # a questioned row has its lead unit
            unit = Unit.objects.get(pk=verdict.unit_id)
            liaison = demo.people[f"{self.code(unit)}_liaison"]
            day = moment.date()
            if rank < UNANSWERED:  # signed for, not answered yet: late, and the ladder is on it
                duty = cycle_audit.query_duty(verdict)
                if duty is not None:
                    demo.push(demo.at(self.cal.add_workdays(day, 1), 10), self.sign(liaison, duty))
                return
            wait = self.rng.randint(11, 15) if rank < UNANSWERED + ANSWERED_LATE else self.rng.randint(2, 9)
            at = demo.at(self.cal.add_workdays(day, wait), 10) + timedelta(minutes=self.rng.randint(0, 360))
            demo.push(at, self.answer(verdict, liaison, tx.AUDIT_ANSWERS[n]))

        return act

    def sign(self, liaison: Person, duty: Duty):
        def act(moment: datetime) -> None:
            do_sign(liaison, duty, now=moment)

        return act

    def answer(self, verdict: AuditVerdict, liaison: Person, text: str):
        def act(moment: datetime) -> None:
            cycle_audit.do_answer(liaison, verdict, text, now=moment)

        return act

    # -- lookups ---------------------------------------------------------------------------------------
    def code(self, unit: Unit) -> str:
        return next(code for code, u in self.demo.units.items() if u.pk == unit.pk)

    def keys(self) -> dict[int, str]:
        """Task id → its spec's key (the article's figures are recognised by theirs)."""
        if not hasattr(self, "_keys"):
            tasks = self.demo.task_of
            self._keys = {tasks[id(s)].pk: s.key for s in self.demo.specs if id(s) in tasks}
        return self._keys
