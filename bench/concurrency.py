"""N clients at once against one URL of a running server: requests per second, median, p95, errors.

Each client is a thread with its own keep-alive connection (http.client), sending the next request as
soon as the last one answered, for --seconds. Run the server separately, e.g.

    LUOSHI_VAR_DIR=/tmp/x uv run luoshi demo --no-serve
    LUOSHI_VAR_DIR=/tmp/x uv run luoshi token create office        # the token is the last line
    LUOSHI_VAR_DIR=/tmp/x uv run luoshi serve --workers 3 --port 8103 &
    uv run python bench/concurrency.py --base http://127.0.0.1:8103 --token T --clients 8 /api/v1/lists?limit=25

Figures on a shared machine are rough: the clients share the CPU with the server (and its database).
"""

import argparse
import http.client
import os
import statistics
import threading
import time
from urllib.parse import urlsplit


def client(base: str, path: str, headers: dict[str, str], stop: float, out: list[float], errors: list[str]) -> None:
    url = urlsplit(base)
    conn_class = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    conn = conn_class(url.hostname or "127.0.0.1", url.port, timeout=30)
    while time.perf_counter() < stop:
        start = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(str(response.status))
            else:
                out.append(time.perf_counter() - start)
            if response.will_close:
                conn.close()
        except (OSError, http.client.HTTPException) as e:
            errors.append(type(e).__name__)
            conn.close()
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", default="/api/v1/lists?limit=25")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--token", default=os.environ.get("LUOSHI_TOKEN", ""))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=2, help="seconds of requests not counted, first")
    parser.add_argument("--label", default="", help="printed before the figures")
    args = parser.parse_args()
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}

    def run(seconds: float) -> tuple[list[float], list[str], float]:
        times: list[list[float]] = [[] for _ in range(args.clients)]
        errors: list[str] = []  # list.append is atomic: the threads share it
        stop = time.perf_counter() + seconds
        threads = [
            threading.Thread(target=client, args=(args.base, args.path, headers, stop, times[i], errors))
            for i in range(args.clients)
        ]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return [x for ts in times for x in ts], errors, time.perf_counter() - start

    if args.warmup:
        run(args.warmup)
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    times, errors, elapsed = run(args.seconds)
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    times.sort()
    median = statistics.median(times) * 1000 if times else float("nan")
    p95 = times[int(0.95 * (len(times) - 1))] * 1000 if times else float("nan")
    kinds = {e: errors.count(e) for e in sorted(set(errors))}
    print(
        f"{args.label}{args.clients} clients, {elapsed:.1f} s: {len(times) / elapsed:.1f} req/s, "
        f"median {median:.0f} ms, p95 {p95:.0f} ms, errors {len(errors)}{' ' + str(kinds) if kinds else ''}"
        f"  (load {load_before:.1f} → {load_after:.1f})",
        flush=True,
    )


if __name__ == "__main__":
    main()
