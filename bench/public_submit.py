"""The public form's submissions per second over HTTP on PostgreSQL, and a check that none was lost or stored twice.

    uv run python bench/public_submit.py                        # 10,000 submissions, 2 processes × 8 threads
    uv run python bench/public_submit.py --threads 4 --clients 2 --client-threads 16   # the figures below
    uv run python bench/public_submit.py --n 20000 --workers 3 --threads 6 --clients 4 --client-threads 8

What it does: creates (drops first) the database --db on the local PostgreSQL, migrates it, precomputes a
challenge and its nonce for every submission at the real difficulty (16 bits unless --difficulty; not timed:
a nonce costs the sender, not the server, which checks it with one hash), starts `luoshi serve` (gunicorn,
--workers processes × --threads threads) with LUOSHI_PROXY_COUNT=1, and fires the submissions from
--clients processes × --client-threads threads, each thread on its own keep-alive connection, each address
(X-Forwarded-For) sending at most the per-address limit (5), so the limit's count and lock run as in life.
Then it prints submissions per second and latencies, and checks the database: every tracking code answered
is stored exactly once with its own content, and no submission is stored that got no 201.

The clients share the 2 cores with the server and PostgreSQL: figures are for this machine as it is.

A submission is one queued row (intake_queue): the request's statements are the sender's count (an upsert)
and the row's INSERT in one transaction, 5 queries counted in-process with the category memo's reload; a
`luoshi worker` process runs alongside and takes the queue in as problems (and their events) in batches, so
"taken in" below is the end-to-end figure, and the check counts problems, not queued rows.

Figures (2026-12-04, 2 cores, `luoshi serve` 2 processes × 4 threads, 2 client processes × 16 keep-alive
connections, 16 bits, one worker): 10,000 timed after 500 warm-up: 631 submissions/s (median 46 ms, p95
85 ms), all taken in as problems 16.6 s after the first was sent (602/s end to end); 20,000 timed: 554/s
(median 53 ms, p95 98 ms), 546/s end to end. None lost, stored twice or stored without a 201 in either. CPU
per submission: server 1.6 ms, PostgreSQL 0.7–1.0 ms, clients 0.2 ms, the worker 0.3–0.6 ms, with other work
using about a fifth of the machine meanwhile. Before the queue (2026-12-03: 14 statements
and the audit chain's seal in the request): 158/s, server 7.6 ms and PostgreSQL 3.2 ms a submission.
"""

import argparse
import http.client
import json
import multiprocessing as mp
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECRET = "bench-only-public-submit-key-0123456789abcdefghijklmnopqrstuvwxyz"
PER_ADDRESS = 5  # the default LUOSHI_PUBLIC_LIMIT: every address sends at most this many


def server_env(args: argparse.Namespace) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{args.db}",
        "SECRET_KEY": SECRET,
        "LUOSHI_PROXY_COUNT": "1",
        "LUOSHI_PUBLIC_POW_DIFFICULTY": str(args.difficulty),
        "LUOSHI_PUBLIC_LIMIT": str(PER_ADDRESS),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "LOG_LEVEL": "ERROR",
        "LUOSHI_PRINT_WARMUP": "false",
        # Connections outlive the run (the default, 60 s, replaces them mid-run): PostgreSQL's CPU is read
        # from its backends, and a backend that exits takes its figure with it.
        "LUOSHI_CONN_MAX_AGE": "900",  # the PDF engine's warm-up would share the cores with the first seconds
    }


def create_database(args: argparse.Namespace) -> None:
    psql = ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1"]
    subprocess.run([*psql, "-c", f'DROP DATABASE IF EXISTS "{args.db}"'], check=True)
    subprocess.run([*psql, "-c", f'CREATE DATABASE "{args.db}"'], check=True)
    subprocess.run(
        [str(BIN / "luoshi"), "manage", "migrate", "--no-input", "-v", "0"], env=server_env(args), check=True
    )


def _solve(task: tuple[int, str, int]) -> tuple[int, str, str]:
    from luoshi.public import pow

    i, challenge, bits = task
    return i, challenge, pow.solve(challenge, bits)


RUN = f"{os.getpid()}-{int(time.time())}"  # in each content: this run's problems, apart from earlier runs'


def precompute(n: int, bits: int) -> list[bytes]:
    """n request bodies, each with a fresh challenge and a nonce that does the work."""
    from django.utils import timezone

    from luoshi.public import pow
    from luoshi.public.migrations_data import SHIPPED

    now = timezone.now()
    tasks = [(i, pow.new_challenge(now), bits) for i in range(n)]
    with mp.get_context("fork").Pool(os.cpu_count() or 2) as pool:
        solved = pool.map(_solve, tasks, chunksize=64)
    bodies = []
    for i, challenge, nonce in sorted(solved):
        bodies.append(
            json.dumps(
                {
                    "category": SHIPPED[i % len(SHIPPED)][0],
                    "content": f"压测问题 {RUN} #{i}：小区门口垃圾堆放无人清运，请尽快处理。",
                    "place": f"城关区张掖路街道 {i % 300} 号",
                    "reporter_name": f"压测{i}",
                    "reporter_contact": f"139{i:08d}",
                    "challenge": challenge,
                    "nonce": nonce,
                },
                ensure_ascii=False,
            ).encode()
        )
    return bodies


# The first octet differs from run to run, so that --reuse does not meet the last run's limits.
FIRST_OCTET = 11 + os.getpid() % 200


def address(i: int) -> str:
    k = i // PER_ADDRESS
    return f"{FIRST_OCTET}.{(k >> 16) & 255}.{(k >> 8) & 255}.{k & 255}"


def _client(port: int, jobs: list[tuple[int, bytes]], threads: int, start: Any, out: Any) -> None:
    import threading

    results: list[tuple[int, int, str, float]] = []
    lock = threading.Lock()
    queue = list(reversed(jobs))

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while True:
            with lock:
                if not queue:
                    break
                i, body = queue.pop()
            headers = {"Content-Type": "application/json", "X-Forwarded-For": address(i), "Connection": "keep-alive"}
            t = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/public/problems", body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                code = json.loads(data).get("tracking_code", "") if response.status in (200, 201) else data[:200]
                mine.append((i, response.status, code, time.perf_counter() - t))
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException) as e:
                mine.append((i, 0, type(e).__name__, time.perf_counter() - t))
                conn.close()
        conn.close()
        with lock:
            results.extend(mine)

    start.wait()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put([(i, s, c if isinstance(c, str) else c.decode(errors="replace"), lat) for i, s, c, lat in results])


def fire(port: int, bodies: list[tuple[int, bytes]], clients: int, threads: int) -> tuple[list, float]:
    ctx = mp.get_context("fork")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_client, args=(port, bodies[k::clients], threads, start, out)) for k in range(clients)]
    for p in procs:
        p.start()
    time.sleep(0.5)
    t = time.perf_counter()
    start.set()
    results = []
    for _ in procs:
        results.extend(out.get())
    elapsed = time.perf_counter() - t
    for p in procs:
        p.join()
    return results, elapsed


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(session: int) -> tuple[float, float]:
    """CPU seconds (user + system) so far of the server's processes (its session) and of PostgreSQL's."""
    server = postgres = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        used = (int(fields[11]) + int(fields[12])) / TICK  # utime, stime
        if int(fields[3]) == session:  # the session id
            server += used
        elif name.startswith("postgres"):
            postgres += used
    return server, postgres


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far (/proc/stat): what else ran meanwhile."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values) - idle) / TICK, sum(values) / TICK


def wait_for(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    stop = time.time() + seconds
    while time.time() < stop:
        if server.poll() is not None:
            sys.exit(f"the server stopped: {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/public/challenge")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    sys.exit("the server did not answer")


def queued() -> int:
    from django.db import connection

    from luoshi.public.models import Intake

    n = Intake.objects.filter(problem__isnull=True).count()
    connection.close()  # none open when the clients fork
    return n


def drained(seconds: float) -> None:
    """Wait until the worker has taken every queued submission in."""
    stop = time.time() + seconds
    while queued():
        if time.time() > stop:
            sys.exit("the worker did not take the queue in")
        time.sleep(0.2)


def queries_per_submission(body: bytes) -> int:
    """One more submission in-process (Django's test client), its SQL statements counted."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = Client(REMOTE_ADDR="192.0.2.1").post(
            "/api/v1/public/problems", body, content_type="application/json"
        )
    assert response.status_code == 201, response.content
    return len(captured.captured_queries)


def verify(results: list, bodies: dict[int, bytes]) -> dict[str, int]:
    from django.db.models import Count

    from luoshi.public.models import Problem

    answered = {i: code for i, status, code, _ in results if status == 201}
    mine = Problem.objects.filter(channel="web", content__contains=f"压测问题 {RUN} #")
    stored = dict(mine.values_list("code", "content"))
    rows = mine.values("content").annotate(n=Count("id"))
    by_content = {r["content"]: r["n"] for r in rows}
    lost = sum(
        1 for i, code in answered.items() if stored.get(code) != json.loads(bodies[i])["content"]
    )  # answered but not stored with its content
    duplicated = sum(n - 1 for n in by_content.values() if n > 1)
    unanswered_stored = len(stored) - len(set(answered.values()))
    return {
        "answered 201": len(answered),
        "stored": len(stored),
        "lost": lost,
        "duplicated": duplicated,
        "stored without a 201": unanswered_stored,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10000, help="submissions timed")
    parser.add_argument("--warmup", type=int, default=500, help="submissions sent first, not timed")
    parser.add_argument("--db", default="luoshi_bench_public")
    parser.add_argument("--port", type=int, default=8111)
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per server process")
    parser.add_argument("--clients", type=int, default=4, help="client processes")
    parser.add_argument("--client-threads", type=int, default=8, help="threads (connections) per client process")
    parser.add_argument("--difficulty", type=int, default=16)
    parser.add_argument("--reuse", action="store_true", help="keep the database (do not drop and migrate)")
    args = parser.parse_args()

    os.environ.update(server_env(args))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    if not args.reuse:
        t = time.perf_counter()
        create_database(args)
        print(f"database {args.db} created and migrated in {time.perf_counter() - t:.1f} s", flush=True)
    import django

    django.setup()
    from django.db import connections

    t = time.perf_counter()
    bodies = precompute(args.warmup + args.n + 1, args.difficulty)
    print(f"{len(bodies)} nonces at {args.difficulty} bits precomputed in {time.perf_counter() - t:.1f} s", flush=True)
    connections.close_all()  # none shared with the forked clients

    server = subprocess.Popen(
        [
            str(BIN / "luoshi"),
            "serve",
            "--port",
            str(args.port),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
        ],
        env=server_env(args),
        cwd=ROOT,
        start_new_session=True,
    )
    worker = subprocess.Popen(
        [str(BIN / "luoshi"), "worker", "--interval", "0.2"],
        env=server_env(args),
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for(args.port, server)
        indexed = list(enumerate(bodies[:-1]))
        warm, timed = indexed[: args.warmup], indexed[args.warmup :]
        warm_results, _ = fire(args.port, warm, args.clients, args.client_threads)
        drained(600)
        before, clients_before = cpu_seconds(server.pid), resource.getrusage(resource.RUSAGE_CHILDREN)
        worker_before = cpu_seconds(worker.pid)[0]
        busy_before = machine_busy()
        t0 = time.perf_counter()
        results, elapsed = fire(args.port, timed, args.clients, args.client_threads)
        after, clients_after = cpu_seconds(server.pid), resource.getrusage(resource.RUSAGE_CHILDREN)
        busy_after = machine_busy()
        backlog = queued()
        drained(600)
        all_in = time.perf_counter() - t0
        worker_cpu = cpu_seconds(worker.pid)[0] - worker_before
    finally:
        server.terminate()
        worker.terminate()
        server.wait(30)
        worker.wait(30)

    ok = [r for r in results if r[1] == 201]
    statuses: dict[int, int] = {}
    for r in results:
        statuses[r[1]] = statuses.get(r[1], 0) + 1
    latencies = sorted(r[3] * 1000 for r in ok) or [0.0]
    print(
        f"server: {args.workers} processes × {args.threads} threads; "
        f"clients: {args.clients} processes × {args.client_threads} connections (keep-alive)"
    )
    print(
        f"{len(results)} submissions in {elapsed:.2f} s: {len(ok) / elapsed:.0f} submissions/s; "
        f"latency median {statistics.median(latencies):.1f} ms, p95 {latencies[int(len(latencies) * 0.95) - 1]:.1f} ms"
    )
    print(f"answers: {dict(sorted(statuses.items()))}")
    n = max(1, len(results))
    clients_cpu = (clients_after.ru_utime + clients_after.ru_stime) - (
        clients_before.ru_utime + clients_before.ru_stime
    )
    print(
        f"CPU per submission: server {(after[0] - before[0]) / n * 1000:.2f} ms, "
        f"PostgreSQL {(after[1] - before[1]) / n * 1000:.2f} ms, clients {clients_cpu / n * 1000:.2f} ms "
        f"(of {2 * elapsed / n * 1000:.2f} ms of the 2 cores' time per submission)"
    )
    busy = (busy_after[0] - busy_before[0]) / max(1e-9, busy_after[1] - busy_before[1])
    ours = (after[0] - before[0]) + (after[1] - before[1]) + clients_cpu
    print(
        f"the machine was {busy:.0%} busy, {ours / max(1e-9, busy_after[1] - busy_before[1]):.0%} by this bench's "
        "processes (the rest: other work on the machine)"
    )
    print(
        f"the worker (`luoshi worker`, one process, alongside): {backlog} still queued when the last answer came, "
        f"all {len(ok)} taken in as problems {all_in:.2f} s after the first was sent "
        f"({len(ok) / all_in:.0f} problems/s end to end); its CPU {worker_cpu / n * 1000:.2f} ms a submission"
    )
    for i, status, code, _ in results:
        if status != 201:
            print(f"  first refusal: #{i} {status} {code}")
            break
    figures = verify([*warm_results, *results], dict(indexed))  # the warm-up's too: all that was sent
    print(f"database (warm-up included, {len(indexed)} sent): " + ", ".join(f"{k} {v}" for k, v in figures.items()))
    print(f"queries per submission (in-process, one more): {queries_per_submission(bodies[-1])}")


if __name__ == "__main__":
    main()
