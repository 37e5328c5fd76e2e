"""The reminder in a month's last week to each leader short of the rule (notice kind frontline.shortfall).

Sent by the worker (frontline.tasks.remind_frontline), once per leader per month however many workers run
and however often they look: each leader's month is claimed by a counter (`next_number` gives 1 to the
first claim only), in the same transaction as the notice and its event, so a failed send leaves the claim
to the next look.
"""

from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.duties.services import resolve_now
from luoshi.events.services import next_number, record
from luoshi.frontline import queries
from luoshi.frontline.rule import Month, in_last_week, month_bounds
from luoshi.notify import kinds
from luoshi.notify.services import Message, in_every_language, notify_many

SHORTFALL = "frontline.shortfall"


def register_kinds() -> None:
    kinds.register(SHORTFALL, gettext_lazy("My frontline days short of the rule this month"))


def claim_key(leader_id: int, today: date) -> str:
    return f"frontline-remind-{leader_id}-{today:%Y-%m}"


@in_every_language
def shortfall_message(m: Month, today: date) -> Message:
    last = month_bounds(m.year, m.month)[1]
    body = _(
        "This month you have {grassroots} of {grassroots_rule} days at the grassroots and {supervised} of "
        "{supervised_rule} days at the units you supervise; days left until {last}: {left}."
    ).format(
        grassroots=m.grassroots_days,
        grassroots_rule=m.rule.grassroots_days,
        supervised=m.supervised_days,
        supervised_rule=m.rule.supervised_days,
        left=(last - today).days + 1,
        last=last.isoformat(),
    )
    url = f"{reverse('frontline:month')}?month={m.year:04d}-{m.month:02d}"
    return Message(kind=SHORTFALL, title=_("Frontline days: short of the rule this month"), body=body, url=url)


def send_due(now: datetime | None = None) -> int:
    """In a month's last week, remind each leader whose month is short of the rule, once. Returns how many."""
    now = resolve_now(now)
    today = timezone.localdate(now)
    if not in_last_week(today):
        return 0
    sent = 0
    for row in queries.month_table(queries.leaders(), today.year, today.month):
        if row.month.ok:
            continue
        with transaction.atomic():
            if next_number(claim_key(row.leader.pk, today)) != 1:
                continue  # reminded already (by this worker or another)
            m = row.month
            after = {
                "month": f"{m.year:04d}-{m.month:02d}",
                "grassroots_days": m.grassroots_days,
                "supervised_days": m.supervised_days,
            }
            record(None, "frontline.reminded", "person", row.leader.pk, after=after, at=now)
            notify_many([(row.leader.pk, shortfall_message(m, today))], now)
            sent += 1
    return sent
