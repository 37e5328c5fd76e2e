"""Placeholder filled in by this issue."""

from ninja import Router

router = Router(tags=["cockpit"])
