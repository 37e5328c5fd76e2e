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
import statistics
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
os.environ.setdefault("LUOSHI_VAR_DIR", str(OUT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

try:
    from luoshi.duties.models import Duty, Report
except ImportError:  # the previous release, for a figure to compare with
    from luoshi.lists.models import Obligation as Duty  # type: ignore[no-redef]
    from luoshi.lists.models import Report  # type: ignore[no-redef]
from luoshi.events.models import Event  # noqa: E402
from luoshi.lists.models import ResponsibilityList  # noqa: E402
from luoshi.org.models import Person  # noqa: E402


def build(n_lists: int, units_per_list: int, reports_each: int) -> None:
    """bench/build.py's bulk loader (COPY / executemany), then the summary tallies it leaves to recount."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from build import build as bulk_build
    from django.core.management import get_commands

    bulk_build(n_lists, units_per_list, reports_each, verbose=True)
    if "recount" in get_commands():
        call_command("recount", "--fix", stdout=open(os.devnull, "w"))  # noqa: SIM115


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
