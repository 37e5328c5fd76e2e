"""The one shape every cockpit section has, so that the page, the API, the bulletin and the tests read any
section alike: figures (a number with the link to the records behind it) and charts (labels × series, each
point with its own link), and a trend (the twelve months of the year)."""

from typing import Literal, NotRequired, TypedDict


class Figure(TypedDict):
    key: str
    label: str
    value: float | int
    # The filtered index of the records behind the number; None when there is no list to show.
    url: str | None
    # True when value is the number of records at url (the tests check it); False for amounts, rates, ages.
    counted: bool
    unit: NotRequired[str]  # 亿元, %, 天… shown after the value


class Series(TypedDict):
    name: str
    data: list[float | int]
    urls: list[str | None]  # one per label; counted like the figures when counted is True
    counted: bool
    color: NotRequired[str]  # "red", "yellow", "green"… for the lights


class Chart(TypedDict):
    key: str
    title: str
    kind: Literal["bar", "stack", "pie", "line"]
    labels: list[str]
    series: list[Series]


class Section(TypedDict):
    key: str  # lists, ladder, ledger, oversight, public, fieldwork
    title: str
    figures: list[Figure]
    charts: list[Chart]
    trend: list[Series]  # twelve values each, January to December of scope.year


def figure(
    key: str, label: str, value: float | int, url: str | None, *, counted: bool = True, unit: str = ""
) -> Figure:
    f = Figure(key=key, label=label, value=value, url=url, counted=counted)
    if unit:
        f["unit"] = unit
    return f


def series(
    name: str, data: list[float | int], urls: list[str | None], *, counted: bool = True, color: str = ""
) -> Series:
    s = Series(name=name, data=data, urls=urls, counted=counted)
    if color:
        s["color"] = color
    return s
