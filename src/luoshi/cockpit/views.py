"""The cockpit page (驾驶舱): every section's figures and charts on one screen, for a leader or the office.

The page reads the sections only through their shape (cockpit.shapes): figures as big numbers linking to their
records, charts drawn by ECharts (static/cockpit/cockpit.js) from the JSON data island, each segment linking
to its records, and the trends (each section's twelve months). A constant number of queries: the scope, the
chain head and (on a cache miss) the sections' own constant queries."""

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.dates import MONTHS_AP

from luoshi.cockpit import access, figures
from luoshi.cockpit.scope import Scope
from luoshi.cockpit.shapes import Section, Series
from luoshi.errors import InvalidInput, NotAllowed
from luoshi.frontline.queries import leaders
from luoshi.pages import Request

YEARS_BACK = 5


def _years(today: date, shown: int | None) -> list[int]:
    years = set(range(today.year - YEARS_BACK, today.year + 1))
    if shown:
        years.add(shown)
    return sorted(years, reverse=True)


def _switcher(request: Request, today: date, scope: Scope | None) -> dict[str, Any]:
    """The scope switcher's choices: the leader picker (and the whole city) for the office, the year."""
    person = request.user
    year = scope.year if scope else today.year
    picks = access.may_pick_leader(person)
    return {
        "may_pick_leader": picks,
        "is_leader": access.is_leader(person),
        "leaders": leaders() if picks else [],
        "years": _years(today, year),
        "year": year,
        "city": scope is not None and scope.leader is None,
        "leader_id": scope.leader_id if scope else None,
        "own": scope is not None and scope.leader_id == person.pk,
    }


def _rows(labels: list[str], series: list[Series]) -> list[dict[str, Any]]:
    """A chart's table (its text alternative): one row per label, one (value, url) cell per series."""
    return [
        {"label": label, "cells": [{"value": s["data"][i], "url": s["urls"][i]} for s in series]}
        for i, label in enumerate(labels)
    ]


def _cards(sections: list[Section], months: list[str]) -> dict[str, Any]:
    """What the template walks: each section with its charts' tables, and each section's trend."""
    return {
        "cards": [
            {
                "section": s,
                "charts": [{"chart": c, "rows": _rows(c["labels"], c["series"])} for c in s["charts"]],
            }
            for s in sections
        ],
        "trends": [
            {"key": s["key"], "title": s["title"], "series": s["trend"], "rows": _rows(months, s["trend"])}
            for s in sections
        ],
    }


def _page_data(found: dict[str, Any]) -> dict[str, Any]:
    """The data island: the sections in their order and the trends, each as its shape gives it."""
    sections = [found[name] for name in figures.SECTIONS]
    return {
        "sections": sections,
        "trends": [{"key": s["key"], "title": s["title"], "series": s["trend"]} for s in sections],
        "months": [str(MONTHS_AP[m]) for m in range(1, 13)],
    }


@login_required
def index(request: Request) -> HttpResponse:
    today = timezone.localdate()
    try:
        scope = access.scope_from(request.user, request.GET, today)
    except NotAllowed as e:
        raise PermissionDenied(e.message) from None
    except InvalidInput as e:
        context = {"errors": [e.message], "field": e.field, **_switcher(request, today, None)}
        return render(request, "cockpit/index.html", context, status=400)
    found = figures.cockpit(scope)
    data = _page_data(found)
    context = {
        "scope": scope,
        **_cards(data["sections"], data["months"]),
        "data": data,
        "whole_year": scope.start == date(scope.year, 1, 1) and scope.end == date(scope.year, 12, 31),
        **_switcher(request, today, scope),
    }
    return render(request, "cockpit/index.html", context)


urlpatterns: list[URLPattern] = [path("", index, name="index")]
