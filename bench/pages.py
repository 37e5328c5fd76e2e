"""Luoshi's pages and API over HTTP against a running server, measured like the Redmine peer's probe.

    DATABASE_URL=… uv run luoshi serve --port 8101 &                  # the database bench/build.py filled
    DATABASE_URL=… uv run python bench/pages.py --base http://127.0.0.1:8101
    uv run python bench/pages.py --base … --token ls_… --list 1234    # no DATABASE_URL: say the token and list
    … --clients 8 --seconds 20 list.json                               # 8 clients at once on one request

Sequential mode (the default): for each request, W warm-ups then N timed requests, one at a time over one
keep-alive HTTP/1.1 connection (a new one if the server closes it); a time runs from sending the request
to having read the whole body. The API goes with `Authorization: Bearer <token>`; the HTML pages with a
session signed in through the login form (password bench-pass-1), cookies and CSRF kept by hand.
Concurrent mode: C threads, each with its own keep-alive connection, hit one request for S seconds.
Standard library only on the measuring side; Django is loaded only to make a token or pick a list.
"""

import argparse
import http.client
import json
import os
import re
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import SplitResult, urlencode, urlsplit


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Client:
    """One keep-alive connection and the cookies it was given."""

    host: str
    port: int
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None

    def send(self, method: str, path: str, body: bytes | None = None, extra: dict[str, str] | None = None
             ) -> tuple[int, bytes, float, http.client.HTTPResponse]:
        """(status, body, seconds from sending to the body's last byte, the response)."""
        headers = {**self.headers, **(extra or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=300)
            try:
                start = time.perf_counter()
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                elapsed = time.perf_counter() - start
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            for cookie in response.msg.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            if (response.getheader("Connection") or "").lower() == "close":
                self.conn.close()
                self.conn = None
            return response.status, data, elapsed, response
        raise AssertionError("unreachable")

    def get(self, path: str) -> tuple[int, int, float]:
        status, data, elapsed, _ = self.send("GET", path)
        return status, len(data), elapsed


def signed_in(base: SplitResult, username: str, password: str) -> Client:
    """A client holding a session: the login form's CSRF token and cookie, then the POST."""
    client = Client(base.hostname or "127.0.0.1", base.port or 80)
    status, page, _, _ = client.send("GET", "/login/")
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not found:
        sys.exit(f"GET /login/ gave {status} without a CSRF token")
    form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": found.group(1).decode()})
    status, _, _, _ = client.send(
        "POST", "/login/", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
    )
    if status != 302 or "sessionid" not in client.cookies:
        sys.exit(f"signing in as {username} failed: POST /login/ gave {status}")
    return client


def from_database(username: str, want_token: bool, list_id: int | None) -> tuple[str, int]:
    """With DATABASE_URL: a new API token for `username`, and an in-progress list from the middle."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    import django

    django.setup()
    from luoshi.lists.models import ResponsibilityList
    from luoshi.org.models import ApiToken, Person

    token = ApiToken.issue(Person.objects.get(username=username)) if want_token else ""
    if list_id is None:
        ids = ResponsibilityList.objects.filter(status="in_progress").order_by("id").values_list("id", flat=True)
        n = ids.count()
        if not n:
            sys.exit("no list in progress in this database")
        list_id = ids[n // 2]
    return token, list_id


def requests(list_id: int) -> dict[str, tuple[str, str]]:
    """label -> (api | html, path). The Redmine twins are named in bench/README.md."""
    return {
        "list.json": ("api", "/api/v1/lists?limit=25"),
        "list HTML": ("html", "/lists/"),
        "item.json": ("api", f"/api/v1/lists/{list_id}"),
        "loop.json": ("api", f"/api/v1/lists/{list_id}/loop"),
        "loop HTML": ("html", f"/lists/{list_id}/"),
        "overview HTML": ("html", "/lists/overview/"),
        "overview.json": ("api", "/api/v1/stats/overview"),
        "units.json": ("api", "/api/v1/stats/units"),
        "home HTML": ("html", "/"),
        "todo.json": ("api", "/api/v1/me/todo"),
    }


def sequential(clients: dict[str, Client], wanted: dict[str, tuple[str, str]], n: int, warmup: int) -> list[dict]:
    rows = []
    print(f"{'request':<15} {'median':>8} {'p95':>8} {'min':>8} {'max':>8} {'http':>5} {'bytes':>9}  path")
    for label, (kind, path) in wanted.items():
        client = clients[kind]
        for _ in range(warmup):
            client.get(path)
        times, statuses, size = [], set(), 0
        for _ in range(n):
            status, size, elapsed = client.get(path)
            times.append(elapsed * 1000)
            statuses.add(status)
        row = {"label": label, "path": path, "n": n, "median_ms": statistics.median(times),
               "p95_ms": percentile(times, 95), "min_ms": min(times), "max_ms": max(times),
               "status": sorted(statuses), "bytes": size, "samples_ms": times}
        rows.append(row)
        print(f"{label:<15} {row['median_ms']:8.1f} {row['p95_ms']:8.1f} {row['min_ms']:8.1f} {row['max_ms']:8.1f} "
              f"{','.join(map(str, row['status'])):>5} {size:9d}  {path}", flush=True)
    return rows


def concurrent(make: Callable[[], Client], path: str, clients: int, seconds: float, warmup: int) -> dict:
    """`clients` threads, each on its own connection, for `seconds`; every answer's time and status."""
    times: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)
    stop_at = [float("inf")]  # until every client has warmed up and waits at the barrier

    def run() -> None:
        client = make()
        for _ in range(warmup):
            client.get(path)
        ready.wait()
        mine, seen = [], {}
        while time.perf_counter() < stop_at[0]:
            status, _, elapsed = client.get(path)
            mine.append(elapsed * 1000)
            seen[status] = seen.get(status, 0) + 1
        with lock:
            times.extend(mine)
            for s, k in seen.items():
                statuses[s] = statuses.get(s, 0) + k

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    ready.wait()
    start = time.perf_counter()
    stop_at[0] = start + seconds
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return {"path": path, "clients": clients, "seconds": wall, "requests": len(times), "per_second": len(times) / wall,
            "median_ms": statistics.median(times), "p95_ms": percentile(times, 95), "status": statuses,
            "samples_ms": times}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True, help="e.g. http://127.0.0.1:8101")
    parser.add_argument("--token", default=os.environ.get("LUOSHI_TOKEN", ""), help="API token (else made from DATABASE_URL)")
    parser.add_argument("--user", default="bench_office", help="whose token and session (default bench_office)")
    parser.add_argument("--password", default="bench-pass-1")
    parser.add_argument("--list", type=int, help="the list of the item requests (default: from DATABASE_URL)")
    parser.add_argument("-n", type=int, default=30, help="timed requests each")
    parser.add_argument("-w", "--warmup", type=int, default=3)
    parser.add_argument("--json", help="write the raw numbers here")
    parser.add_argument("--clients", type=int, default=0, help="concurrent mode: this many clients on one request")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("labels", nargs="*", help="only these requests (concurrent mode: exactly one)")
    args = parser.parse_args()
    base = urlsplit(args.base)
    token, list_id = args.token, args.list
    if not token or list_id is None:
        if not os.environ.get("DATABASE_URL"):
            sys.exit("Give --token and --list, or set DATABASE_URL to the server's database.")
        made, list_id = from_database(args.user, not token, list_id)
        token = token or made
    wanted = requests(list_id)
    unknown = [label for label in args.labels if label not in wanted]
    if unknown:
        sys.exit(f"unknown request {unknown}; known: {', '.join(wanted)}")
    if args.labels:
        wanted = {label: wanted[label] for label in args.labels}
    api = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def make(kind: str) -> Client:
        if kind == "api":
            return Client(base.hostname or "127.0.0.1", base.port or 80, dict(api))
        return signed_in(base, args.user, args.password)

    print(f"Luoshi at {args.base} as {args.user}; list {list_id}")
    if args.clients:
        if len(wanted) != 1:
            sys.exit("concurrent mode measures one request: name it (e.g. list.json)")
        (label, (kind, path)), = wanted.items()
        result = concurrent(lambda: make(kind), path, args.clients, args.seconds, args.warmup)
        print(f"{label} ({path}): {args.clients} clients, {result['seconds']:.1f} s, {result['requests']} requests, "
              f"{result['per_second']:.1f} req/s, median {result['median_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms, "
              f"status {result['status']}")
        rows: list[dict] | dict = {"label": label, **result}
    else:
        kinds = {kind for kind, _ in wanted.values()}
        rows = sequential({kind: make(kind) for kind in kinds}, wanted, args.n, args.warmup)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(rows, out, indent=1, ensure_ascii=False)


if __name__ == "__main__":
    main()
