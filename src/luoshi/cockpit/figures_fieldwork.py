"""Placeholder: the cockpit's fieldwork section, filled in by this issue."""

from luoshi.cockpit.scope import Scope
from luoshi.cockpit.shapes import Section


def section(scope: Scope) -> Section:
    return Section(key="fieldwork", title="fieldwork", figures=[], charts=[], trend=[])
