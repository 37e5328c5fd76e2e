"""`luoshi`: the one door. demo | serve | worker | escalate | token | createadmin | audit | manage …"""

import argparse
import os
import sys


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    import django

    django.setup()


def default_workers() -> int:
    """Web processes when --workers is not given: one per core, at most 8 (see `luoshi serve -h`)."""
    return min(os.cpu_count() or 1, 8)


def gunicorn_available() -> bool:
    """gunicorn needs fork() and fcntl: not on Windows, where waitress serves instead."""
    if sys.platform == "win32":
        return False
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return False
    return True


def refuse_demo_key() -> None:
    """A production server never signs sessions with the demo's public key."""
    from django.conf import settings

    if not settings.DEBUG and settings.SECRET_KEY == settings.DEMO_SECRET_KEY:
        sys.exit(
            "SECRET_KEY is not set: luoshi serve will not sign sessions with the demo's public key. Set SECRET_KEY "
            "(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))'), or DEBUG=true on a "
            "developer's machine; `luoshi demo` runs with its own key."
        )


def _serve(args: argparse.Namespace) -> None:
    server = args.server
    if server == "auto":
        server = "gunicorn" if gunicorn_available() else "waitress"
    if server == "gunicorn":
        from luoshi.serving import serve_gunicorn

        serve_gunicorn(args.host, args.port, args.workers or default_workers(), args.threads, args.access_log)
        return
    from waitress import serve

    from luoshi.wsgi import application

    print(f"Luoshi is serving http://{args.host}:{args.port}/  (waitress; Ctrl+C stops it)", flush=True)
    serve(application, host=args.host, port=args.port, threads=args.threads, ident="luoshi")


def cmd_demo(args: argparse.Namespace) -> None:
    from django.conf import settings

    if "DATABASE_URL" not in os.environ:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from luoshi.demo.city import DEMO_PASSWORD, DemoCityError, build_demo_city, demo_accounts, has_demo_city

    if args.reset or not has_demo_city():
        print("Building the demo city (one minute at most)…", flush=True)
        try:
            build_demo_city(reset=args.reset)
        except DemoCityError as e:
            sys.exit(f"{e}\nRun `luoshi demo --reset` to replace that data with the demo city.")
    print(f"\nLogin accounts (password for all: {DEMO_PASSWORD}):")
    for username, description in demo_accounts():
        print(f"  {username:<16} {description}")
    print("This demo signs sessions with its public key; a production server needs SECRET_KEY (see the README).")
    print("Two factors are off in the demo (LUOSHI_TWO_FACTOR_ROLES is empty); a server asks the privileged roles.")
    print()
    if not args.no_serve:
        _serve(args)


def cmd_serve(args: argparse.Namespace) -> None:
    refuse_demo_key()
    _serve(args)


def _password(args: argparse.Namespace) -> str:
    """From stdin (--password-stdin), LUOSHI_ADMIN_PASSWORD, or asked twice at the terminal."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if password := os.environ.get("LUOSHI_ADMIN_PASSWORD"):
        return password
    import getpass

    password = getpass.getpass("Password: ")
    if getpass.getpass("Password (again): ") != password:
        sys.exit("The passwords differ.")
    return password


def cmd_createadmin(args: argparse.Namespace) -> None:
    from luoshi.errors import InvalidInput
    from luoshi.org.services import do_create_admin

    try:
        person = do_create_admin(args.username, _password(args), name=args.name, role=args.role)
    except InvalidInput as e:
        sys.exit(f"{e.field}: {e.message}")
    what = {
        "admin": "System administrator {} created: sign in at /, manage units and people at /admin/.",
        "security": "Security administrator {} created: sign in at /, manage roles at /admin/.",
        "auditor": "Auditor {} created: sign in at /, read the audit trail.",
    }
    print(what[args.role].format(person.username))


def cmd_escalate(args: argparse.Namespace) -> None:
    from datetime import datetime

    from django.utils import timezone

    from luoshi.duties.api import sweep_time
    from luoshi.duties.sweep import sweep
    from luoshi.errors import InvalidInput
    from luoshi.schemas import MAX_YEAR, MIN_YEAR

    now = None
    if args.now:
        try:
            now = datetime.fromisoformat(args.now)
        except ValueError:
            sys.exit(f"--now: not an ISO-8601 time: {args.now}")
        if not MIN_YEAR <= now.year <= MAX_YEAR:
            sys.exit(f"--now: give a time between {MIN_YEAR} and {MAX_YEAR}")
        try:
            now = sweep_time(now)
        except InvalidInput as e:
            sys.exit(f"--now: {e.message}")
    counts = sweep(now)
    print(f"sweep at {(now or timezone.now()).isoformat()}: {counts['due']} obligations due or late")
    for step in ("reminder", "urge", "order", "talk_proposal"):
        print(f"  {step:<14} {counts[step]}")


def cmd_backup(args: argparse.Namespace) -> None:
    from luoshi.backup import cmd_backup

    cmd_backup(args)


def cmd_restore(args: argparse.Namespace) -> None:
    from luoshi.restore import cmd_restore

    cmd_restore(args)


def cmd_open311(args: argparse.Namespace) -> None:
    from luoshi.public.open311 import cli as open311_cli

    sys.exit(open311_cli.main(args.rest))


def cmd_worker(args: argparse.Namespace) -> None:
    from luoshi import worker

    worker.run(interval=args.interval)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["manage"]:
        _setup()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["luoshi manage", *argv[1:]])
        return
    parser = argparse.ArgumentParser(prog="luoshi", description="Luoshi (落实): making assigned work get done.")
    sub = parser.add_subparsers(dest="command", required=True)

    def server_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", default=os.environ.get("LUOSHI_HOST", "127.0.0.1"))
        p.add_argument("--port", type=int, default=int(os.environ.get("LUOSHI_PORT", "8000")))
        p.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("LUOSHI_WORKERS", "0")) or None,
            help=f"web processes (gunicorn); default one per core, at most 8: {default_workers()} here. "
            "Each runs --threads threads, so a request waiting on the database or a slow PDF holds a thread, not "
            "the process. The app is CPU-bound per request (and PostgreSQL often shares the cores): more "
            "processes than cores measured slower, and each adds database connections (workers × threads).",
        )
        p.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("LUOSHI_THREADS", "4")),
            help="threads per process (gunicorn gthread workers; waitress: threads of its one process)",
        )
        p.add_argument(
            "--server",
            choices=["auto", "gunicorn", "waitress"],
            default=os.environ.get("LUOSHI_SERVER", "auto"),
            help="auto: gunicorn where it runs (not Windows), else waitress (one process)",
        )
        p.add_argument("--access-log", action="store_true", help="log every request on stdout (gunicorn)")

    demo = sub.add_parser("demo", help="migrate, load the demo city, print the accounts and serve")
    server_args(demo)
    demo.add_argument("--reset", action="store_true", help="delete the data and build the demo city anew")
    demo.add_argument("--no-serve", action="store_true", help="load the demo city and stop")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="serve the web app and the API (gunicorn, or waitress on Windows)")
    server_args(serve)
    serve.set_defaults(func=cmd_serve)

    from luoshi.org import tokens_cli

    tokens_cli.add_parser(sub)

    escalate = sub.add_parser("escalate", help="run one sweep of the escalation ladder and print what it did")
    escalate.add_argument(
        "--now",
        help="ISO-8601 time to sweep at (default: now; another time only with DEBUG or LUOSHI_TIME_TRAVEL=true)",
    )
    escalate.set_defaults(func=cmd_escalate)

    admin = sub.add_parser("createadmin", help="create the first system administrator (or --role security|auditor)")
    admin.add_argument("username")
    admin.add_argument("--role", choices=["admin", "security", "auditor"], default="admin", help="default admin")
    admin.add_argument("--name", default="", help="full name shown in the app")
    admin.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from stdin (else LUOSHI_ADMIN_PASSWORD or a prompt)",
    )
    admin.set_defaults(func=cmd_createadmin)

    worker = sub.add_parser("worker", help="run background jobs and the periodic sweep (any number at once)")
    worker.add_argument("--interval", type=float, default=1.0, help="seconds between polls of an empty queue")
    worker.set_defaults(func=cmd_worker)

    from luoshi.events import audit_cli

    audit_cli.add_parser(sub)

    backup = sub.add_parser("backup", help="write the database and the uploaded files to a zip archive")
    backup.add_argument("file", help="the archive to write, e.g. luoshi-$(date +%%F).zip")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore a backup onto the empty database DATABASE_URL names")
    restore.add_argument("file", help="an archive written by luoshi backup")
    restore.set_defaults(func=cmd_restore)

    open311 = sub.add_parser(
        "open311",
        add_help=False,
        help="Open311 clients' keys: luoshi open311 key create NAME | key list | key revoke ID",
    )
    open311.add_argument("rest", nargs=argparse.REMAINDER)
    open311.set_defaults(func=cmd_open311)

    sub.add_parser("manage", help="Django's manage.py commands: luoshi manage migrate …")
    args = parser.parse_args(argv)
    if args.command == "demo":
        os.environ["LUOSHI_TWO_FACTOR_ROLES"] = ""  # the demo's accounts sign in with the password alone
    _setup()
    args.func(args)


if __name__ == "__main__":
    main()
