"""Whatever is pasted, the reader answers: no exception, titles short, nothing without its words."""

import random
from datetime import date
from pathlib import Path

import pytest

from luoshi.lists.drafting.reader import TITLE_MAX, read

from .demo_org import DIR

CORPUS = Path(__file__).parent / "corpus"
PIECES = (
    "一、",
    "（二）",
    "3.",
    "4、",
    "①",
    "\n",
    "\n\n",
    "：",
    "。",
    "；",
    "，",
    "市住建局",
    "各县区",
    "市直各部门",
    "牵头",
    "配合",
    "会同",
    "负责",
    "张立群同志",
    "虞书记",
    "6月底前",
    "13月45日前",
    "2026年2月30日",
    "二〇二六年三月五日",
    "99个工作日内",
    "春节前",
    "立即",
    "批示",
    "纪要",
    "　",
    " ",
    "\t",
    "\r\n",
    "a" * 50,
    "（",
    "）",
)


@pytest.mark.parametrize("seed", range(40))
def test_random_pastes(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 120)))
    reading = read(text, as_of=date(2026, 3, 5), directory=DIR)
    for p in reading.items:
        assert len(p.title) <= TITLE_MAX and not p.title.endswith(("。", "；", "，", "："))
        assert p.excerpt and p.content
        for field in ("lead_unit", "leader", "deadline"):
            value = getattr(p, field)
            assert (
                (value is not None) == (p.confidence.get(field, 0) > 0) == (field in p.evidence and value is not None)
            )
        assert bool(p.co_units) == bool(p.evidence.get("co_units"))
        assert p.lead_unit not in p.co_units


def test_empty_and_blank() -> None:
    for text in ("", "   ", "\n\n\n", "一、", "1."):
        assert read(text, as_of=date(2026, 3, 5), directory=DIR).items == []


def test_a_long_document_is_quick() -> None:
    text = "\n".join((CORPUS / "14_work_point.txt").read_text(encoding="utf-8") for _ in range(20))
    reading = read(text, directory=DIR)
    assert len(reading.items) == 240
