"""The demo city's last two working weeks as the audit trail saw them: sign-ins from the intranet, a
liaison who forgot the password and was locked out, an unknown name tried, a password reset, a token for
the big screen, exports, the auditor's own checks. Recorded as history (the acts themselves happened
before the demo existed), so the auditor's pages and `luoshi audit verify` have a believable trail."""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from luoshi.events.services import record
from luoshi.org import tokens
from luoshi.org.models import Person, Role
from luoshi.workdays import calendar

LOCKED, RELEASED = "login.locked", "login.released"


def working_days_before(today: date, count: int) -> list[date]:
    cal, day = calendar.load(), today - timedelta(days=1)
    days: list[date] = []
    while len(days) < count:
        if cal.is_workday(day):
            days.append(day)
        day -= timedelta(days=1)
    return sorted(days)


def moment(day: date, hour: int, minute: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def intranet(rng: random.Random, person: Person) -> str:
    """Each unit's own subnet of the government intranet; the offices on 10.62.1.x."""
    return f"10.62.{(person.unit_id or 1) % 250 + 1}.{rng.randint(20, 230)}"


def build_security_history(rng: random.Random, now: datetime) -> None:
    people = {p.username: p for p in Person.objects.filter(is_active=True).order_by("pk")}
    office = [p for p in people.values() if Role.OFFICE in p.roles]
    units = [p for p in people.values() if {Role.LIAISON, Role.UNIT_HEAD} & set(p.roles)]
    leaders = [p for p in people.values() if Role.LEADER in p.roles]
    days = working_days_before(timezone.localtime(now).date(), 10)

    def signed_in(person: Person, day: date, hour: int, address: str, hours: int = 8) -> None:
        start = moment(day, hour, rng.randint(0, 50))
        record(person, "login", "person", person.pk, unit_id=person.unit_id, at=start, address=address)
        end = start + timedelta(hours=hours, minutes=rng.randint(0, 40))
        idle = rng.random() < 0.3  # left the page open: the idle timeout signed them out
        record(
            person,
            "logout",
            "person",
            person.pk,
            unit_id=person.unit_id,
            at=end,
            address=address,
            after={"reason": "idle"} if idle else None,
        )

    for day in days:
        for person in office:
            signed_in(person, day, 8, f"10.62.1.{20 + person.pk % 200}")
        for person in rng.sample(units, min(12, len(units))):
            signed_in(person, day, rng.choice((9, 10, 14, 15)), intranet(rng, person), hours=1)
        for person in rng.sample(leaders, min(3, len(leaders))):
            signed_in(person, day, rng.choice((7, 12, 21)), f"10.62.200.{rng.randint(2, 250)}", hours=0)

    # A liaison forgot the new password rules: five wrong tries, the lock, the security administrator's release.
    liaison, security = people.get("gxw_liaison"), people.get("security")
    if liaison and security:
        day, address = days[-6], "10.62.31.77"
        for i in range(5):
            record(
                liaison,
                "login.failed",
                "person",
                liaison.pk,
                unit_id=liaison.unit_id,
                address=address,
                at=moment(day, 9, 2 + i),
                after={"username": liaison.username},
                result="failed",
            )
        until = moment(day, 9, 36)
        record(
            None,
            LOCKED,
            "person",
            liaison.pk,
            unit_id=liaison.unit_id,
            at=moment(day, 9, 6),
            address=address,
            after={"scope": "username", "username": liaison.username, "failures": 5, "until": until.isoformat()},
            result="refused",
        )
        record(
            liaison,
            "login.failed",
            "person",
            liaison.pk,
            unit_id=liaison.unit_id,
            address=address,
            at=moment(day, 9, 8),
            after={"username": liaison.username, "locked": True},
            result="refused",
        )
        record(security, "login", "person", security.pk, at=moment(day, 9, 15), address="10.62.1.5")
        record(
            security,
            RELEASED,
            "person",
            liaison.pk,
            unit_id=liaison.unit_id,
            at=moment(day, 9, 18),
            address="10.62.1.5",
            after={"scope": "username", "username": liaison.username, "by": "security", "failures": 5},
        )
        record(liaison, "login", "person", liaison.pk, unit_id=liaison.unit_id, at=moment(day, 9, 21), address=address)

    # Someone tried names that are no one's.
    for minute, typed in ((11, "wangxy"), (12, "admin1"), (12, "test")):
        record(
            None,
            "login.failed",
            "login",
            0,
            at=moment(days[-4], 22, minute),
            address="10.62.9.31",
            after={"username": typed},
            result="failed",
        )

    # The system administrator reset a district liaison's password; she changed it at the next sign-in.
    admin, reset_for = people.get("admin"), people.get("cgq_liaison")
    if admin and reset_for:
        day = days[-3]
        record(admin, "login", "person", admin.pk, at=moment(day, 10, 2), address="10.62.1.3")
        record(
            admin,
            "password.reset",
            "person",
            reset_for.pk,
            unit_id=reset_for.unit_id,
            at=moment(day, 10, 5),
            address="10.62.1.3",
        )
        record(
            reset_for,
            "password.changed",
            "person",
            reset_for.pk,
            unit_id=reset_for.unit_id,
            at=moment(day, 10, 40),
            address=intranet(rng, reset_for),
            after={"forced": True},
        )

    # The office's exports, and the auditor's check of the chain and a week's export.
    for day in (days[-5], days[-1]):
        clerk = office[0]
        record(
            clerk,
            "export",
            "lists",
            0,
            at=moment(day, 16, 30),
            address=f"10.62.1.{20 + clerk.pk % 200}",
            after={"what": "lists", "format": "xlsx"},
        )
    auditor = people.get("auditor")
    if auditor:
        day = days[-2]
        record(auditor, "login", "person", auditor.pk, at=moment(day, 15, 0), address="10.62.1.9")
        record(
            auditor,
            "audit.exported",
            "audit",
            0,
            at=moment(day, 15, 12),
            address="10.62.1.9",
            after={"format": "xlsx", "from": days[-7].isoformat(), "to": days[-3].isoformat()},
        )

    # A token for the office's big screen (督查大屏), issued through the service: a real, unexpired token.
    if office:
        tokens.issue(office[0], actor=office[0], name="督查大屏对接")
