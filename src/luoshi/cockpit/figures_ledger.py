"""Placeholder: the cockpit's ledger section, filled in by this issue."""

from luoshi.cockpit.scope import Scope
from luoshi.cockpit.shapes import Section


def section(scope: Scope) -> Section:
    return Section(key="ledger", title="ledger", figures=[], charts=[], trend=[])
