"""Placeholder: the cockpit's ladder section, filled in by this issue."""

from luoshi.cockpit.scope import Scope
from luoshi.cockpit.shapes import Section


def section(scope: Scope) -> Section:
    return Section(key="ladder", title="ladder", figures=[], charts=[], trend=[])
