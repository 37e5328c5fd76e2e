"""Shared by the delivery tests: a local HTTP receiver and two people of unit A with addresses."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest


class Receiver:
    """A local HTTP server that records JSON posts and answers with a chosen status and body."""

    def __init__(self, status: int = 200, body: dict | None = None) -> None:
        self.received: list[dict] = []
        self.status, self.body = status, body or {"errcode": 0, "errmsg": "ok"}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers["Content-Length"])
                outer.received.append(json.loads(self.rfile.read(length)))
                self.send_response(outer.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(outer.body).encode())

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/robot"

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def people(liaison_a, head_a):
    liaison_a.email, liaison_a.phone = "liaison@gxw.example.gov.cn", "13800000001"
    liaison_a.save()
    return [liaison_a, head_a]


def load_shipped_calendar() -> None:
    """The official holidays and make-up days, as the migration loads them: a transactional test
    elsewhere may have flushed them."""
    from luoshi.workdays import calendar
    from luoshi.workdays.china import HOLIDAYS, official_days
    from luoshi.workdays.models import CalendarDay

    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, is_workday=w, note=n) for year in HOLIDAYS for d, w, n in official_days(year)],
        ignore_conflicts=True,
    )
    calendar.forget()


@pytest.fixture
def shipped_calendar(db) -> None:
    load_shipped_calendar()


@pytest.fixture
def notice_kinds(monkeypatch):
    """A registry of its own for the test: two hand-off kinds and one step of the ladder (registered as
    mutable, which the registry must overrule). The apps' own registrations are set aside meanwhile."""
    from django.utils.translation import gettext_lazy

    from luoshi.notify import kinds

    monkeypatch.setattr(kinds, "_registry", {})
    kinds.register("duty.assigned", gettext_lazy("A duty assigned to my unit"))
    kinds.register("list.closed", "清单已销号")
    kinds.register("escalation.urge", "催办通知", mutable=True)
    return kinds
