"""The demo city's master ledger (总台账) of the current year, played through the ledger's services.

年初建账 in the first half of January: the office imports its workbook programme by programme
(demo.ledger_book: 1,000+ tasks across the programmes the article names, with the half year's
figures it reports) and opens the ledger on the third Monday. Then the year in order of time: units
sign for their work, report on their cadence (the figure-reporting ones near each month's 25th), ask
for their milestones to be struck off and are accepted, returned or extended; two quarters are
confirmed and frozen, the half-year snapshot audited (demo.ledger_cycle), tasks added by hand to be
reported through running lists (demo.ledger_links).

`random.Random(seed)` of its own is the only chance: the lists' city stays as it was. Figures are
rolled up once at the end (rollup.one_refresh) and for each freeze at its moment.
"""

import heapq
import itertools
import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import models
from django.utils import timezone

from luoshi.demo import ledger_texts as tx
from luoshi.demo.ledger_book import import_programme, number_codes
from luoshi.demo.ledger_cycle import Cycle
from luoshi.demo.ledger_links import plan_links
from luoshi.demo.ledger_plan import Spec
from luoshi.demo.ledger_story import Step, plan_steps
from luoshi.demo.ledger_works import build_tree
from luoshi.duties import completion
from luoshi.duties.models import Duty, Extension
from luoshi.duties.signing import do_sign
from luoshi.ledger import rollup, services
from luoshi.ledger.models import Indicator, Ledger, Programme, Task
from luoshi.org.models import Person, Unit
from luoshi.workdays import calendar

Action = Callable[[datetime], None]


def _first_monday_after(day: date, cal: calendar.Calendar) -> date:
    while day.weekday() != 0 or not cal.is_workday(day):
        day += timedelta(days=1)
    return day


class DemoLedger:
    def __init__(self, seed: int, units: dict[str, Unit], people: dict[str, Person], now: datetime):
        from luoshi.demo.city import leaders_of  # city calls this module

        self.rng = random.Random(seed)
        self.units, self.people = units, people
        self.cal = calendar.load()
        self.year = timezone.localdate().year  # the lists' year
        # Up to the ladder's last working moment; in the holidays of a new year that is last year's, so
        # the year's first steps are taken until now.
        self.now = now if timezone.localdate(now).year == self.year else timezone.now()
        self.today = timezone.localdate(self.now)
        self.tz = timezone.get_current_timezone()
        self.office = people["office"]
        names = {code: unit.name for code, unit in units.items()}
        self.tree = build_tree(self.rng, self.year, names, leaders_of())
        self.specs = [s for top in self.tree for s in top.walk()]
        self.task_of: dict[int, Task] = {}  # id(spec) → task
        self.duty_of: dict[tuple[int, int], Duty] = {}  # (task, unit) → the unit's duty on it
        self.extensions: dict[tuple[int, int], Extension] = {}
        self._indicators: dict[int, dict[str, Indicator]] = {}
        self.queue: list[tuple[datetime, int, Action]] = []
        self.counter = itertools.count()

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), self.tz)

    def push(self, moment: datetime, action: Action) -> None:
        if moment < self.now - timedelta(minutes=1):
            heapq.heappush(self.queue, (moment, next(self.counter), action))

    # -- 年初建账 ----------------------------------------------------------------------------------------
    def build(self) -> Ledger:
        """The ledger created on the first working Monday, its programmes' sheets imported one a day."""
        y0 = date(self.year, 1, 1)
        self.opened = _first_monday_after(date(self.year, 1, 15), self.cal)
        names = list(dict.fromkeys(top.programme for top in self.tree))
        days = [d for d in (y0 + timedelta(days=i) for i in range(4, 16)) if self.cal.is_workday(d)]
        if self.today < self.opened + timedelta(days=3) or len(days) < len(names):  # the year's first days
            start = max(self.at(y0, 0, 5), self.now - timedelta(hours=2))
            moments = [start + (self.now - timedelta(minutes=10) - start) * (i + 1) / (len(names) + 1) for i in range(len(names))]  # fmt: skip
        else:
            moments = [self.at(d, 10) + timedelta(minutes=self.rng.randint(0, 300)) for d in days[: len(names)]]
        clerk = self.people[self.rng.choice(("office", "office03"))]
        first = moments[0] - timedelta(minutes=40)
        ledger = services.do_create_ledger(
            clerk, year=self.year, title=tx.LEDGER_TITLE.format(year=self.year), now=first
        )
        self.ledger = ledger
        for name in tx.ADDED_PROGRAMMES:
            services.do_add_programme(clerk, ledger, name, now=first + timedelta(minutes=5))
        self.programmes = {p.name: p for p in Programme.objects.filter(ledger=ledger)}
        number_codes(self.tree, self.year)
        unit_names = {code: unit.name for code, unit in self.units.items()}
        for name, moment in zip(names, moments, strict=True):
            tops = [top for top in self.tree if top.programme == name]
            import_programme(clerk, ledger, tops, unit_names, moment)
        tasks = {t.code: t for t in Task.objects.filter(ledger=ledger)}
        for spec in self.specs:
            self.task_of[id(spec)] = tasks[spec.code]
        return ledger

    def task_input(self, spec: Spec, parent: Task | None) -> services.TaskInput:
        def trajectory(plan: dict[int, Decimal]) -> list[tuple[str, Decimal]]:
            return [(f"{self.year}-{m:02d}", v) for m, v in sorted(plan.items())]

        return services.TaskInput(
            programme=self.programmes[spec.programme],
            title=spec.title,
            deadline=spec.deadline,
            parent=parent,
            requirements=spec.requirements,
            leader=self.people[spec.leader],
            lead_unit=self.units[spec.lead] if spec.lead else None,
            co_units=[self.units[c] for c in spec.co],
            weight=Decimal(spec.weight),
            report_every_days=spec.every if not spec.children else None,
            indicators=[
                services.IndicatorInput(i.name, i.measure, i.target, i.kind, trajectory(i.plan))
                for i in spec.indicators
            ],
            starts_on=spec.starts_on,
            completes_on=spec.completes_on,
        )

    def create(self, actor: Person, spec: Spec, moment: datetime, parent: Task, reason: str) -> Task:
        """A task added to the open ledger by hand (with the reason the ledger asks for)."""
        task = services.do_create_task(actor, self.ledger, self.task_input(spec, parent), reason=reason, now=moment)
        self.task_of[id(spec)] = task
        return task

    # -- the year ------------------------------------------------------------------------------------
    def open(self) -> bool:
        moment = self.at(self.opened, 9, 30)
        if moment >= self.now:
            return False
        services.do_open_ledger(self.office, self.ledger, now=moment)
        ids = [t.pk for t in self.task_of.values()]
        for d in Duty.objects.filter(owner_type_id=services.task_type_id(), owner_id__in=ids).order_by("pk"):
            self.duty_of[(d.owner_id, d.unit_id)] = d
        code_of = {u.pk: code for code, u in self.units.items()}
        # Each unit's liaison signs for its new work (签收) within the next working day.
        for (_task, unit_id), duty in sorted(self.duty_of.items()):
            signed = moment + timedelta(minutes=self.rng.randint(20, 1500))
            if signed.hour >= 18 or signed.hour < 9:
                signed = self.at(self.cal.add_workdays(self.opened, 1), 9) + timedelta(minutes=self.rng.randint(0, 240))
            self.push(signed, self.sign_action(self.people[f"{code_of[unit_id]}_liaison"], duty))
        return True

    def sign_action(self, who: Person, duty: Duty) -> Action:
        def act(moment: datetime) -> None:
            do_sign(who, duty, now=moment)

        return act

    def schedule(self, steps: list[Step]) -> None:
        """Give each step a time on its day (working hours, in order), and queue it."""
        by_day: dict[date, list[Step]] = {}
        for step in steps:
            by_day.setdefault(step.day, []).append(step)
        for day, group in sorted(by_day.items()):
            group.sort(key=lambda s: s.seq)
            at = self.at(day, 8, 40) + timedelta(minutes=self.rng.randint(0, 30))
            gap = max(20, min(480, int(33000 / max(1, len(group)))))
            for step in group:
                at += timedelta(seconds=self.rng.randint(gap // 3, gap))
                self.push(at, self.step_action(step))

    def step_action(self, step: Step) -> Action:
        def act(moment: datetime) -> None:
            task, unit = self.task_of[id(step.spec)], self.units[step.unit]
            actor, data = self.people[step.actor], step.data
            duty = self.duty_of[(task.pk, unit.pk)]
            if step.kind == "report":
                by_name = self.indicators(task) if data.get("values") else {}
                services.do_report_task(
                    actor,
                    task,
                    unit,
                    progress=data["progress"],
                    done=data["done"],
                    difficulties=data.get("difficulties", ""),
                    next_steps=data.get("next_steps", ""),
                    request_completion=data.get("ask", False),
                    indicators=[(by_name[n], v) for n, v in data.get("values", {}).items()],
                    now=moment,
                )
            elif step.kind == "accept":
                completion.do_accept(actor, duty, now=moment)
            elif step.kind == "return":
                completion.do_return(actor, duty, data["reason"], now=moment)
            elif step.kind == "ext_request":
                key = (task.pk, unit.pk)
                self.extensions[key] = completion.do_request_extension(
                    actor, duty, data["new_deadline"], data["reason"], now=moment
                )
            elif step.kind == "ext_decide":
                ext = self.extensions.pop((task.pk, unit.pk))
                completion.do_decide_extension(actor, ext, data["approve"], data["note"], now=moment)
            else:  # pragma: no cover
                raise ValueError(step.kind)

        return act

    def indicators(self, task: Task) -> dict[str, Indicator]:
        if task.pk not in self._indicators:
            self._indicators[task.pk] = {i.name: i for i in Indicator.objects.filter(task=task)}
        return self._indicators[task.pk]

    def play(self) -> None:
        while self.queue:
            moment, _n, action = heapq.heappop(self.queue)
            action(moment)


def wipe_ledger() -> None:
    """Delete every ledger row in an order PROTECT allows (frozen snapshots through the plain manager:
    a reset is the one writer allowed to remove them)."""
    from luoshi.ledger import models as m

    first: list[type[models.Model]] = [m.AuditVerdict, m.ConfirmationRow, m.Confirmation, m.Quarter]
    first += [m.SnapshotRow, m.Snapshot, m.Handin, m.LedgerImport, m.Actual, m.TrajectoryPoint, m.Indicator, m.TaskLink]
    for model in first:
        model._base_manager.all().delete()
    Task.objects.update(parent=None, origin=None)  # the tree protects itself
    Task.objects.all().delete()
    Programme.objects.all().delete()
    Ledger.objects.all().delete()


def build_demo_ledger(seed: int, units: dict[str, Unit], people: dict[str, Person], now: datetime) -> Ledger:
    """The year's ledger, built, opened and played until `now`."""
    with rollup.one_refresh():
        demo = DemoLedger(seed, units, people, now)
        ledger = demo.build()
        if not demo.open():
            return ledger  # the first days of a year: the ledger is still being built
        leaves = [s for s in demo.specs if not s.children]
        demo.schedule(plan_steps(demo.rng, leaves, demo.today, demo.opened, demo.cal.is_workday))
        Cycle(demo).plan()
        plan_links(demo)
        demo.play()
    return ledger
