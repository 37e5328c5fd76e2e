"""Placeholder: the cockpit's public section, filled in by this issue."""

from luoshi.cockpit.scope import Scope
from luoshi.cockpit.shapes import Section


def section(scope: Scope) -> Section:
    return Section(key="public", title="public", figures=[], charts=[], trend=[])
