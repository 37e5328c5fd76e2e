"""A second, test-only owner kind: "errand", owned by auth.Group rows (any model serves as the owner row).

Import the fixture where it is needed: `from tests.duties.errands import errand  # noqa: F401`.
"""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy

from luoshi.duties import owners
from luoshi.duties.models import Duty, DutyStatus, Policy
from luoshi.org.models import Unit
from tests.conftest import check_figures
from tests.duties.conftest import at

KIND = "errand"


def errand_url(group_id: int) -> str:
    return f"/errands/{group_id}/"


@pytest.fixture
def errand(db):
    """The errand kind registered for the test, and gone afterwards."""
    owner = owners.register(
        owners.Owner(
            kind=KIND,
            model="auth.Group",
            label=gettext_lazy("errand"),
            noun=gettext_lazy("errand"),
            url=errand_url,
        )
    )
    Policy.forget()
    yield owner
    check_figures()  # while the kind is known: the league's figures name it
    owners.unregister(KIND)
    Policy.forget()


def errand_duty(unit: Unit, name: str, *, every: int = 7, due: date = date(2026, 3, 9), **fields) -> Duty:
    """An open errand (a Group row) owed by `unit` since Mon 03-02 09:00, its first report due on `due`."""
    group = Group.objects.create(name=name)
    return Duty.objects.create(
        owner_type=ContentType.objects.get_for_model(Group),
        owner_id=group.pk,
        unit=unit,
        title=name,
        code=f"PT-{group.pk:04d}",
        status=fields.pop("status", DutyStatus.OPEN),
        deadline=fields.pop("deadline", date(2026, 12, 31)),
        report_every_days=every,
        next_report_due=due,
        created_at=at(date(2026, 3, 2)),
        **fields,
    )
