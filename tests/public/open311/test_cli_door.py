"""`luoshi open311 key create NAME` through the one door (luoshi.cli), the key on the last line."""

import hashlib

import pytest

from luoshi import cli
from luoshi.public.models import Open311Key


@pytest.mark.django_db
def test_the_console_script_creates_a_key_and_prints_it_last(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["open311", "key", "create", "FixMyStreet 兰州"])
    assert done.value.code == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    stored = Open311Key.objects.get()
    assert stored.name == "FixMyStreet 兰州"
    assert stored.digest == hashlib.sha256(key.encode()).hexdigest()
