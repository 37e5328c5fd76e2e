"""Frontline's shared fixtures: the organisation role (reads and writes selection rounds)."""

import pytest

from luoshi.org.models import Person
from tests.conftest import make_person


@pytest.fixture
def organisation(db) -> Person:
    return make_person("organisation", ["organisation"], name="组织干事")
