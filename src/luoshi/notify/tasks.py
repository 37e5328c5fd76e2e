from django_tasks import task

from luoshi.notify.services import deliver_due


@task()
def deliver() -> dict[str, int]:
    """Send what is due; loops while full batches come back so a backlog drains in one run."""
    total = {"sent": 0, "retry": 0, "failed": 0}
    while True:
        counts = deliver_due()
        for k, v in counts.items():
            total[k] += v
        if sum(counts.values()) < 50:
            return total
