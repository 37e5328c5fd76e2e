"""Filled in by its issue."""

from ninja import Router

router = Router()
