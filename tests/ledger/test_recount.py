"""The ledger's figures are recomputed from the facts by a command, and the forecasts by the worker."""

import pytest
from django.core.management import CommandError, call_command

from luoshi.ledger import rollup
from luoshi.ledger.models import Task
from luoshi.ledger.tasks import refresh_forecasts


@pytest.mark.figures_by_hand
def test_the_command_finds_and_fixes_a_typed_figure(opened, capsys):
    Task.objects.filter(pk=opened["parent"].pk).update(progress=99)
    with pytest.raises(CommandError):
        call_command("recount_ledger")
    assert "1 figures differ" in capsys.readouterr().out
    call_command("recount_ledger", "--fix")
    assert not rollup.drift(opened["parent"].ledger_id)
    call_command("recount_ledger")
    assert "figures: exact" in capsys.readouterr().out


def test_the_forecast_job_recomputes_the_open_ledgers(opened):
    Task.objects.filter(pk=opened["first"].pk).update(forecast="", forecast_basis="")
    assert refresh_forecasts.call() == 3
    assert Task.objects.get(pk=opened["first"].pk).forecast_basis
