"""The demo city's oversight and frontline work, each part with its own random stream (so that adding one
leaves the others' records as they were): leaders' frontline days, the inspections and their findings,
the restricted cases, then the 登台剖析 meeting that ranks units by all of them."""

import random
from datetime import datetime

from luoshi.demo.frontline import build_frontline
from luoshi.demo.oversight_analysis import build_analysis, wipe_analysis
from luoshi.demo.oversight_cases import build_cases, wipe_cases
from luoshi.demo.oversight_inspections import build_inspections
from luoshi.frontline.models import Stationing
from luoshi.org.models import Person, Unit


def build_oversight(seed: int, units: dict[str, Unit], people: dict[str, Person], now: datetime) -> None:
    """Call after the lists are played and the ledger built, before the ladder's past is replayed (so that
    overdue rectifications were urged like any late work)."""
    build_frontline(random.Random(seed + 11), units, people, now)
    build_inspections(random.Random(seed + 12), units, people, now)
    build_cases(random.Random(seed + 13), units, people, now)


def build_self_analysis(seed: int, units: dict[str, Unit], people: dict[str, Person], now: datetime) -> None:
    """After the ladder's past is replayed: the ranking counts its urges and orders."""
    build_analysis(random.Random(seed + 14), units, people, now)


def wipe_oversight() -> None:
    """Before the ledger's wipe: stationed cadres point at its tasks."""
    Stationing.objects.all().delete()
    wipe_analysis()
    wipe_cases()
