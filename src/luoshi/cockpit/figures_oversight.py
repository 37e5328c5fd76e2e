"""Placeholder: the cockpit's oversight section, filled in by this issue."""

from luoshi.cockpit.scope import Scope
from luoshi.cockpit.shapes import Section


def section(scope: Scope) -> Section:
    return Section(key="oversight", title="oversight", figures=[], charts=[], trend=[])
