"""Build N lists x 3 units x 10 reports and print the median server time of the main pages.

    uv run python bench/lists_pages.py                 # SQLite under bench/out/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_bench uv run python bench/lists_pages.py
    … --sweep                                          # then one sweep of the ladder (changes the data)

Times are measured in-process with Django's test client (middleware, queries and rendering; no network).
The measuring part also runs against the previous release's code (before the duty engine), on a database
that release built: `PYTHONPATH=<its src> python bench/lists_pages.py` (see bench/README.md).
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
os.environ.setdefault("LUOSHI_VAR_DIR", str(OUT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

try:
    from luoshi.duties.models import Duty, Report
except ImportError:  # the previous release, for a figure to compare with
    from luoshi.lists.models import Obligation as Duty  # type: ignore[no-redef]
    from luoshi.lists.models import Report  # type: ignore[no-redef]
from luoshi.events.models import Event  # noqa: E402
from luoshi.lists.models import ResponsibilityList  # noqa: E402
from luoshi.org.models import Person, Unit  # noqa: E402


def build(n_lists: int, units_per_list: int, reports_each: int) -> None:
    rng = random.Random(1)
    now = timezone.now()
    today = timezone.localdate()
    list_type = ContentType.objects.get_for_model(ResponsibilityList)
    with transaction.atomic():
        units = Unit.objects.bulk_create(Unit(name=f"单位{i:03d}", kind="department") for i in range(60))
        office = Person.objects.create_user("bench_office", password="bench-pass-1", roles=["office"], name="督查室")
        leaders = [
            Person.objects.create_user(f"bench_leader{i}", password="bench-pass-1", roles=["leader"], name=f"领导{i}")
            for i in range(12)
        ]
        for u in units:
            Person.objects.create_user(f"bench_l{u.pk}", password="bench-pass-1", roles=["liaison"], unit=u)
        batch = 2000
        for start in range(0, n_lists, batch):
            lists = []
            for i in range(start, min(start + batch, n_lists)):
                closed = i % 3 != 0
                created = now - timedelta(days=rng.randint(20, 300))
                lists.append(
                    ResponsibilityList(
                        code=f"{today.year}-ZR-{i + 1:05d}",
                        year=today.year,
                        source="work_point",
                        title=f"第{i + 1}项 推进重点项目建设与民生实事落实",
                        content="按要求落实。" * 5,
                        leader=rng.choice(leaders),
                        deadline=today + timedelta(days=rng.randint(-30, 120)),
                        report_every_days=14,
                        status="closed" if closed else "in_progress",
                        created_by=office,
                        created_at=created,
                        published_at=created,
                        closed_at=now if closed else None,
                        closed_late=False if closed else None,
                        days_late=0 if closed else None,
                    )
                )
            lists = ResponsibilityList.objects.bulk_create(lists)
            by_id = {rl.pk: rl for rl in lists}
            obligations = []
            for rl in lists:
                for k, unit in enumerate(rng.sample(units, units_per_list)):
                    done = rl.status == "closed"
                    obligations.append(
                        Duty(
                            owner_type=list_type,
                            owner_id=rl.pk,
                            title=rl.title,
                            code=rl.code,
                            leader=rl.leader,
                            report_every_days=rl.report_every_days,
                            created_at=rl.published_at,
                            signed_at=rl.published_at,
                            unit=unit,
                            role="lead" if k == 0 else "co",
                            deadline=rl.deadline,
                            status="completed" if done else "open",
                            progress=100 if done else rng.randint(0, 90),
                            next_report_due=None if done else today + timedelta(days=rng.randint(-20, 14)),
                            completed_at=now if done else None,
                        )
                    )
            obligations = Duty.objects.bulk_create(obligations)
            reports, events = [], []
            for ob in obligations:
                for r in range(reports_each):
                    at = by_id[ob.owner_id].created_at + timedelta(days=14 * r)
                    reports.append(
                        Report(
                            duty=ob,
                            author=office,
                            filed_at=at,
                            progress=min(100, 10 * r),
                            done="完成阶段工作",
                            difficulties="资金缺口较大" if r % 3 == 0 else "",
                        )
                    )
            reports = Report.objects.bulk_create(reports, batch_size=5000)
            for rep in reports:
                events.append(
                    Event(
                        at=rep.filed_at,
                        actor=office,
                        kind="report.filed",
                        subject_type="list",
                        subject_id=rep.duty.owner_id,
                        unit_id=rep.duty.unit_id,
                        after={"report": rep.pk, "progress": rep.progress},
                    )
                )
            Event.objects.bulk_create(events, batch_size=5000)
            last = {}
            for rep in reports:
                last[rep.duty_id] = rep.pk
            for ob in obligations:
                ob.last_report_id = last[ob.pk]
            Duty.objects.bulk_update(obligations, ["last_report"], batch_size=5000)
            print(f"  built {min(start + batch, n_lists)} lists", flush=True)


def median_ms(client: Client, url: str, repeat: int) -> float | None:
    """The median time of `url`, following redirects (a home page that sends a role on counts both);
    None where this release has no such page."""
    if client.get(url, follow=True).status_code == 404:  # warm up
        return None
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        response = client.get(url, follow=True)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(Person.objects.get(username=username))
    return client


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lists", type=int, default=20_000)
    parser.add_argument("--units", type=int, default=3)
    parser.add_argument("--reports", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--sweep", action="store_true", help="then time one sweep of the ladder (changes the data)")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    if args.rebuild and connection.vendor == "sqlite":
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    if ResponsibilityList.objects.count() != args.lists:
        if ResponsibilityList.objects.exists():
            sys.exit("The bench database holds other data: run with --rebuild (SQLite) or use an empty database.")
        t = time.perf_counter()
        build(args.lists, args.units, args.reports)
        print(f"build: {time.perf_counter() - t:.0f} s")
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum / a DBA would have them
        cursor.execute("ANALYZE")
    print(
        f"database: {connection.vendor}; lists {ResponsibilityList.objects.count()}, "
        f"obligations {Duty.objects.count()}, reports {Report.objects.count()}, events {Event.objects.count()}"
    )
    client = signed_in("bench_office")
    busiest = Duty.objects.filter(next_report_due__isnull=False).values_list("unit_id", flat=True).first()
    liaison = signed_in(f"bench_l{busiest}")
    leader = signed_in("bench_leader0")
    open_list = ResponsibilityList.objects.filter(status="in_progress").order_by("id").first()
    year = open_list.year
    pages = {
        "index page (/lists/)": "/lists/",
        "index page, filtered red + text": "/lists/?light=red&q=%E6%B0%91%E7%94%9F",
        "index page, page 200": "/lists/?page=200",
        "loop page (/lists/<id>/)": f"/lists/{open_list.pk}/",
        "overview page": f"/lists/overview/?year={year}",
        "API GET /api/v1/lists": "/api/v1/lists",
        "API GET /api/v1/lists/<id>/loop": f"/api/v1/lists/{open_list.pk}/loop",
        "API GET /api/v1/stats/overview": f"/api/v1/stats/overview?year={year}",
    }
    homes = {
        "home (/), the office": (client, "/"),
        "home (/), a leader": (leader, "/"),
        "home (/), a unit's liaison": (liaison, "/"),
        "API GET /api/v1/me/todo, the office": (client, "/api/v1/me/todo"),
        "API GET /api/v1/me/todo, a liaison": (liaison, "/api/v1/me/todo"),
    }
    print(f"median server time over {args.repeat} requests:")
    for name, (who, url) in {**{n: (client, u) for n, u in pages.items()}, **homes}.items():
        ms = median_ms(who, url, args.repeat)
        print(f"  {name:<40} {'—' if ms is None else f'{ms:8.1f} ms'}")
    if args.sweep:
        from django.utils.module_loading import import_string

        for path in ("luoshi.duties.sweep.sweep", "luoshi.escalation.services.sweep"):
            try:
                run = import_string(path)
                break
            except ImportError:
                continue
        t = time.perf_counter()
        counts = run()
        print(f"first sweep: {time.perf_counter() - t:.1f} s {counts}")
        t = time.perf_counter()
        run()
        print(f"second sweep: {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
