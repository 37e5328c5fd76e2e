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
    # (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process: not for a server's environment)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env |= {"LUOSHI_VAR_DIR": str(tmp_path), "LUOSHI_PRINT_WARMUP": "false", "SECRET_KEY": "a-test-key-" + "x" * 40}
    env.pop("DEBUG", None)
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


def test_serve_refuses_the_demo_key_unless_debugging(env: dict[str, str]) -> None:
    env = {k: v for k, v in env.items() if k != "SECRET_KEY"}
    refused = subprocess.run(
        [sys.executable, "-m", "luoshi.cli", "serve", "--port", str(_free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode != 0
    assert "SECRET_KEY is not set" in refused.stderr


def test_check_deploy_is_clean_with_the_production_settings_of_the_readme(env: dict[str, str]) -> None:
    production = {
        "SECRET_KEY": "k" * 20 + "-a-long-random-production-key-" + "z" * 20,
        "ALLOWED_HOSTS": "luoshi.example.gov.cn",
        "CSRF_TRUSTED_ORIGINS": "https://luoshi.example.gov.cn",
        "LUOSHI_HTTPS_REDIRECT": "true",
        "LUOSHI_HSTS_SECONDS": "31536000",
        "LUOSHI_HSTS_INCLUDE_SUBDOMAINS": "true",
        "LUOSHI_HSTS_PRELOAD": "true",
        "LUOSHI_SECURE_COOKIES": "true",
        "LUOSHI_PROXY_SSL_HEADER": "X-Forwarded-Proto",
    }
    checked = subprocess.run(
        [sys.executable, "-m", "luoshi.cli", "manage", "check", "--deploy", "--fail-level", "WARNING"],
        env={**env, **production},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout
