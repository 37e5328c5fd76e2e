#!/usr/bin/env python3
"""Bootstrap: `python3 run.py demo | test | luoshi … ` with nothing but python3 and pip.

uv is used from PATH when it is there. Otherwise it is installed once into a virtual environment of
our own under var/bootstrap/, because Debian's and Ubuntu's own python3 refuse `pip install` into the
system (PEP 668); a virtual environment is always allowed. Everything after that is `uv run …`.
"""

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
BOOTSTRAP = ROOT / "var" / "bootstrap"
BIN = BOOTSTRAP / ("Scripts" if os.name == "nt" else "bin")
USAGE = """usage: python3 run.py demo [--reset] [--no-serve] …   the demo city on http://127.0.0.1:8000
       python3 run.py test [pytest options] …         the whole test suite
       python3 run.py luoshi COMMAND …                 any `luoshi` command (serve, worker, manage …)"""


def find_uv() -> str:
    if found := shutil.which("uv"):
        return found
    ours = BIN / ("uv.exe" if os.name == "nt" else "uv")
    if ours.exists():
        return str(ours)
    print("Installing uv into var/bootstrap/ (once)…", file=sys.stderr, flush=True)
    python = BIN / ("python.exe" if os.name == "nt" else "python")
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(BOOTSTRAP)
        install = [str(python), "-m", "pip"]
    except (subprocess.CalledProcessError, OSError):
        # Debian without python3-venv has no ensurepip: an environment without pip, filled by the
        # system's pip (`--python` runs pip inside that environment, where PEP 668 does not apply).
        venv.EnvBuilder(with_pip=False, clear=True).create(BOOTSTRAP)
        install = [sys.executable, "-m", "pip", "--python", str(python)]
    subprocess.run([*install, "install", "--quiet", "--disable-pip-version-check", "uv"], check=True)
    return str(ours)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "luoshi"}:
        print(USAGE, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "demo":
        args = ["luoshi", "demo", *rest]
    elif command == "test":
        args = ["pytest", *rest]
    else:
        args = ["luoshi", *rest]
    uv = find_uv()
    env = {**os.environ}
    project_env = Path(env.get("UV_PROJECT_ENVIRONMENT") or ROOT / ".venv")
    if not project_env.exists():
        # A new environment is built with the Python that runs this script (uv would otherwise look for
        # one of its own). Only then: asking for an interpreter by path makes uv rebuild an existing one.
        env.setdefault("UV_PYTHON", sys.executable)
    return subprocess.call([uv, "run", "--quiet", *args], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
