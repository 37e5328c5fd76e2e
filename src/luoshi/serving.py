"""`luoshi serve` on gunicorn: several processes, each with a few threads (gthread workers).

Why gthread: the app waits mostly on the database, and on two cores the processes (one per core)
give the CPU parallelism the GIL forbids within one process, while each process's threads overlap
database waits, keep-alive connections and the odd slow PDF (a sync worker would stall on each of these
and cannot keep a connection alive).

The app is loaded once in the master before the fork (preload): the workers share its imported code and
start at once. Nothing in the master may hold a database connection or a running thread at the fork, so
the master closes its connections, and the PDF engine's warm-up (luoshi.wsgi starts it in a thread) runs
in each worker after the fork instead.
"""

from typing import Any

from gunicorn.app.base import BaseApplication

GRACEFUL_SECONDS = 30  # a stop or reload lets requests in flight finish for this long
TIMEOUT_SECONDS = 120  # a worker silent for this long is killed and replaced (a big PDF takes seconds)


def _post_worker_init(worker: Any) -> None:
    from luoshi.printing import warm_up_in_background

    warm_up_in_background()


def _pre_fork(server: Any, worker: Any) -> None:
    from django.db import connections

    connections.close_all()  # a connection shared across a fork would be used by two processes at once


class LuoshiApplication(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from django.core.wsgi import get_wsgi_application

        return get_wsgi_application()  # luoshi.wsgi's application, without its warm-up thread (see above)


def options(host: str, port: int, workers: int, threads: int, access_log: bool = False) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": True,
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "loglevel": "warning",
        "graceful_timeout": GRACEFUL_SECONDS,
        "timeout": TIMEOUT_SECONDS,
        "keepalive": 5,  # seconds an idle keep-alive connection stays open (behind a proxy: its pool)
        "proc_name": "luoshi",
        "pre_fork": _pre_fork,
        "post_worker_init": _post_worker_init,
    }


def serve_gunicorn(host: str, port: int, workers: int, threads: int, access_log: bool = False) -> None:
    print(
        f"Luoshi is serving http://{host}:{port}/  ({workers} processes × {threads} threads; Ctrl+C stops it)",
        flush=True,
    )
    LuoshiApplication(options(host, port, workers, threads, access_log)).run()
