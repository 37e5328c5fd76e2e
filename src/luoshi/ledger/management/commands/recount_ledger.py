"""`luoshi manage recount_ledger [--fix]`: recompute the ledgers' figures from the facts, report drift."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.ledger import rollup
from luoshi.ledger.models import Ledger

SHOWN = 20


class Command(BaseCommand):
    help = (
        "Recompute every ledger's figures (tasks' progress and dates, indicators' actuals, programmes' "
        "counters) from the duties and reports, and report what differs from the stored figures. --fix "
        "stores the recomputed figures and refreshes the forecasts. Exits 1 when drift is found and not fixed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="store the recomputed figures")

    def handle(self, *args: Any, **options: Any) -> None:
        found = 0
        for ledger in Ledger.objects.order_by("year"):
            rows = rollup.drift(ledger.pk)
            found += len(rows)
            self.stdout.write(f"{ledger.year}: {ledger.tasks.count()} tasks, {len(rows)} figures differ")
            for row in rows[:SHOWN]:
                self.stdout.write(f"  {row}")
            if options["fix"]:
                rollup.refresh_ledger(ledger.pk)
        if found and not options["fix"]:
            raise CommandError("the ledger's figures drifted from the facts; run `luoshi manage recount_ledger --fix`")
        self.stdout.write("fixed: the recomputed figures are stored" if found else "figures: exact")
