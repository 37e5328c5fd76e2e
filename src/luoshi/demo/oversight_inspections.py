"""The demo city's inspections (督查) of the first half year, played through the oversight services with
past `now=`: five joint campaigns that together inspect 82 distinct units (some drawn at random, with
their seeds kept) and find 461 problems; the units report their rectification (some with photos and a
PDF), ask for verification, and the teams verify (a few fail first); by the demo's today most are closed,
some wait for verification, some are overdue; a few were extended, a few made responsibility lists.

The demo city has 52 units that can be inspected; the towns and streets of demo.oversight_inspections_texts
are added under their districts and counties (each with its head and liaison, in its district's leaders'
portfolios), enough to reach 82. `units` and `people` gain them.

Every step is queued with its moment and the queue runs in order of time, as the other demo builders do.
"""

import heapq
import io
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from PIL import Image

from luoshi.demo import oversight_inspections_texts as tx
from luoshi.demo.names import GIVEN, SURNAMES, head_title, liaison_title
from luoshi.duties import completion
from luoshi.duties.models import HandlingRole
from luoshi.duties.signing import do_sign
from luoshi.events.services import record
from luoshi.lists.models import ListStatus, ResponsibilityList, Source
from luoshi.org.models import Person, Role, Unit, UnitKind
from luoshi.oversight import findings, inspections
from luoshi.oversight.finding_categories import ensure_shipped
from luoshi.oversight.models import Finding, FindingCategory, Inspection
from luoshi.workdays import calendar

TARGET_UNITS = 82
TARGET_FINDINGS = 461
# The year's plan already holds the lists of source "inspection" (numbered and dated in order with the
# others): this many of them are linked to the findings they were made from, so the totals stay the article's.
LISTS_LINKED = 4
POOR = ("gxw", "wgx", "cgw", "yzx")  # the units the 08-27 meeting hears: more of their findings are late

Action = Callable[[datetime], None]
Checked = list[tuple[str, str, bytes]]


def _image(rng: random.Random, fmt: str) -> bytes:
    out = io.BytesIO()
    colour = (rng.randint(40, 220), rng.randint(40, 220), rng.randint(40, 220))
    Image.new("RGB", (24, 18), colour).save(out, format=fmt)
    return out.getvalue()


def _pdf(title: str) -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"% " + title.encode("utf-8") + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


@dataclass
class Plan:
    """One finding's story: who records it when, and what happens after."""

    campaign: int
    unit: str
    found: date
    fate: str  # closed, extended, failed_then_closed, verifying, overdue, failed_open, silent
    finding: Finding | None = None
    extra: dict = field(default_factory=dict)


class DemoInspections:
    def __init__(self, rng: random.Random, units: dict[str, Unit], people: dict[str, Person], now: datetime):
        self.rng, self.units, self.people, self.now = rng, units, people, now
        self.tz = timezone.get_current_timezone()
        self.cal = calendar.load()
        self.today = timezone.localdate(now)
        year = self.today.year
        first, last = date(year, 1, 5), min(date(year, 6, 30), self.today - timedelta(days=5))
        self.first, self.days = first, max((last - first).days, 10)
        self.queue: list[tuple[datetime, int, Action]] = []
        self.counter = itertools.count()
        ensure_shipped()  # a reset city keeps them; a flushed database may not
        self.categories = {c.name: c for c in FindingCategory.objects.all()}
        self.photos = [(name, "image/jpeg", _image(rng, "JPEG")) for name in tx.PHOTO_NAMES]
        self.evidence = [
            (
                name,
                "image/png" if name.endswith(".png") else "image/jpeg",
                _image(rng, "PNG" if name.endswith(".png") else "JPEG"),
            )
            for name in tx.EVIDENCE_NAMES
        ]

    # -- time ----------------------------------------------------------------------------------------
    def day_at(self, fraction: float) -> date:
        return self.workday(self.first + timedelta(days=round(self.days * fraction)))

    def workday(self, day: date) -> date:
        while not self.cal.is_workday(day):
            day += timedelta(days=1)
        return day

    def moment(self, day: date, start: int = 9, end: int = 17) -> datetime:
        return datetime.combine(day, time(start), self.tz) + timedelta(minutes=self.rng.randint(0, (end - start) * 60))

    def push(self, at: datetime, action: Action) -> None:
        if at < self.now - timedelta(minutes=1):
            heapq.heappush(self.queue, (at, next(self.counter), action))

    def run(self) -> None:
        while self.queue:
            at, _n, action = heapq.heappop(self.queue)
            action(at)

    # -- the towns the city lacks -----------------------------------------------------------------------
    def add_towns(self) -> None:
        taken = set(Person.objects.values_list("name", flat=True))
        password = self.people["office"].password  # the demo's one hash
        leaders = [p for p in self.people.values() if p.has_role(Role.LEADER)]
        portfolio = {p.pk: set(p.supervised_units.values_list("pk", flat=True)) for p in leaders}
        new_people, through = [], Person.supervised_units.through
        links = []
        for code, name, parent in tx.NEW_TOWNS:
            if code in self.units:
                raise ValueError(f"the demo already has the unit code {code}")
            unit = Unit.objects.create(name=name, kind=UnitKind.TOWN, parent=self.units[parent])
            self.units[code] = unit
            for role, title in (
                (Role.UNIT_HEAD, head_title(name, "town")),
                (Role.LIAISON, liaison_title(name, "town")),
            ):
                while (person_name := self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)) in taken:
                    continue
                taken.add(person_name)
                suffix = "head" if role == Role.UNIT_HEAD else "liaison"
                new_people.append(
                    Person(
                        username=f"{code}_{suffix}",
                        name=person_name,
                        title=title,
                        unit=unit,
                        roles=[role],
                        password=password,
                    )
                )
            links += [
                through(person_id=pk, unit_id=unit.pk)
                for pk, units in portfolio.items()
                if self.units[parent].pk in units
            ]
        Person.objects.bulk_create(new_people)
        through.objects.bulk_create(links)
        for p in Person.objects.filter(username__in=[p.username for p in new_people]):
            self.people[p.username] = p

    # -- the campaigns --------------------------------------------------------------------------------
    def target(self) -> tuple[set[str], set[str]]:
        """The 82 units inspected in the half year: every department but the teams' own, every district
        and county, and towns and streets for the rest."""
        team_units = {c for spec in tx.CAMPAIGNS for c in spec["team_units"]}
        departments = {c for c, u in self.units.items() if u.kind == UnitKind.DEPARTMENT and c not in team_units}
        districts = {c for c, u in self.units.items() if u.kind == UnitKind.DISTRICT}
        towns = sorted(c for c, u in self.units.items() if u.kind == UnitKind.TOWN)
        wanted = TARGET_UNITS - len(departments) - len(districts)
        return departments | districts, set(self.rng.sample(towns, wanted))

    def campaigns(self) -> list[tuple[Inspection, list[str]]]:
        """Each campaign created on its first day with its named units, then its draws among the units of
        the year's list not yet inspected; returns the campaigns with the codes they inspect."""
        big, towns = self.target()
        covered: set[str] = set()
        code_of = {u.pk: c for c, u in self.units.items()}
        out = []
        for spec in tx.CAMPAIGNS:
            start, end = self.day_at(spec["span"][0]), self.day_at(spec["span"][1])
            at = self.moment(start, 8, 9)
            named = [c for c in spec["named"] if c != "*"]
            if "*" in spec["named"]:
                named += sorted((big | towns) - covered - set(named))
            data = inspections.InspectionInput(
                title=spec["title"],
                leader=self.people[spec["leader"]],
                period_from=start,
                period_to=end,
                methods=list(spec["methods"]),
                team_units=[self.units[c] for c in spec["team_units"]],
                members=[self.people[u] for u in spec["members"]],
                units=[self.units[c] for c in named],
                scope=spec["scope"],
            )
            inspection, _ = inspections.do_create_inspection(self.people["office"], data, now=at)
            inspected = list(named)
            covered |= set(named)
            for n, (kind, count) in enumerate(spec["draw"]):
                pool = sorted(
                    ((big if kind == "department" else towns) - covered)
                    & {c for c, u in self.units.items() if u.kind == kind}
                )
                if not pool:
                    continue
                draw, _ = inspections.do_draw(
                    self.people[spec["leader"]],
                    inspection,
                    inspections.DrawInput(
                        count=min(count, len(pool)),
                        units=[self.units[c].pk for c in pool],
                        seed=f"{inspection.code}-{n + 1}",
                    ),
                    now=at + timedelta(minutes=20 + n),
                )
                drawn = [code_of[pk] for pk in draw.drawn]
                inspected += drawn
                covered |= set(drawn)
            out.append((inspection, inspected))
        if len(covered) != TARGET_UNITS:  # pragma: no cover - the campaigns' plan is wrong
            raise ValueError(f"the campaigns inspect {len(covered)} units, not {TARGET_UNITS}")
        return out

    # -- the findings' stories ---------------------------------------------------------------------------
    def allocate(self, inspected: list[str], total: int) -> list[str]:
        """Which unit each finding is at: every unit inspected has one, the rest by weight."""

        def weight(code: str) -> float:
            kind = self.units[code].kind
            w = 3.0 if kind == UnitKind.DISTRICT else 1.6 if kind == UnitKind.DEPARTMENT else 1.0
            return w * (2.2 if code in POOR else 1.0)

        chosen = list(inspected[:total])
        chosen += self.rng.choices(inspected, weights=[weight(c) for c in inspected], k=total - len(chosen))
        return chosen

    def fate(self, code: str) -> str:
        late = 0.25 if code in POOR else 0.06
        r = self.rng.random()
        for name, p in (
            ("overdue", late),
            ("silent", 0.015),
            ("failed_open", 0.015),
            ("verifying", 0.035),
            ("extended", 0.04),
            ("failed_then_closed", 0.09),
        ):
            if r < p:
                return name
            r -= p
        return "closed"

    def plans(self, campaigns: list[tuple[Inspection, list[str]]]) -> list[Plan]:
        out = []
        for i, (inspection, inspected) in enumerate(campaigns):
            days = [
                inspection.period_from + timedelta(days=d)
                for d in range((inspection.period_to - inspection.period_from).days + 1)
            ]
            days = [d for d in days if self.cal.is_workday(d)]
            for code in self.allocate(inspected, tx.CAMPAIGNS[i]["findings"]):
                out.append(Plan(campaign=i, unit=code, found=self.rng.choice(days), fate=self.fate(code)))
        return out

    def text(self, template: str) -> str:
        return template.format(
            n=self.rng.randint(2, 15),
            m=self.rng.randint(1, 5),
            k=self.rng.randint(2, 9),
            pct=self.rng.randint(8, 35),
            place=self.rng.choice(tx.PLACES),
        )

    def schedule(self, plan: Plan, team: list[Person]) -> None:
        rng = self.rng
        category = rng.choices(list(tx.CATEGORY_SHARES), weights=list(tx.CATEGORY_SHARES.values()))[0]
        severity = rng.choices(list(tx.SEVERITY_SHARES), weights=list(tx.SEVERITY_SHARES.values()))[0]
        span = {"minor": (15, 30), "major": (20, 45), "serious": (30, 60)}[severity]
        deadline = plan.found + timedelta(days=rng.randint(*span))
        found_at = self.moment(plan.found, 10, 17)
        recorder = rng.choice(team)
        liaison = self.people[f"{plan.unit}_liaison"]
        office = self.people[rng.choice(("office", "office02", "office03"))]
        data = findings.FindingInput(
            unit=self.units[plan.unit],
            category=self.categories[category],
            severity=severity,
            description=self.text(rng.choice(tx.PROBLEMS[category])),
            requirement=self.text(rng.choice(tx.REQUIREMENTS[category])),
            deadline=deadline,
            found_on=plan.found,
        )
        evidence = [rng.choice(self.evidence)] if rng.random() < 0.18 else []
        inspection = self.inspections[plan.campaign]

        def record(at: datetime) -> None:
            plan.finding = findings.do_create_finding(recorder, inspection, data, evidence=evidence, now=at)[0]

        self.push(found_at, record)
        # The unit signs for its rectification within hours, as units sign for their lists.
        self.push(
            found_at + timedelta(hours=rng.randint(1, 4)),
            lambda at: do_sign(liaison, findings.live_duty(plan.finding), now=at),  # type: ignore[arg-type]
        )
        if plan.fate == "silent":
            return
        length = (deadline - plan.found).days
        mid = self.moment(plan.found + timedelta(days=max(2, round(length * rng.uniform(0.3, 0.55)))))
        if severity != "minor" or plan.fate == "overdue":  # a minor problem is reported once, rectified
            self.push(mid, lambda at: self.report(plan, liaison, rng.randint(30, 70), at, done=False))
        if plan.fate == "overdue":
            if rng.random() < 0.6:
                late = self.moment(deadline + timedelta(days=rng.randint(3, 40)))
                self.push(late, lambda at: self.report(plan, liaison, rng.randint(60, 90), at, done=False))
            return
        if plan.fate == "extended":
            ask = self.moment(deadline - timedelta(days=rng.randint(3, 6)))
            new_deadline = deadline + timedelta(days=rng.randint(20, 40))
            self.push(ask, lambda at: self.extend(plan, liaison, new_deadline, at))
            self.push(ask + timedelta(days=1), lambda at: self.decide(plan, office, at))
            deadline = new_deadline
        if plan.fate == "verifying":
            asked = self.now - timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 6))
            asked = max(asked, mid + timedelta(days=1))
            self.push(asked, lambda at: self.report(plan, liaison, 100, at, done=True))
            return
        asked = self.moment(deadline + timedelta(days=rng.choice((-6, -4, -3, -2, -1, 0, 1, 3, 8))))
        asked = max(asked, mid + timedelta(days=1))
        self.push(asked, lambda at: self.report(plan, liaison, 100, at, done=True))
        checker = rng.choice(team)
        checked = asked + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 4))
        if plan.fate in ("failed_then_closed", "failed_open"):
            self.push(checked, lambda at: self.verify(plan, checker, False, at))
            if plan.fate == "failed_open":
                return
            asked = checked + timedelta(days=rng.randint(4, 15))
            self.push(asked, lambda at: self.report(plan, liaison, 100, at, done=True))
            checked = asked + timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 4))
        self.push(checked, lambda at: self.verify(plan, checker, True, at))

    # -- the steps ------------------------------------------------------------------------------------
    def report(self, plan: Plan, liaison: Person, progress: int, at: datetime, *, done: bool) -> None:
        assert plan.finding is not None
        rng = self.rng
        words = self.text(rng.choice(tx.DONE_REPORTS if done else tx.PROGRESS_REPORTS))
        uploads: Checked = []
        if done and rng.random() < 0.3:
            uploads = rng.sample(self.photos, rng.randint(1, 2))
            if rng.random() < 0.2:
                uploads.append((tx.REPORT_PDF, "application/pdf", _pdf(plan.finding.code)))
        findings.do_report_finding(
            liaison,
            plan.finding,
            progress=progress,
            done=words,
            difficulties="" if done else rng.choice(tx.DIFFICULTIES),
            request_completion=done,
            uploads=uploads,
            now=at,
        )

    def verify(self, plan: Plan, checker: Person, passed: bool, at: datetime) -> None:
        assert plan.finding is not None
        note = self.text(self.rng.choice(tx.PASS_NOTES if passed else tx.FAIL_NOTES))
        findings.do_verify(checker, plan.finding, passed=passed, note=note, now=at)

    def extend(self, plan: Plan, liaison: Person, new_deadline: date, at: datetime) -> None:
        assert plan.finding is not None
        duty = findings.live_duty(plan.finding)
        completion.do_request_extension(liaison, duty, new_deadline, self.rng.choice(tx.EXTENSION_REASONS), now=at)

    def decide(self, plan: Plan, office: Person, at: datetime) -> None:
        assert plan.finding is not None
        ext = findings.live_duty(plan.finding).extensions.get()
        completion.do_decide_extension(office, ext, True, "同意延期，请按新时限完成整改。", now=at)

    # -- all of it ------------------------------------------------------------------------------------
    def build(self) -> None:
        self.add_towns()
        campaigns = self.campaigns()
        self.inspections = [inspection for inspection, _ in campaigns]
        for plan in self.plans(campaigns):
            spec = tx.CAMPAIGNS[plan.campaign]
            team = [self.people[spec["leader"]], *(self.people[u] for u in spec["members"])]
            self.schedule(plan, team)
        self.run()
        self.link_plan_lists()

    def link_plan_lists(self) -> None:
        """The plan's first inspection lists drafted after a finding of their lead unit are linked to it,
        with the event the one-step conversion (do_finding_to_list) records."""
        lists = ResponsibilityList.objects.filter(source=Source.INSPECTION).exclude(status=ListStatus.DRAFT)
        taken: set[int] = set()
        for rlist in lists.order_by("created_at", "pk"):
            if len(taken) == LISTS_LINKED:
                break
            lead = rlist.duties.filter(role=HandlingRole.LEAD).values_list("unit_id", flat=True).first()
            found = (
                Finding.objects.filter(unit_id=lead, list__isnull=True, created_at__lt=rlist.created_at)
                .exclude(pk__in=taken)
                .order_by("-created_at")
                .first()
            )
            if found is None:
                continue
            taken.add(found.pk)
            Finding.objects.filter(pk=found.pk).update(list=rlist)
            record(
                self.people["office"],
                "finding.listed",
                "finding",
                found.pk,
                unit_id=found.unit_id,
                after={"list": rlist.pk, "code": rlist.code},
                at=rlist.created_at,
            )


def build_inspections(rng: random.Random, units: dict[str, Unit], people: dict[str, Person], now: datetime) -> None:
    """The first half year's inspections, as described above; `units` and `people` gain the new towns."""
    DemoInspections(rng, units, people, now).build()
