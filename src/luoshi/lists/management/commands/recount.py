"""`luoshi manage recount [--fix]`: recompute the summary figures from the facts and report any drift."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.lists import tallies


class Command(BaseCommand):
    help = (
        "Recompute the lists' summary figures (the overview, the index's tabs) from the lists and their "
        "duties, and report every figure that differs from the stored one. --fix stores the recomputed "
        "figures (run it when no one is writing). Exits 1 when drift is found and not fixed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="store the recomputed figures")

    def handle(self, *args: Any, **options: Any) -> None:
        drift = tallies.recount(fix=options["fix"])
        self.stdout.write(f"lists checked: {drift.checked}")
        if drift.clean:
            self.stdout.write("figures: exact")
            return
        for k, stored, expected in drift.rows[:50]:
            kind, year, leader, unit, source, status, day = k
            where = " ".join(
                f"{name}={value}"
                for name, value in (
                    ("year", year), ("leader", leader), ("unit", unit), ("source", source), ("status", status),
                    ("day", day if day != "0001-01-01" else ""),
                )
                if value
            )
            self.stdout.write(f"drift {kind} {where}: stored {stored}, from the facts {expected}")
        if len(drift.rows) > 50:
            self.stdout.write(f"… and {len(drift.rows) - 50} more figures")
        shown = ", ".join(str(i) for i in drift.subjects[:20])
        self.stdout.write(f"lists whose stored share differs: {len(drift.subjects)} ({shown})")
        if options["fix"]:
            self.stdout.write("fixed: the recomputed figures are stored")
            return
        raise CommandError("the figures drifted from the facts; run `luoshi manage recount --fix`")
