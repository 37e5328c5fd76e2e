"""The cockpit and the summary at province scale on PostgreSQL: build, then time cold and warm.

    uv run python bench/cockpit.py --db luoshi_bench_cockpit                 # full scale (minutes; a quiet machine)
    uv run python bench/cockpit.py --db luoshi_bench_cockpit_s --scale 0.05   # a twentieth, to see it work
    uv run python bench/cockpit.py --db luoshi_bench_cockpit --no-build --runs 30   # time an existing build again
    --server postgres://postgres@127.0.0.1:5432  (the default)    --years 5    --runs 15    --seed 1

It DROPs and CREATEs the database --db names (a name with "bench" in it, so that no other database is dropped
by a slip), migrates it, and fills it, at --scale 1: 20,000 responsibility lists (3 units × 10 reports each, with
bench/build.py's loader and its events) spread over --years years (the past years' lists closed, this year's a
mix of closed and in progress, red, yellow and green); a master ledger of this year with 10,000 tasks (2,000
top-level × 4 leaves, each leaf a unit's duty, some with an indicator and its trajectory); 100,000 public
problems over the years (dispatched, replied, visited, closed, each with its duty, reply and visit, and their
events); inspections and 2,500 findings with their rectification duties; the 12 leaders' frontline days. Rows
go in by COPY (luoshi.bulk / build.py's sink), not through the services; then the tallies' recount
(`recount --fix`) and the ledger's roll-up, so the figures agree with the facts, and ANALYZE.

Then, over --runs runs each, for the office (the whole city) and a leader (own and supervised): the cockpit
(figures.cockpit) cold (cache cleared before each run) and warm (from the cache), each section alone (cold),
and the summary (cockpit.summary) for the year to date if it exists: median and p95 ms and the queries of
one run. Nothing asserts a time.

Figures (2026-12-04, this 2-core machine, PostgreSQL 15, --scale 1: 20,000 lists, 162,212 duties, 600,000
reports, 10,000 ledger tasks, 100,000 problems, 2,500 findings, 5,063 frontline days, 997,832 events over 5
years; built in about 2 minutes; 15 runs): the office's cockpit cold median 176 ms (p95 505 ms, one of
the 15 runs), 38 queries; warm 0.5 ms, 1 query (the chain's head); a leader's cold
151 ms, 32 queries. Sections cold: lists 28 ms, ladder 3, ledger 36, oversight 17, public 75, fieldwork 10.
The year in figures: cold 31 ms (17 queries), warm 0.4 ms. Before the ledger's completion days were grouped
(three queries instead of subqueries per task) the cold cockpit took 940 ms, 754 of them in the ledger.
"""

import argparse
import io
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCALE = {"lists": 20_000, "tasks": 10_000, "problems": 100_000, "findings": 2_500}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="the PostgreSQL database to drop, create and fill")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-build", action="store_true", help="time the database as it is")
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.db) or "bench" not in args.db:
        parser.error("--db: a lower-case name with 'bench' in it (the database is dropped and created)")
    return args


ARGS = arguments()


def recreate(server: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


if not ARGS.no_build:
    recreate(ARGS.server, ARGS.db)
os.environ["DATABASE_URL"] = f"{ARGS.server}/{ARGS.db}"
os.environ.setdefault("LUOSHI_VAR_DIR", str(HERE / "out"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
sys.path.insert(0, str(HERE))

import django  # noqa: E402

django.setup()

import build  # noqa: E402  (bench/build.py: the lists' loader)
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from luoshi import bulk  # noqa: E402
from luoshi.cockpit import figures  # noqa: E402
from luoshi.cockpit.scope import for_leader  # noqa: E402
from luoshi.duties import owners  # noqa: E402
from luoshi.duties.models import Duty  # noqa: E402
from luoshi.events.models import Event  # noqa: E402
from luoshi.frontline.models import Fieldwork  # noqa: E402
from luoshi.ledger import rollup  # noqa: E402
from luoshi.ledger.models import Indicator, Ledger, Programme, Task, TrajectoryPoint  # noqa: E402
from luoshi.org.models import Person  # noqa: E402
from luoshi.oversight.models import (  # noqa: E402
    Finding,
    FindingCategory,
    InspectedUnit,
    Inspection,
)
from luoshi.public.models import Category, Problem, Reply, Visit  # noqa: E402

TZ = timezone.get_current_timezone()


EVENT_COLUMNS = ["id", "at", "actor_id", "kind", "subject_type", "subject_id", "unit_id", "before", "after", "note"]


def at(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, 8 + rng.randrange(10), rng.randrange(60), tzinfo=TZ)


def lists(n: int, years: int, people: build.People, seed: int) -> None:
    """build.py's plans, one batch per year (its 'today' moved back a year each time); the past years' lists
    all closed; then its loader (lists, duties, reports, events) in one go."""
    import time_machine

    now = timezone.now()
    plans: list[build.ListPlan] = []
    for back in range(years):
        per_year = n - (n // years) * (years - 1) if back == 0 else n // years
        if back == 0:
            plans += build.plan_lists(per_year, 3, 10, people, seed)
            continue
        with time_machine.travel(now.replace(year=now.year - back), tick=False):
            batch = build.plan_lists(per_year * 3 // 2 + 3, 3, 10, people, seed + back)
        plans += [p for p in batch if p.closed_at is not None][:per_year]
    plans.sort(key=lambda p: p.published_at)
    build.load(plans, people, verbose=True)


def duty_row(
    owner: int,
    unit: int,
    leader: int | None,
    title: str,
    code: str,
    status: str,
    progress: int,
    deadline: date,
    created: datetime,
    signed: datetime | None,
    completed: datetime | None,
    every: int | None = None,
    due: date | None = None,
    respond_by: datetime | None = None,
) -> tuple:
    return (
        owner,
        unit,
        "lead",
        leader,
        title,
        code,
        status,
        progress,
        deadline,
        every,
        due,
        created,
        signed,
        completed,
        respond_by,
    )


DUTY_COLUMNS = [
    "owner_id",
    "unit_id",
    "role",
    "leader_id",
    "title",
    "code",
    "status",
    "progress",
    "deadline",
    "report_every_days",
    "next_report_due",
    "created_at",
    "signed_at",
    "completed_at",
    "respond_by",
]


def duties(kind: str, rows: list[tuple]) -> list[int]:
    return bulk.insert(Duty, DUTY_COLUMNS, rows, fixed={"owner_type_id": owners.content_type_id(kind)}, returning=True)


def ledger(n: int, people: build.People, today: date, rng: random.Random) -> int:
    """This year's ledger, open: 10 programmes, top-level tasks of 4 leaves each; a duty per leaf."""
    year, opened = today.year, datetime(today.year, 1, 6, 9, tzinfo=TZ)
    book = Ledger.objects.create(
        year=year,
        title=f"{year}年市级领导总台账",
        status="open",
        created_by=people.office,
        created_at=opened - timedelta(days=3),
        opened_at=opened,
        next_number=1,
    )
    programmes = Programme.objects.bulk_create(
        Programme(ledger=book, name=name, position=i)
        for i, name in enumerate(
            [
                "3341项目工程",
                "双联行动",
                "1236扶贫攻坚",
                "民生实事",
                "生态环境",
                "营商环境",
                "乡村振兴",
                "城市更新",
                "安全生产",
                "数字政府",
            ]
        )
    )
    tops = max(1, n // 5)
    rows = []
    for t in range(tops):
        leader, unit = rng.choice(people.leaders).pk, rng.choice(people.units)
        rows.append(
            (
                programmes[t % len(programmes)].pk,
                None,
                f"{year}-TZ-{t + 1:04d}",
                f"{t + 1:05d}",
                0,
                5,
                f"重点任务{t + 1}",
                leader,
                unit,
                date(year, 12, 31),
                opened,
            )
        )
    columns = [
        "programme_id",
        "parent_id",
        "code",
        "path",
        "depth",
        "next_child",
        "title",
        "leader_id",
        "lead_unit_id",
        "deadline",
        "created_at",
    ]
    top_ids = bulk.insert(Task, columns, rows, fixed={"ledger_id": book.pk}, returning=True)
    leaves = []
    for (programme, _p, code, path, _d, _n, title, leader, unit, _dl, _c), top in zip(rows, top_ids, strict=True):
        for k in range(1, 5):
            deadline = date(year, min(12, 3 * k + rng.randrange(0, 3)), 28)
            leaves.append(
                (
                    programme,
                    top,
                    f"{code}-{k:02d}",
                    f"{path}.{k:03d}",
                    1,
                    1,
                    f"{title}之{k}",
                    leader,
                    rng.choice(people.units) if k > 1 else unit,
                    deadline,
                    opened,
                )
            )
    leaf_ids = bulk.insert(Task, columns, leaves, fixed={"ledger_id": book.pk, "report_every_days": 30}, returning=True)
    Ledger.objects.filter(pk=book.pk).update(next_number=tops + 1)
    duty_rows = []
    for (_pr, _t, code, _pa, _d, _n, title, leader, unit, deadline, _c), task in zip(leaves, leaf_ids, strict=True):
        done = deadline < today and rng.random() < 0.8
        progress = 100 if done else rng.randrange(5, 96)
        due = None if done else today + timedelta(days=rng.randrange(-20, 25))
        completed = at(min(deadline, today - timedelta(days=1)), rng) if done else None
        duty_rows.append(
            duty_row(
                task,
                unit,
                leader,
                title,
                code,
                "completed" if done else "open",
                progress,
                deadline,
                opened,
                opened,
                completed,
                30,
                due,
            )
        )
    duties("ledger_task", duty_rows)
    indicators = [(task, "固定资产投资", "亿元", rng.randrange(5, 80)) for task in leaf_ids[::10]]
    ind_ids = bulk.insert(Indicator, ["task_id", "name", "measure", "target"], indicators, returning=True)
    points = [
        (i, f"{year}-Q{q}", target * q / 4)
        for i, (_t, _n, _m, target) in zip(ind_ids, indicators, strict=True)
        for q in range(1, 5)
    ]
    bulk.insert(TrajectoryPoint, ["indicator_id", "period", "planned"], points)
    return book.pk


def problems(n: int, years: int, people: build.People, today: date, rng: random.Random, events: list[tuple]) -> None:
    """Public problems over the years, most handled and closed; the recent ones at every step."""
    categories = list(Category.objects.values_list("pk", "resolve_workdays"))
    channels = ["hotline"] * 12 + ["web"] * 4 + ["tv", "newspaper", "open311", "internet_supervision"]
    first = today - timedelta(days=365 * years - 1)
    span = (today - first).days
    rows, steps = [], []
    for i in range(n):
        day = first + timedelta(days=int(span * (i / n)))
        received = at(day, rng)
        age = (today - day).days
        roll = rng.random()
        if roll < 0.05:
            status = "rejected"
        elif roll < 0.08:
            status = "duplicate"
        elif age > 30 or roll > 0.6:
            status = "closed"
        else:
            status = rng.choice(["pending", "accepted", "dispatched", "handling", "replied", "visited"])
        handled = status in ("dispatched", "handling", "replied", "visited", "closed")
        dispatched = received + timedelta(hours=rng.randrange(1, 30)) if handled else None
        replied = (
            dispatched + timedelta(days=rng.randrange(1, 15)) if status in ("replied", "visited", "closed") else None
        )
        visited = replied + timedelta(days=rng.randrange(1, 4)) if replied and status != "replied" else None
        closed = visited + timedelta(hours=2) if status == "closed" else None
        if closed and closed > timezone.now():
            closed = visited = replied = None
            status = "handling"
        triaged = received + timedelta(minutes=30) if status != "pending" else None
        category, workdays = rng.choice(categories)
        unit = rng.choice(people.units) if handled else None
        outcome = ("solved" if rng.random() < 0.85 else "unsolved") if closed else ""
        hot = rng.random() < 0.004
        rows.append(
            (
                f"BP{i + 1:09d}",
                rng.choice(channels),
                category,
                f"群众反映问题{i + 1}",
                status,
                received,
                triaged,
                unit,
                dispatched,
                replied,
                visited,
                closed,
                outcome,
                hot,
                received if hot else None,
            )
        )
        steps.append((unit, workdays, dispatched, replied, visited, status))
    columns = [
        "code",
        "channel",
        "category_id",
        "content",
        "status",
        "created_at",
        "triaged_at",
        "lead_unit_id",
        "dispatched_at",
        "replied_at",
        "visited_at",
        "closed_at",
        "outcome",
        "hot",
        "exposed_at",
    ]
    ids = bulk.insert(Problem, columns, rows, returning=True)
    duty_rows, kept = [], []
    for pid, row, (unit, workdays, dispatched, replied, visited, status) in zip(ids, rows, steps, strict=True):
        events.append((row[5], None, "problem.received", "problem", pid, None, "{}", f'{{"status": "{status}"}}'))
        if dispatched is None:
            continue
        signed = dispatched + timedelta(hours=rng.randrange(1, 30))
        respond_by = dispatched + timedelta(hours=24)
        deadline = timezone.localdate(dispatched) + timedelta(days=workdays * 7 // 5)
        done = replied is not None
        duty_rows.append(
            duty_row(
                pid,
                unit,
                None,
                row[3],
                row[0],
                "completed" if done else "open",
                100 if done else 0,
                deadline,
                dispatched,
                signed,
                replied,
                None,
                None,
                respond_by,
            )
        )
        kept.append((pid, unit, replied, visited))
        events.append((dispatched, people.office.pk, "problem.dispatched", "problem", pid, unit, "{}", "{}"))
        if visited:
            events.append((visited, people.office.pk, "problem.closed", "problem", pid, unit, "{}", "{}"))
    duty_ids = duties("problem", duty_rows)
    liaison = people.liaison_of
    replies = [
        (pid, duty, unit, "已办理并答复。", replied, liaison[unit])
        for (pid, unit, replied, _v), duty in zip(kept, duty_ids, strict=True)
        if replied
    ]
    bulk.insert(Reply, ["problem_id", "duty_id", "unit_id", "text", "at", "by_id"], replies)
    sat = ["satisfied"] * 7 + ["basically"] * 2 + ["unsatisfied"]
    visits = [
        (pid, unit, rng.choice(sat), rng.random() < 0.85, visited, people.office.pk)
        for pid, unit, _r, visited in kept
        if visited
    ]
    bulk.insert(Visit, ["problem_id", "unit_id", "satisfaction", "solved", "at", "by_id"], visits)


def oversight(n_findings: int, years: int, people: build.People, today: date, rng: random.Random) -> None:
    """Four inspections a year, 20 units each; the findings and their rectification duties."""
    categories = list(FindingCategory.objects.values_list("pk", flat=True))
    per = max(1, n_findings // (years * 4))
    duty_rows, findings = [], []
    for back in range(years):
        for q in range(4):
            start = date(today.year - back, 3 * q + 1, 10)
            if start > today:
                continue
            inspection = Inspection.objects.create(
                code=f"{start.year}-DC-{q + 1:03d}",
                title=f"{start.year}年第{q + 1}轮督查",
                leader=people.leaders[q],
                period_from=start,
                period_to=start + timedelta(days=14),
                methods=["discussion", "spot_check"],
                created_by=people.office,
                created_at=at(start, rng),
            )
            units = rng.sample(people.units, 20)
            bulk.insert(InspectedUnit, ["inspection_id", "unit_id"], [(inspection.pk, u) for u in units])
            for k in range(per):
                found = start + timedelta(days=rng.randrange(0, 14))
                deadline = found + timedelta(days=rng.randrange(20, 90))
                closed = at(deadline - timedelta(days=rng.randrange(0, 15)), rng) if deadline < today else None
                findings.append(
                    (
                        inspection.pk,
                        f"{inspection.code}-{k + 1:03d}",
                        rng.choice(units),
                        rng.choice(categories),
                        rng.choice(["minor", "major", "serious"]),
                        "发现问题",
                        "限期整改",
                        deadline,
                        found,
                        at(found, rng),
                        closed,
                    )
                )
    columns = [
        "inspection_id",
        "code",
        "unit_id",
        "category_id",
        "severity",
        "description",
        "requirement",
        "deadline",
        "found_on",
        "created_at",
        "closed_at",
    ]
    ids = bulk.insert(Finding, columns, findings, fixed={"created_by_id": people.office.pk}, returning=True)
    for fid, f in zip(ids, findings, strict=True):
        done = f[10] is not None
        duty_rows.append(
            duty_row(
                fid,
                f[2],
                None,
                "整改",
                f[1],
                "completed" if done else "open",
                100 if done else 50,
                f[7],
                f[9],
                f[9],
                f[10],
            )
        )
    duties("finding", duty_rows)


def fieldwork(years: int, people: build.People, today: date, rng: random.Random) -> None:
    """Each leader: about seven entries a month (grassroots, supervised units, project sites)."""
    rows = []
    day = date(today.year - years + 1, 1, 1)
    kinds = ["grassroots"] * 3 + ["supervised_unit", "project_site"]
    while day <= today:
        for leader in people.leaders:
            if rng.random() < 0.33 and day.weekday() < 5:
                days = 1 if rng.random() < 0.8 else 2
                rows.append(
                    (
                        leader.pk,
                        day,
                        days,
                        day + timedelta(days=days - 1),
                        rng.choice(kinds),
                        "基层一线",
                        rng.choice(people.units),
                        at(day, rng),
                    )
                )
        day += timedelta(days=1)
    columns = ["leader_id", "date", "days", "last_date", "kind", "place", "unit_id", "logged_at"]
    bulk.insert(Fieldwork, columns, rows, fixed={"logged_by_id": people.office.pk})


def fill(scale: float, years: int, seed: int) -> None:
    rng = random.Random(seed)
    today = timezone.localdate()
    n = {k: max(1, int(v * scale)) for k, v in SCALE.items()}
    steps: list[tuple[str, Callable[[], Any]]] = []
    with transaction.atomic():
        t = time.perf_counter()
        people = build.create_people_and_units()
        lists(n["lists"], years, people, seed)
        print(f"lists: {time.perf_counter() - t:.1f} s", flush=True)
    events: list[tuple] = []
    with transaction.atomic():
        steps = [
            ("ledger", lambda: ledger(n["tasks"], people, today, rng)),
            ("problems", lambda: problems(n["problems"], years, people, today, rng, events)),
            ("oversight", lambda: oversight(n["findings"], years, people, today, rng)),
            ("fieldwork", lambda: fieldwork(years, people, today, rng)),
        ]
        book = 0
        for name, step in steps:
            t = time.perf_counter()
            result = step()
            book = result if name == "ledger" else book
            print(f"{name}: {time.perf_counter() - t:.1f} s", flush=True)
        t = time.perf_counter()
        first = build._next_id(Event)
        build.sink(Event, EVENT_COLUMNS, ((first + i, *e[:7], e[7], "") for i, e in enumerate(events)))
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Event]):
                cursor.execute(sql)
        print(f"events of the problems: {len(events):,} in {time.perf_counter() - t:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for name, step in (
        ("recount --fix", lambda: call_command("recount", "--fix", stdout=io.StringIO())),
        ("ledger roll-up", lambda: rollup.refresh_ledger(book)),
    ):
        t = time.perf_counter()
        with transaction.atomic():
            step()
        print(f"{name}: {time.perf_counter() - t:.1f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def timed(run: Callable[[], Any], runs: int, before: Callable[[], None] | None = None) -> tuple[list[float], int]:
    """The times of `runs` runs (ms) and the queries of the first one."""
    times, queries = [], 0
    for i in range(runs):
        if before:
            before()
        with CaptureQueriesContext(connection) as captured:
            t = time.perf_counter()
            run()
            times.append((time.perf_counter() - t) * 1000)
        if i == 0:
            queries = len(captured)
    return times, queries


def line(label: str, times: list[float], queries: int) -> None:
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18] if len(times) > 1 else times[0]
    print(f"  {label:<44} median {statistics.median(times):8.1f} ms   p95 {p95:8.1f} ms   {queries:3d} queries")


def summary_call() -> Callable[[date, date], Any] | None:
    try:
        from luoshi.cockpit import summary
    except ImportError:
        return None
    if not hasattr(summary, "summary"):
        return None
    if hasattr(summary, "Period"):
        return lambda start, end: summary.summary(summary.Period(start, end))
    return summary.summary  # type: ignore[no-any-return]


def measure(runs: int) -> None:
    today = timezone.localdate()
    office = Person.objects.get(username="bench_office")
    leader = Person.objects.get(username="bench_leader0")
    start, end = date(today.year, 1, 1), date(today.year, 12, 31)
    scopes = {
        "the office (whole city)": for_leader(office, None, start, end, today),
        "a leader (own and supervised)": for_leader(leader, leader, start, end, today),
    }
    print(f"timings over {runs} runs each ({connection.vendor}, year {today.year}):")
    for who, scope in scopes.items():
        times, queries = timed(lambda s=scope: figures.cockpit(s), runs, cache.clear)
        line(f"cockpit cold, {who}", times, queries)
        figures.cockpit(scope)
        times, queries = timed(lambda s=scope: figures.cockpit(s), runs)
        line(f"cockpit warm, {who}", times, queries)
        for name, section in figures.SECTIONS.items():
            times, queries = timed(lambda f=section, s=scope: f(s), max(3, runs // 3))
            line(f"  section {name}", times, queries)
    call = summary_call()
    if call is None:
        print("  summary: cockpit.summary has no summary() here")
        return
    times, queries = timed(lambda: call(start, today), runs, cache.clear)
    line("summary cold, the year to date", times, queries)
    times, queries = timed(lambda: call(start, today), runs)
    line("summary warm", times, queries)


def counts() -> Iterator[str]:
    for label, model in (
        ("lists", build.ResponsibilityList),
        ("duties", Duty),
        ("reports", build.Report),
        ("ledger tasks", Task),
        ("problems", Problem),
        ("findings", Finding),
        ("fieldwork", Fieldwork),
        ("events", Event),
    ):
        yield f"{label} {model.objects.count():,}"


def main() -> None:
    print(f"database: {connection.settings_dict['NAME']} ({connection.vendor})", flush=True)
    if connection.vendor != "postgresql":
        sys.exit("bench/cockpit.py measures PostgreSQL: give --server postgres://…")
    if not ARGS.no_build:
        t = time.perf_counter()
        call_command("migrate", verbosity=0)
        print(f"migrate: {time.perf_counter() - t:.1f} s", flush=True)
        t = time.perf_counter()
        fill(ARGS.scale, ARGS.years, ARGS.seed)
        print(f"build: {time.perf_counter() - t:.1f} s", flush=True)
    print("counts: " + ", ".join(counts()), flush=True)
    ContentType.objects.clear_cache()
    measure(ARGS.runs)


if __name__ == "__main__":
    main()
