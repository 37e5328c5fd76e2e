"""The demo's sample minutes: stored with no lists, found under "Documents read before", read into five items."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from luoshi.demo.drafting import SAMPLE_NAME, build_drafting_sample, sample_minutes, wipe_drafting
from luoshi.lists.drafting_services import read_text
from luoshi.lists.models import SourceText
from luoshi.org.models import Unit
from tests.conftest import NOW, TODAY, make_person
from tests.lists.drafting.demo_org import build_demo_org


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW):
        yield


@pytest.fixture
def demo_office(db):
    build_demo_org()
    return make_person("office", ["office"], name="督查室王")


def test_the_sample_is_a_document_read_before_with_no_lists(as_, demo_office):
    st = build_drafting_sample(demo_office, NOW)
    assert (st.as_of, st.source, st.name, st.lists.count()) == (TODAY, "meeting", SAMPLE_NAME, 0)
    page = as_(demo_office).get(reverse("lists:from_text")).content.decode()
    assert SAMPLE_NAME in page and f'id="read-again-{st.pk}"' in page
    wipe_drafting()
    assert not SourceText.objects.exists()


def test_the_sample_reads_into_five_items_with_their_units_and_deadlines(demo_office):
    reading = read_text(demo_office, sample_minutes(TODAY))
    assert reading.as_of == TODAY and reading.source == "meeting"
    assert len(reading.items) == 5
    names = {u.pk: u.name for u in Unit.objects.all()}
    leads = [names.get(p.lead_unit) for p in reading.items]
    assert leads == ["市住建局", "市城市管理委员会", "市教育局", "市水务局", "市人社局"]
    assert all(p.deadline is not None and p.deadline >= TODAY for p in reading.items)
    assert [names[u] for u in reading.items[3].co_units] == ["榆中县"]


def test_the_sample_is_the_corpus_sample_redated():
    from pathlib import Path

    corpus = (Path(__file__).parent / "corpus" / "sample_minutes.txt").read_text(encoding="utf-8")
    assert sample_minutes(date(2026, 5, 20)) == corpus
