"""`luoshi manage recount [--fix]`: recompute the summary figures from the facts and report any drift."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from luoshi.duties import tallies as duty_tallies
from luoshi.events.models import NO_DAY
from luoshi.events.tallies import Drift
from luoshi.lists import tallies as list_tallies

SHOWN = 50


class Command(BaseCommand):
    help = (
        "Recompute the summary figures from the facts: the lists' (the overview, the index's tabs and "
        "choices) from the lists and their duties, the league's from the reports and steps. Reports every "
        "figure that differs from the stored one. --fix stores the recomputed figures (run it when no one "
        "is writing). Exits 1 when drift is found and not fixed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="store the recomputed figures")

    def handle(self, *args: Any, **options: Any) -> None:
        fix = options["fix"]
        lists = list_tallies.recount(fix=fix)
        self.stdout.write(f"lists checked: {lists.checked}")
        league = duty_tallies.recount(fix=fix)
        clean = self._report("lists", lists) & self._report("league", league)
        if lists.subjects:
            shown = ", ".join(str(i) for i in lists.subjects[:20])
            self.stdout.write(f"lists whose stored share differs: {len(lists.subjects)} ({shown})")
        if clean:
            self.stdout.write("figures: exact")
        elif fix:
            self.stdout.write("fixed: the recomputed figures are stored")
        else:
            raise CommandError("the figures drifted from the facts; run `luoshi manage recount --fix`")

    def _report(self, what: str, drift: Drift) -> bool:
        for k, stored, expected in drift.rows[:SHOWN]:
            kind, year, leader, unit, source, status, day = k
            named = (("year", year), ("leader", leader), ("unit", unit), ("source", source), ("status", status))
            where = " ".join(f"{n}={v}" for n, v in (*named, ("day", "" if day == NO_DAY else day)) if v)
            self.stdout.write(f"drift {kind} {where}: stored {stored}, from the facts {expected}")
        if len(drift.rows) > SHOWN:
            self.stdout.write(f"… and {len(drift.rows) - SHOWN} more {what} figures")
        return drift.clean
