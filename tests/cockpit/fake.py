"""A stand-in section for the page's and the API's tests: the shape of cockpit.shapes with a figure, a chart
and a trend, counting how often it is computed (the cache's tests)."""

from collections import Counter

import pytest

from luoshi.cockpit import figures
from luoshi.cockpit.scope import Scope
from luoshi.cockpit.shapes import Chart, Section, figure, series

COMPUTED: Counter[str] = Counter()
SCOPES: list[Scope] = []


def fake_section(name: str):
    def section(scope: Scope) -> Section:
        COMPUTED[name] += 1
        SCOPES.append(scope)
        return Section(
            key=name,
            title=f"{name} title",
            figures=[
                figure("issued", "Issued", 7, f"/lists/?from={scope.start}"),
                figure("rate", "Rate", 92.5, None, counted=False, unit="%"),
            ],
            charts=[
                Chart(
                    key="by_light",
                    title="By light",
                    kind="stack",
                    labels=["Leader A", "Leader B"],
                    series=[
                        series(
                            "red", [1, 2], ["/lists/?light=red&leader=1", "/lists/?light=red&leader=2"], color="red"
                        ),
                        series("green", [3, 0], ["/lists/?light=green&leader=1", None], color="green"),
                    ],
                )
            ],
            trend=[series("issued", list(range(12)), [f"/lists/?month={m}" for m in range(1, 13)])],
        )

    return section


@pytest.fixture
def fake_sections(monkeypatch):
    """Every section replaced by the stand-in; returns the counter of computations."""
    COMPUTED.clear()
    SCOPES.clear()
    for name in list(figures.SECTIONS):
        monkeypatch.setitem(figures.SECTIONS, name, fake_section(name))
    return COMPUTED
