"""The list API and the loop against their SQL floor: median server time of each endpoint, and the
median time of the very SQL it ran (captured once, then re-run by itself), on an existing database.

    LUOSHI_VAR_DIR=/tmp/x-var uv run python bench/api_floor.py                      # the demo city (SQLite)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_benchh_20k uv run python bench/api_floor.py

Read-only: sessions live in signed cookies, logins leave `last_login` alone and, on PostgreSQL, every
transaction is READ ONLY, so a database another bench built is never written to. Times are in-process
(Django's test client: middleware, queries, rendering; no network) and rough on a shared machine.
"""

import argparse
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import update_last_login  # noqa: E402
from django.contrib.auth.signals import user_logged_in  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.backends.signals import connection_created  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from luoshi.events.models import Event  # noqa: E402
from luoshi.lists.models import ResponsibilityList  # noqa: E402
from luoshi.org.models import Person  # noqa: E402

settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")


def _read_only(sender, connection, **kwargs) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")


connection_created.connect(_read_only)


def median_ms(client: Client, url: str, repeat: int, **headers: str) -> float:
    client.get(url, headers=headers)  # warm: caches, the policy, template loading
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return statistics.median(times)


def sql_floor_ms(client: Client, url: str, repeat: int, **headers: str) -> tuple[float, int, int]:
    """(median time of the captured SQL re-run alone, its number of queries, the response's bytes)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    statements = [q["sql"] for q in captured.captured_queries]
    statements = [s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "SET "))]
    times = []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            t = time.perf_counter()
            for sql in statements:
                cursor.execute(sql.replace("%", "%%"))
                cursor.fetchall()
            times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), len(statements), len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--user", default="", help="a username with the office role (default: the first)")
    args = parser.parse_args()
    people = Person.objects.filter(is_active=True).order_by("id")
    office = people.get(username=args.user) if args.user else next(p for p in people if p.has_role("office"))
    assert office is not None, "no office person in this database"
    client = Client()
    client.force_login(office)
    # The list with the longest timeline, and a plain one in progress.
    busiest = (
        Event.objects.filter(subject_type="list")
        .values("subject_id")
        .annotate(n=Count("id"))
        .order_by("-n", "subject_id")
        .first()
    )
    assert busiest is not None
    plain = ResponsibilityList.objects.filter(status="in_progress").order_by("id").values_list("pk", flat=True).first()
    lid, n_events = busiest["subject_id"], busiest["n"]
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
        f"lists {ResponsibilityList.objects.count()}; as {office.username}; "
        f"busiest list {lid} ({n_events} events), plain list {plain}"
    )
    endpoints = {
        "API GET /lists": "/api/v1/lists",
        "API GET /lists?light=red": "/api/v1/lists?light=red",
        "API GET /lists?limit=200&offset=40": "/api/v1/lists?limit=200&offset=40",
        "API GET /lists/<busiest>": f"/api/v1/lists/{lid}",
        "API GET /lists/<busiest>/loop": f"/api/v1/lists/{lid}/loop",
        "API GET /lists/<plain>/loop": f"/api/v1/lists/{plain}/loop",
        "HTML /lists/<busiest>/": f"/lists/{lid}/",
        "HTML /lists/<plain>/": f"/lists/{plain}/",
    }
    print(f"{'endpoint':<38} {'median':>9} {'SQL':>8} {'x floor':>8} {'queries':>7} {'bytes':>8}")
    for name, url in endpoints.items():
        ms = median_ms(client, url, args.repeat)
        floor, n_queries, size = sql_floor_ms(client, url, args.repeat)
        print(f"{name:<38} {ms:7.1f}ms {floor:6.2f}ms {ms / floor:7.0f}x {n_queries:7d} {size:8d}")


if __name__ == "__main__":
    main()
