from django.utils import timezone
from django_tasks import task

from luoshi.ledger import rollup
from luoshi.ledger.models import Ledger, LedgerStatus


@task()
def refresh_forecasts() -> int:
    """The forecast light depends on the day (a period's plan falls due): recompute the open ledgers daily."""
    now = timezone.now()
    return sum(
        rollup.refresh_ledger(pk, now)
        for pk in Ledger.objects.filter(status=LedgerStatus.OPEN).values_list("pk", flat=True)
    )
