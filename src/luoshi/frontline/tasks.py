from datetime import datetime

from django_tasks import task

from luoshi.frontline import reminders


@task()
def remind_frontline(now_iso: str | None = None) -> int:
    """Leaders short of the frontline rule in the month's last week: reminded once a month each."""
    return reminders.send_due(datetime.fromisoformat(now_iso) if now_iso else None)
