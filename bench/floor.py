"""Each of bench/pages.py's requests in-process, against its SQL floor: the time of the very SQL it ran.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/luoshi_bench_20k uv run python bench/floor.py
    … --repeat 30 list.json "loop HTML"                 # only these requests

For every request: the median time of the endpoint through Django's test client (middleware, auth,
queries, rendering; no network; API with a Bearer token, pages with a signed-in session), then its
queries captured once (CaptureQueriesContext) and the median time of re-running exactly those
statements by themselves on the raw database cursor, reading every row. ratio = endpoint / floor:
what the code adds on top of the database. Statements that write (a token's last use, a session) are
counted but not re-run. Times are rough on a shared machine.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(__file__).resolve().parent / 'out' / 'luoshi.sqlite3'}"

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from luoshi.lists.models import ResponsibilityList  # noqa: E402
from luoshi.org.models import ApiToken, Person  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import requests  # noqa: E402

SKIPPED = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "SET ")


def endpoint_ms(client: Client, path: str, repeat: int, headers: dict[str, str]) -> tuple[float, int, int]:
    """(median ms, status, bytes) after one warm-up."""
    client.get(path, headers=headers)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), response.status_code, len(response.content)


def floor_ms(client: Client, path: str, repeat: int, headers: dict[str, str]) -> tuple[float, int, int]:
    """(median ms of the captured reads re-run alone, queries the endpoint ran, of which writes)."""
    with CaptureQueriesContext(connection) as captured:
        client.get(path, headers=headers)
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith(SKIPPED)]
    reads = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    raw = connection.cursor().cursor  # the driver's own cursor: no placeholders, no Django wrapper
    times = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        for sql in reads:
            raw.execute(sql)
            raw.fetchall()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times[1:]), len(statements), len(statements) - len(reads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--user", default="bench_office")
    parser.add_argument("--list", type=int, help="the list of the item requests (default: one in progress, mid-way)")
    parser.add_argument("--json", help="write the numbers here")
    parser.add_argument("labels", nargs="*")
    args = parser.parse_args()
    person = Person.objects.get(username=args.user)
    list_id = args.list
    if list_id is None:
        ids = ResponsibilityList.objects.filter(status="in_progress").order_by("id").values_list("id", flat=True)
        list_id = ids[ids.count() // 2]
    wanted = requests(list_id)
    if args.labels:
        wanted = {label: wanted[label] for label in args.labels}
    html = Client()
    html.force_login(person)
    api, bearer = Client(), {"Authorization": f"Bearer {ApiToken.issue(person)}"}
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; "
          f"lists {ResponsibilityList.objects.count():,}; as {person.username}; list {list_id}")
    print(f"{'request':<15} {'endpoint':>9} {'SQL':>9} {'queries':>7} {'writes':>6} {'ratio':>6} {'http':>4} "
          f"{'bytes':>8}  path")
    rows = []
    for label, (kind, path) in wanted.items():
        client, headers = (api, bearer) if kind == "api" else (html, {})
        ms, status, size = endpoint_ms(client, path, args.repeat, headers)
        sql_ms, n_queries, writes = floor_ms(client, path, args.repeat, headers)
        ratio = ms / sql_ms if sql_ms else float("inf")
        rows.append({"label": label, "path": path, "endpoint_ms": ms, "sql_ms": sql_ms, "queries": n_queries,
                     "writes": writes, "ratio": ratio, "status": status, "bytes": size})
        print(f"{label:<15} {ms:7.1f}ms {sql_ms:7.1f}ms {n_queries:7d} {writes:6d} {ratio:5.1f}x {status:4d} "
              f"{size:8d}  {path}", flush=True)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=1)


if __name__ == "__main__":
    main()
