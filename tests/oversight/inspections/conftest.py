"""Inspections' fixtures: a joint team (its leader and a member, from a unit of their own), a campaign
inspecting unit_a and unit_b, a finding at each, and small real images for the evidence. Dated from
today (the services' own clock), so that the API and the pages agree with the fixtures."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from luoshi.org.models import Person, Unit
from luoshi.oversight import findings, inspections
from luoshi.oversight.models import Finding, FindingCategory, Inspection
from tests.conftest import make_person

EN = {"Accept-Language": "en"}


def today() -> date:
    return timezone.localdate()


def png(width: int = 4, height: int = 3, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (30, 120, 30)).save(out, format="JPEG")
    return out.getvalue()


def upload(name: str = "photo.png", data: bytes | None = None, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png() if data is None else data, content_type=content_type)


@pytest.fixture
def team_unit(db) -> Unit:
    return Unit.objects.create(name="市纪委监委", kind="department")


@pytest.fixture
def inspector(db, team_unit) -> Person:
    """The team's leader: a person of the team's unit with no role of the business besides."""
    return make_person("inspector", [], team_unit, name="督查组组长")


@pytest.fixture
def member(db, team_unit) -> Person:
    """A member of the team, who is also his own unit's liaison."""
    return make_person("member", ["liaison"], team_unit, name="督查组成员")


@pytest.fixture
def colleague(db, team_unit) -> Person:
    """The team unit's head, not on the team: he sees nothing of the inspection."""
    return make_person("colleague", ["unit_head"], team_unit, name="纪委监委负责人")


@pytest.fixture
def head_b(db, unit_b) -> Person:
    return make_person("head_b", ["unit_head"], unit_b, name="城关区区长")


@pytest.fixture
def category() -> FindingCategory:
    return FindingCategory.objects.get(name="作风纪律")


@pytest.fixture
def inspection(office, inspector, member, team_unit, unit_a, unit_b) -> Inspection:
    data = inspections.InspectionInput(
        title="上半年工作落实情况联合督查",
        leader=inspector,
        period_from=today() - timedelta(days=3),
        period_to=today() + timedelta(days=10),
        methods=["discussion", "documents", "spot_check"],
        team_units=[team_unit],
        members=[member],
        units=[unit_a, unit_b],
    )
    return inspections.do_create_inspection(office, data)[0]


def record(actor, inspection, unit, category, **extra) -> Finding:
    data = findings.FindingInput(
        unit=unit,
        category=category,
        severity=extra.pop("severity", "major"),
        description=extra.pop("description", f"{unit.name}清单台账更新不及时，部分事项进展未按期直报"),
        requirement=extra.pop("requirement", "一个月内完成整改，建立台账动态更新机制"),
        deadline=extra.pop("deadline", today() + timedelta(days=30)),
        **extra,
    )
    return findings.do_create_finding(actor, inspection, data)[0]


@pytest.fixture
def finding(inspector, inspection, unit_a, category) -> Finding:
    return record(inspector, inspection, unit_a, category)


@pytest.fixture
def finding_b(inspector, inspection, unit_b, category) -> Finding:
    return record(inspector, inspection, unit_b, category, description="城关区窗口服务群众态度生硬")


def ask_verification(liaison, finding: Finding, **extra):
    return findings.do_report_finding(
        liaison, finding, progress=100, done="已完成整改，建立台账动态更新机制", request_completion=True, **extra
    )[0]
