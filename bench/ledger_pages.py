"""The ledger's pages and API over the 10,000 tasks bench/ledger_import.py leaves behind (run it first,
on the same database): the ledger is opened (its duties start), then each request's median server time
in-process (Django's test client: middleware, queries and rendering; no network) and its query count.

    uv run python bench/ledger_import.py && uv run python bench/ledger_pages.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_bench_import uv run python bench/ledger_pages.py
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'ledger_import.sqlite3'}")
os.environ.setdefault("LUOSHI_VAR_DIR", str(OUT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LUOSHI_TWO_FACTOR_ROLES", "")  # the bench signs in without an authenticator
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from luoshi.ledger import services  # noqa: E402
from luoshi.ledger.models import Ledger, LedgerStatus, Task  # noqa: E402
from luoshi.org.models import ApiToken, Person  # noqa: E402


def median_ms(client: Client, url: str, repeat: int, headers: dict | None = None) -> tuple[float, int]:
    first = client.get(url, headers=headers or {})
    assert first.status_code == 200, (url, first.status_code)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        client.get(url, headers=headers or {})
        times.append((time.perf_counter() - t) * 1000)
    with CaptureQueriesContext(connection) as q:
        client.get(url, headers=headers or {})
    return statistics.median(times), len(q.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=15, help="requests per URL")
    args = parser.parse_args()
    ledger = Ledger.objects.order_by("-year").first()
    assert ledger is not None, "run bench/ledger_import.py first"
    office = Person.objects.get(username="bench_office")
    if ledger.status == LedgerStatus.DRAFT:
        t = time.perf_counter()
        services.do_open_ledger(office, ledger)
        print(f"opened the ledger (every duty starts, figures recomputed): {time.perf_counter() - t:.1f} s")
    tasks = Task.objects.filter(ledger=ledger)
    leaf = tasks.filter(children__isnull=True, indicators__isnull=False).order_by("path")[500]
    parent = tasks.filter(parent__isnull=True).order_by("path")[100]
    unit_id = leaf.lead_unit_id
    client = Client()
    client.force_login(office)
    token = ApiToken.issue(office)
    bearer = {"Authorization": f"Bearer {token}"}
    print(f"database {connection.vendor}: {tasks.count()} tasks; median of {args.n} (ms), queries")
    for label, url, headers in [
        ("tree, first page", f"/ledger/{ledger.pk}/", None),
        ("tree, page 50", f"/ledger/{ledger.pk}/?page=50", None),
        ("tree, one unit's rows", f"/ledger/{ledger.pk}/?unit={unit_id}", None),
        ("tree, forecast red", f"/ledger/{ledger.pk}/?forecast=red", None),
        ("task page (leaf, chart)", f"/ledger/task/{leaf.pk}/", None),
        ("task page (parent)", f"/ledger/task/{parent.pk}/", None),
        ("summary by programme", f"/ledger/{ledger.pk}/programmes/", None),
        ("API task", f"/api/v1/tasks/{leaf.pk}", bearer),
        ("API tasks, first page", f"/api/v1/ledgers/{ledger.pk}/tasks", bearer),
        ("API tasks, one unit", f"/api/v1/ledgers/{ledger.pk}/tasks?unit={unit_id}", bearer),
        ("API stats", f"/api/v1/stats/ledger?year={ledger.year}", bearer),
    ]:
        ms, queries = median_ms(client, url, args.n, headers)
        print(f"  {label:<28} {ms:7.1f} ms  {queries:3d} queries")


if __name__ == "__main__":
    main()
