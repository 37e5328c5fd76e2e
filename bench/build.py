"""Fill an empty database with N responsibility lists × 3 units × 10 reports each, fast.

    uv run python bench/build.py --lists 20000                      # SQLite: bench/out/luoshi.sqlite3
    createdb -h 127.0.0.1 -U postgres luoshi_bench_20k
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_bench_20k uv run python bench/build.py --lists 20000

The shape of bench/lists_pages.py's first build (60 units, an office account, 12 leaders, a liaison per
unit, about 2/3 of the lists closed), with the facts and events the services write: list.created,
list.published, report.filed (the first report signs), completion.accepted, list.closed. The rows come
from one generator as plain tuples; PostgreSQL takes them by COPY, SQLite by executemany. Foreign keys
are not checked row by row during the load (session_replication_role / PRAGMA foreign_keys) but by
set-based checks after it; no index or constraint is dropped. Then ANALYZE, then `recount --fix` (the
summary tallies) if that command exists. Every bench account's password is bench-pass-1; the last line
printed is `office: <username>`.
"""

import argparse
import io
import os
import random
import sys
import time
from collections import Counter as Tally
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "out"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'luoshi.sqlite3'}")
os.environ.setdefault("LUOSHI_VAR_DIR", str(OUT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command, get_commands  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from luoshi.duties.models import Duty, Report  # noqa: E402
from luoshi.events.models import Counter, Event  # noqa: E402
from luoshi.lists.models import ResponsibilityList  # noqa: E402
from luoshi.org.models import Person, Unit  # noqa: E402
from luoshi.workdays import calendar  # noqa: E402

PASSWORD = "bench-pass-1"
TITLES = [
    "推进重点项目建设",
    "落实民生实事",
    "优化营商环境",
    "加强安全生产监管",
    "推进乡村振兴",
    "改善生态环境质量",
    "推进老旧小区改造",
    "做好就业创业服务",
    "强化食品药品安全",
    "推进数字政府建设",
    "加快交通基础设施建设",
    "深化国企改革",
    "做好防汛抗旱工作",
    "推进教育优质均衡",
    "完善养老服务体系",
    "推进城市更新",
]
SOURCES = ["work_point"] * 5 + ["agreed_item"] * 2 + ["meeting", "instruction", "assigned", "media", "inspection"]
DONE = [
    "完成阶段工作，按计划推进。",
    "已召开专题会议，落实分工。",
    "现场督导，解决具体问题。",
    "完成年度目标的阶段任务。",
]
HARD = ["资金缺口较大", "用地指标紧张", "协调难度较大", ""]


@dataclass
class People:
    office: Person
    leaders: list[Person]
    liaison_of: dict[int, int]  # unit id -> its liaison's id
    units: list[int]


@dataclass(slots=True)
class DutyPlan:
    unit_id: int
    role: str
    status: str  # open | completion_requested | completed
    every: int
    filed: list[datetime]  # its reports, oldest first; the last one asks for completion unless open
    dues: list[date]  # when each report was due
    progress: list[int]
    next_due: date | None
    accepted_at: datetime | None
    days_late: int | None
    id: int = 0


@dataclass(slots=True)
class ListPlan:
    published_at: datetime
    created_at: datetime
    title: str
    source: str
    leader_id: int
    deadline: date
    every: int
    closed_at: datetime | None
    duties: list[DutyPlan] = field(default_factory=list)
    id: int = 0
    code: str = ""
    days_late: int | None = None


def create_people_and_units() -> People:
    """60 units, the office, 12 leaders (5 supervised units each), a liaison per unit: one password hash."""
    password = make_password(PASSWORD)
    units = Unit.objects.bulk_create(
        Unit(name=f"{'市直部门' if i < 40 else '区县'}{i + 1:02d}", kind="department" if i < 40 else "district")
        for i in range(60)
    )
    office = Person(username="bench_office", password=password, roles=["office"], name="督查室")
    leaders = [
        Person(username=f"bench_leader{i}", password=password, roles=["leader"], name=f"领导{i}") for i in range(12)
    ]
    liaisons = [
        Person(username=f"bench_l{u.pk}", password=password, roles=["liaison"], unit=u, name=f"{u.name}联络员")
        for u in units
    ]
    Person.objects.bulk_create([office, *leaders, *liaisons])
    through = Person.supervised_units.through
    through.objects.bulk_create(
        through(person_id=leader.pk, unit_id=units[(i * 5 + j) % len(units)].pk)
        for i, leader in enumerate(leaders)
        for j in range(5)
    )
    return People(office, leaders, {p.unit_id: p.pk for p in liaisons if p.unit_id}, [u.pk for u in units])


def plan_lists(n: int, per_list: int, reports: int, people: People, seed: int = 1) -> list[ListPlan]:
    """Every list's dates and states, in publication order (ids and codes follow it, as in real use)."""
    rng = random.Random(seed)
    tz = timezone.get_current_timezone()
    now = timezone.now()
    today = timezone.localdate(now)
    cal = calendar.load()
    workday: dict[date, date] = {}

    def at(day: date) -> datetime:  # a time in office hours on that day
        minute = int(rng.random() * 600)  # randint costs more, and there are 30 of these per list
        return datetime(day.year, day.month, day.day, 8 + minute // 60, minute % 60, tzinfo=tz)

    def due_after(day: date, every: int, deadline: date) -> date:  # services.next_due
        d = day + timedelta(days=every)
        if d not in workday:
            workday[d] = cal.next_workday(d)
        return min(workday[d], deadline) if deadline >= day else workday[d]

    plans = []
    for i in range(n):
        closed = i % 3 != 0
        every = rng.choice([7, 14, 14, 30])
        duties = []
        anchor = today - timedelta(days=rng.randint(4, 90))  # a closed list's units finish close together
        for k, unit_id in enumerate(rng.sample(people.units, per_list)):
            # The unit's last report (and acceptance) first, then its earlier reports, one cadence apart.
            roll = rng.random()
            status = "completed" if closed or roll < 0.10 else "completion_requested" if roll < 0.18 else "open"
            if closed:
                last = anchor - timedelta(days=rng.randint(0, 15))
            elif status == "open":  # next report due between 20 days ago and 14 days ahead
                last = today - timedelta(days=every - rng.randint(-20, min(14, every - 1)))
            else:
                last = today - timedelta(days=rng.randint(1, 30))
            days = [last]
            for _ in range(reports - 1):
                days.append(days[-1] - timedelta(days=every - 2 + int(rng.random() * 6)))  # -2 to +3 days late
            days.reverse()
            filed = [at(d) for d in days]
            top = 100 if status != "open" else rng.randint(10, 95)
            progress = [max(1, top * (r + 1) // reports) for r in range(reports)]
            accepted = filed[-1] + timedelta(days=rng.randint(1, 3), hours=1) if status == "completed" else None
            if accepted:
                accepted = min(accepted, now - timedelta(minutes=1))
            duties.append(
                DutyPlan(unit_id, "lead" if k == 0 else "co", status, every, filed, [], progress, None, accepted, None)
            )
        published = min(d.filed[0] for d in duties) - timedelta(days=every + rng.randint(0, 5), hours=2)
        created = published - timedelta(days=rng.randint(0, 5), hours=rng.randint(1, 8))
        local = {id(d): [f.date() for f in d.filed] for d in duties}  # filed in the local zone already
        finished = max(local[id(d)][-1] for d in duties)
        if closed:
            deadline = finished + timedelta(days=rng.randint(-12, 40))
        else:
            deadline = today + timedelta(days=rng.randint(-15, 150))
        plan = ListPlan(
            published,
            created,
            f"{rng.choice(TITLES)}（第{i + 1}项）",
            rng.choice(SOURCES),
            rng.choice(people.leaders).pk,
            deadline,
            every,
            None,
            duties,
        )
        if closed:
            last_accept = max(d.accepted_at for d in duties if d.accepted_at)
            plan.closed_at = min(last_accept + timedelta(hours=rng.randint(1, 48)), now - timedelta(minutes=1))
        for d in duties:
            start = timezone.localdate(published)
            d.dues = [due_after(start, every, deadline)]
            days = local[id(d)]
            d.dues += [due_after(f, every, deadline) for f in days[:-1]]
            if d.status == "open":
                d.next_due = due_after(days[-1], every, deadline)
            if d.status == "completed":
                d.days_late = max((days[-1] - deadline).days, 0)
        if closed:
            plan.days_late = max(d.days_late or 0 for d in duties)
        plans.append(plan)
    plans.sort(key=lambda p: p.published_at)
    return plans


def number(plans: list[ListPlan], first_list: int, first_duty: int) -> dict[int, int]:
    """Ids in publication order, codes per year as do_publish gives them; returns the codes used per year."""
    per_year: Tally[int] = Tally()
    duty_id = first_duty
    for i, plan in enumerate(plans):
        plan.id = first_list + i
        year = timezone.localdate(plan.published_at).year
        per_year[year] += 1
        plan.code = f"{year}-ZR-{per_year[year]:04d}"
        for d in plan.duties:
            d.id, duty_id = duty_id, duty_id + 1
    return dict(per_year)


def _state(status: str, progress: int, deadline: str, due: date | None) -> str:  # duties.services.duty_state
    next_due = f'"{due.isoformat()}"' if due else "null"
    return f'{{"status": "{status}", "progress": {progress}, "deadline": "{deadline}", "next_report_due": {next_due}}}'


def rows_lists(plans: list[ListPlan], office: int) -> Iterator[tuple]:
    for p in plans:
        closed = p.closed_at is not None
        yield (
            p.id,
            p.code,
            timezone.localdate(p.published_at).year,
            p.source,
            p.title,
            "按要求抓好落实，按期报送进展。",
            p.leader_id,
            p.deadline,
            p.every,
            "closed" if closed else "in_progress",
            office,
            p.created_at,
            p.published_at,
            p.closed_at,
            (p.days_late or 0) > 0 if closed else None,
            p.days_late,
        )


LIST_COLUMNS = [
    "id",
    "code",
    "year",
    "source",
    "title",
    "content",
    "leader_id",
    "deadline",
    "report_every_days",
    "status",
    "created_by_id",
    "created_at",
    "published_at",
    "closed_at",
    "closed_late",
    "days_late",
]


def rows_duties(
    plans: list[ListPlan], list_type: int, liaison_of: dict[int, int], first_report: int
) -> Iterator[tuple]:
    report_id = first_report
    for p in plans:
        for d in p.duties:
            report_id += len(d.filed)
            yield (
                d.id,
                list_type,
                p.id,
                d.unit_id,
                d.role,
                p.leader_id,
                p.title,
                p.code,
                d.status,
                d.progress[-1],
                p.deadline,
                d.every,
                d.next_due,
                report_id - 1,
                p.published_at,
                d.filed[0],
                liaison_of[d.unit_id],
                d.accepted_at,
                d.days_late,
                d.filed[-1] if d.status == "completion_requested" else None,
            )


DUTY_COLUMNS = [
    "id",
    "owner_type_id",
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
    "last_report_id",
    "created_at",
    "signed_at",
    "signed_by_id",
    "completed_at",
    "days_late",
    "completion_asked_at",
]


def rows_reports(plans: list[ListPlan], liaison_of: dict[int, int], first_report: int) -> Iterator[tuple]:
    report_id = first_report
    for p in plans:
        for d in p.duties:
            author = liaison_of[d.unit_id]
            last = len(d.filed) - 1
            for r, filed in enumerate(d.filed):
                asks = r == last and d.status != "open"
                yield (
                    report_id,
                    d.id,
                    author,
                    filed,
                    d.progress[r],
                    DONE[(d.id + r) % 4],
                    HARD[(d.id + r) % 4],
                    "",
                    asks,
                    d.dues[r],
                )
                report_id += 1


REPORT_COLUMNS = [
    "id",
    "duty_id",
    "author_id",
    "filed_at",
    "progress",
    "done",
    "difficulties",
    "next_steps",
    "request_completion",
    "due_date",
]


def rows_events(
    plans: list[ListPlan], office: int, liaison_of: dict[int, int], first_event: int, first_report: int
) -> Iterator[tuple]:
    """What do_create_list, do_publish, do_report, do_accept and do_close record, in that order."""
    eid, report_id = first_event, first_report
    for p in plans:
        yield eid, p.created_at, office, "list.created", "list", p.id, None, "{}", f'{{"title": "{p.title}"}}', ""
        yield (
            eid + 1,
            p.published_at,
            office,
            "list.published",
            "list",
            p.id,
            None,
            '{"status": "draft"}',
            f'{{"status": "in_progress", "code": "{p.code}"}}',
            "",
        )
        eid += 2
        deadline = p.deadline.isoformat()
        for d in p.duties:
            author, last, progress, status = liaison_of[d.unit_id], len(d.filed) - 1, 0, "open"
            for r, filed in enumerate(d.filed):
                asks = r == last and d.status != "open"
                after_status = "completion_requested" if asks else "open"
                after_due = None if asks else d.dues[r + 1] if r < last else d.next_due
                before = _state(status, progress, deadline, d.dues[r])
                after = _state(after_status, d.progress[r], deadline, after_due)
                yield (
                    eid,
                    filed,
                    author,
                    "report.filed",
                    "list",
                    p.id,
                    d.unit_id,
                    before,
                    f'{after[:-1]}, "report": {report_id}, "duty": {d.id}}}',
                    "",
                )
                eid, report_id, progress, status = eid + 1, report_id + 1, d.progress[r], after_status
            if d.accepted_at:
                after = _state("completed", 100, deadline, None)
                yield (
                    eid,
                    d.accepted_at,
                    office,
                    "completion.accepted",
                    "list",
                    p.id,
                    d.unit_id,
                    _state(status, progress, deadline, None),
                    f'{after[:-1]}, "duty": {d.id}}}',
                    "",
                )
                eid += 1
        if p.closed_at:
            late = "true" if p.days_late else "false"
            yield (
                eid,
                p.closed_at,
                office,
                "list.closed",
                "list",
                p.id,
                None,
                '{"status": "in_progress"}',
                f'{{"status": "closed", "closed_late": {late}, "days_late": {p.days_late}}}',
                "",
            )
            eid += 1


EVENT_COLUMNS = ["id", "at", "actor_id", "kind", "subject_type", "subject_id", "unit_id", "before", "after", "note"]


def _columns(model: type[models.Model], given: Sequence[str]) -> tuple[list[str], tuple]:
    """The table's columns: those given, then every other concrete field with its default, as an unsaved
    instance would have it (so a field another developer adds does not break the load)."""
    rest: list[str] = []
    values: list[Any] = []
    for f in model._meta.concrete_fields:
        if f.attname in given:
            continue
        # A blank text field without a default gets "" (as Django gives an unsaved instance).
        if not f.has_default() and not f.null and not (f.blank and f.empty_strings_allowed):
            raise SystemExit(f"{model.__name__}.{f.name} has no default: tell bench/build.py what to put there")
        rest.append(f.column)
        values.append(f.get_db_prep_save(f.get_default(), connection))
    return [model._meta.get_field(a).column for a in given] + rest, tuple(values)


def _sqlite_value(value: Any, cache: dict) -> Any:
    """As Django's SQLite backend stores it: naive UTC datetimes, ISO dates."""
    if isinstance(value, datetime):
        if value not in cache:
            cache[value] = str(value.astimezone(UTC).replace(tzinfo=None))
        return cache[value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def sink(model: type[models.Model], given: Sequence[str], rows: Iterable[tuple]) -> int:
    """Write the rows into the model's table; returns how many."""
    columns, extra = _columns(model, given)
    table, quoted = model._meta.db_table, ", ".join(connection.ops.quote_name(c) for c in columns)
    written = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row + extra)
                written += 1
        return written
    cache: dict[datetime, str] = {}
    kinds = [isinstance(model._meta.get_field(a), models.DateField) for a in given]  # DateTimeField too
    dated = [i for i, k in enumerate(kinds) if k]

    def converted() -> Iterator[tuple]:
        nonlocal written
        for row in rows:
            values = list(row)
            for i in dated:
                values[i] = _sqlite_value(values[i], cache)
            written += 1
            yield (*values, *extra)

    marks = ", ".join("?" * len(columns))
    with connection.cursor() as cursor:
        cursor.cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", converted())
    return written


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


CHECKS = [  # (what, SQL that counts rows breaking it): the foreign keys the load did not check row by row
    (
        "duties without their list",
        "SELECT count(*) FROM duties_duty d LEFT JOIN lists_responsibilitylist l "
        "ON l.id = d.owner_id WHERE l.id IS NULL",
    ),
    (
        "duties whose last report is not theirs",
        "SELECT count(*) FROM duties_duty d LEFT JOIN duties_report r "
        "ON r.id = d.last_report_id WHERE r.id IS NULL OR r.duty_id <> d.id",
    ),
    (
        "reports without a duty",
        "SELECT count(*) FROM duties_report r LEFT JOIN duties_duty d ON d.id = r.duty_id WHERE d.id IS NULL",
    ),
    (
        "events without an actor",
        "SELECT count(*) FROM events_event e LEFT JOIN org_person p ON p.id = e.actor_id "
        "WHERE e.actor_id IS NOT NULL AND p.id IS NULL",
    ),
]


def load(plans: list[ListPlan], people: People, verbose: bool = False) -> dict[str, int]:
    """Insert the planned lists, duties, reports and events; inside build()'s transaction."""
    list_type = ContentType.objects.get_for_model(ResponsibilityList).pk
    first_report, first_event = _next_id(Report), _next_id(Event)
    per_year = number(plans, _next_id(ResponsibilityList), _next_id(Duty))
    office, liaisons = people.office.pk, people.liaison_of
    tables: list[tuple[str, type[models.Model], list[str], Callable[[], Iterator[tuple]]]] = [
        ("lists", ResponsibilityList, LIST_COLUMNS, lambda: rows_lists(plans, office)),
        ("duties", Duty, DUTY_COLUMNS, lambda: rows_duties(plans, list_type, liaisons, first_report)),
        ("reports", Report, REPORT_COLUMNS, lambda: rows_reports(plans, liaisons, first_report)),
        ("events", Event, EVENT_COLUMNS, lambda: rows_events(plans, office, liaisons, first_event, first_report)),
    ]
    written: dict[str, int] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # no per-row FK triggers
            cursor.execute("SET LOCAL synchronous_commit = off")
        for name, model, given, rows in tables:
            t = time.perf_counter()
            written[name] = sink(model, given, rows())
            if verbose:
                print(f"  {name}: {written[name]:,} rows in {time.perf_counter() - t:.1f} s", flush=True)
        for year, n in per_year.items():  # the next published list takes the next code
            Counter.objects.update_or_create(key=f"list-code-{year}", defaults={"value": n})
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")
            for sql in connection.ops.sequence_reset_sql(no_style(), [ResponsibilityList, Duty, Report, Event]):
                cursor.execute(sql)
        t = time.perf_counter()
        for what, sql in CHECKS:
            cursor.execute(sql)
            if bad := cursor.fetchone()[0]:
                raise SystemExit(f"bench/build.py made {bad} {what}: nothing was stored")
        if verbose:
            print(f"  foreign key checks: {time.perf_counter() - t:.1f} s", flush=True)
    return written


def counts() -> dict[str, int]:
    models_ = {
        "units": Unit,
        "people": Person,
        "lists": ResponsibilityList,
        "duties": Duty,
        "reports": Report,
        "events": Event,
    }
    return {name: m.objects.count() for name, m in models_.items()}


def build(n_lists: int, per_list: int = 3, reports: int = 10, seed: int = 1, verbose: bool = False) -> People:
    """Units, people, and the lists with everything that hangs on them, in one transaction."""
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        connection.ensure_connection()
        connection.connection.execute("PRAGMA synchronous = OFF")  # for this load; WAL is the settings' own
    with connection.constraint_checks_disabled() if sqlite else nullcontext(), transaction.atomic():
        t = time.perf_counter()
        people = create_people_and_units()
        plans = plan_lists(n_lists, per_list, reports, people, seed)
        if verbose:
            print(f"  people, units and the plan: {time.perf_counter() - t:.1f} s", flush=True)
        load(plans, people, verbose=verbose)
    if sqlite:
        connection.connection.execute("PRAGMA synchronous = NORMAL")
    return people


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lists", type=int, required=True)
    parser.add_argument("--units-per-list", type=int, default=3)
    parser.add_argument("--reports", type=int, default=10, help="reports per unit and list")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - t:.1f} s", flush=True)
    if ResponsibilityList.objects.exists():
        sys.exit("This database already holds lists: give build.py an empty one (createdb, or delete the SQLite file).")
    t0 = time.perf_counter()
    people = build(args.lists, args.units_per_list, args.reports, args.seed, verbose=True)
    t1 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    t2 = time.perf_counter()
    print(f"ANALYZE: {t2 - t1:.1f} s")
    print(f"build: {t2 - t0:.1f} s (plan, load, checks and ANALYZE; without migrate and recount)")
    if "recount" in get_commands():
        out = io.StringIO()
        call_command("recount", "--fix", stdout=out)  # its drift report (every figure, from empty) is long
        said = out.getvalue().splitlines()
        print(
            f"recount --fix: {time.perf_counter() - t2:.1f} s ({said[0] if said else ''}; {said[-1] if said else ''})"
        )
    else:
        print("recount: no such command here")
    t3 = time.perf_counter()
    with connection.cursor() as cursor:  # the figures' columns and rows are new since the first ANALYZE
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"VACUUM ANALYZE after the recount: {time.perf_counter() - t3:.1f} s")
    print("counts: " + ", ".join(f"{name} {n:,}" for name, n in counts().items()))
    print(f"password of every bench account: {PASSWORD}")
    print(f"office: {people.office.username}")


if __name__ == "__main__":
    main()
