"""Oversight's shared fixtures: the discipline role (reads and writes the restricted cases)."""

import pytest

from luoshi.org.models import Person
from tests.conftest import make_person


@pytest.fixture
def discipline(db) -> Person:
    return make_person("discipline", ["discipline"], name="纪检员")
