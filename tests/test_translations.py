"""The UI speaks Simplified Chinese first, with a complete English translation behind the switch."""

import ast
import gettext
import re
from pathlib import Path

from django.urls import reverse

import luoshi
from tests.conftest import english

PO = Path(luoshi.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def entries() -> list[str]:
    return PO.read_text(encoding="utf-8").split("\n\n")[1:]


def test_every_message_has_a_chinese_translation():
    # An empty msgstr not continued on the next line (long ones wrap as `msgstr ""` + "…" lines).
    empty = re.compile(r'^msgstr(\[0\])? ""\s*$(?!\n")', re.MULTILINE)
    untranslated = [e for e in entries() if empty.search(e)]
    assert not untranslated, untranslated[:3]
    assert not [e for e in entries() if "#, fuzzy" in e]


def test_the_compiled_catalogue_matches_its_source():
    """Run `luoshi manage compilemessages` after editing the .po: the .mo is what Django reads."""
    with PO.with_suffix(".mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    checked = 0
    for entry in entries():
        lines = [line for line in entry.splitlines() if not line.startswith("#")]
        if len(lines) == 2 and lines[0].startswith('msgid "') and lines[1].startswith('msgstr "'):
            msgid, msgstr = (ast.literal_eval(line.split(" ", 1)[1]) for line in lines)
            assert compiled.gettext(msgid) == msgstr, msgid
            checked += 1
    assert checked > 300


def test_pages_are_in_chinese_by_default_and_english_on_request(client, office, published_list):
    client.force_login(office)
    zh = client.get(reverse("lists:index")).content.decode()
    assert "责任清单" in zh and "Responsibility lists" not in zh
    en = english(client).get(reverse("lists:index")).content.decode()
    assert "Responsibility lists" in en


def test_an_english_browser_still_gets_chinese_pages_until_the_switch(client, office):
    client.force_login(office)
    page = client.get(reverse("lists:index"), headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert "责任清单" in page


def test_api_messages_are_chinese_unless_the_client_asks_for_english(api, office, published_list):
    c = api(office)
    path = f"/lists/{published_list.pk}/publish"
    assert "草稿" in c.post(path).json()["detail"]
    assert "Only a draft" in c.post(path, headers={"Accept-Language": "en"}).json()["detail"]


def test_the_language_switch_remembers_english(client, office):
    client.force_login(office)
    client.post(reverse("set_language"), {"language": "en", "next": "/lists/"})
    assert "Responsibility lists" in client.get(reverse("lists:index")).content.decode()
