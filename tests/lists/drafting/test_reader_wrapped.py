"""Text from a PDF comes with its lines broken mid-sentence: the reading is the same as of the paragraphs."""

from pathlib import Path

import pytest

from luoshi.lists.drafting.reader import read

from .demo_org import DIR

CORPUS = Path(__file__).parent / "corpus"


def rewrap(text: str, width: int = 28) -> str:
    out = []
    for line in text.splitlines():
        while len(line) > width:
            out.append(line[:width])
            line = line[width:]
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.stem)
def test_wrapped_lines_read_as_their_paragraphs(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    whole = read(text, directory=DIR)
    broken = read(rewrap(text), directory=DIR)
    assert broken.as_of == whole.as_of and broken.source == whole.source
    assert [p.excerpt.replace("\n", "") for p in broken.items] == [p.excerpt.replace("\n", "") for p in whole.items]
    for a, b in zip(broken.items, whole.items, strict=True):
        assert (a.lead_unit, set(a.co_units), a.deadline, a.flags, a.leader) == (
            b.lead_unit,
            set(b.co_units),
            b.deadline,
            b.flags,
            b.leader,
        ), b.excerpt
