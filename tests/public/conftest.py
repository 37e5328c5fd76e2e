"""Public problems' fixtures: a hotline problem taken in by the office, accepted, ready to dispatch."""

import pytest

from luoshi.public import intake
from luoshi.public.intake import Submission
from luoshi.public.models import Problem

EN = {"Accept-Language": "en"}


def submission(**changes) -> Submission:
    values = {
        "channel": "hotline",
        "category": "市容环境",
        "content": "小区门口垃圾堆放三天无人清运，气味很大。",
        "place": "城关区张掖路街道 58 号",
        "reporter_name": "李女士",
        "reporter_contact": "13900001111",
        **changes,
    }
    return Submission(**values)


@pytest.fixture
def problem(office) -> Problem:
    return intake.do_submit(office, submission())[0]


@pytest.fixture
def accepted(office, problem) -> Problem:
    return intake.do_accept(office, problem)
