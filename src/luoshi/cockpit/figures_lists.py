"""Placeholder: the cockpit's lists section, filled in by this issue."""

from luoshi.cockpit.scope import Scope
from luoshi.cockpit.shapes import Section


def section(scope: Scope) -> Section:
    return Section(key="lists", title="lists", figures=[], charts=[], trend=[])
