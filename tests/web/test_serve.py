"""`luoshi serve --workers 2` runs a gunicorn master with two worker processes that answer, and stops cleanly."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from Linux's /proc")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        if int(fields[1]) == pid:  # fields after the name: state, ppid, ...
            found.add(int(stat.parent.name))
    return found


def _get(port: int, path: str) -> int | None:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", path)
        status = conn.getresponse().status
        conn.close()
        return status
    except OSError:
        return None


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    # A SQLite file in tmp_path, whatever database the tests themselves use.
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env |= {"LUOSHI_VAR_DIR": str(tmp_path), "LUOSHI_PRINT_WARMUP": "false"}
    subprocess.run([sys.executable, "-m", "luoshi.cli", "manage", "migrate", "-v0"], env=env, check=True)
    return env


def test_serve_runs_two_worker_processes_that_answer_and_stops_cleanly(env: dict[str, str]) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "luoshi.cli", "serve", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while status is None and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.2)
            status = _get(port, "/login/")
        assert status == 200
        while len(_children(server.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        workers = _children(server.pid)
        assert len(workers) == 2
        assert all(_get(port, "/login/") == 200 for _ in range(6))

        server.send_signal(signal.SIGTERM)  # gunicorn's graceful stop
        assert server.wait(timeout=40) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        if server.stdout:
            server.stdout.close()
