"""A task table pasted from Word or Excel (cells separated by tabs): a header row naming its columns (序号, 工作任务,
责任领导, 牵头单位, 配合单位, 完成时限) and a row per item. Each row becomes the item's words with its cells labelled
as offices write them (责任领导：… 牵头单位：… 完成时限：…), which the reader's parts then read as any item."""

import re

# column label → the words a header cell may use
COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号"),
    "task": ("工作任务", "重点任务", "任务内容", "工作内容", "主要任务", "议定事项", "事项", "任务", "内容"),
    "leader": ("责任领导", "牵头领导", "分管领导", "包抓领导", "领导"),
    "lead": ("牵头单位", "责任单位", "主办单位", "承办单位", "牵头部门"),
    "co": ("配合单位", "协办单位", "参与单位", "配合部门"),
    "deadline": ("完成时限", "完成时间", "时限", "时间节点", "截止时间"),
}
_ROW_START = re.compile(r"\d{1,3}[.、]?\t")
LABELS = {"leader": "责任领导", "lead": "牵头单位", "co": "配合单位", "deadline": "完成时限"}


def _cells(line: str) -> list[str]:
    return [c.strip() for c in re.split(r"\t", line)]


def header(line: str) -> dict[int, str] | None:
    """Column index → column label, if the line is a header naming a task and at least one other column."""
    found: dict[int, str] = {}
    for k, cell in enumerate(_cells(line)):
        for label, words in COLUMNS.items():
            if label not in found.values() and any(cell.replace(" ", "").startswith(w) for w in words):
                found[k] = label
                break
    labels = set(found.values())
    return found if "task" in labels and len(labels & {"leader", "lead", "co", "deadline"}) >= 1 else None


def rows(lines: list[str]) -> tuple[list[str], list[str], list[str]] | None:
    """(head lines, item texts, tail lines) of a document holding a task table, or None. A cell of several
    paragraphs (a .docx cell's lines) breaks its row over lines: a row is complete when it has all its cells."""
    for at, line in enumerate(lines):
        if "\t" not in line:
            continue
        columns = header(line)
        if columns is None:
            continue
        width = line.count("\t")
        items: list[str] = []
        end, buffer = at + 1, ""
        while end < len(lines) and ("\t" in lines[end] or buffer):
            buffer = f"{buffer}\n{lines[end]}" if buffer else lines[end]
            end += 1
            more = end < len(lines) and "\t" in lines[end] and not _ROW_START.match(lines[end])
            if buffer.count("\t") < width and more:
                continue  # the row goes on (a cell of several lines); trimmed empty cells end it at the next 序号
            item = _item(_cells(buffer), columns)
            if item:
                items.append(item)
            buffer = ""
        return lines[: at + 1], items, lines[end:]
    return None


def _item(cells: list[str], columns: dict[int, str]) -> str:
    task = next((cells[k] for k, c in columns.items() if c == "task" and k < len(cells)), "")
    if not task:
        return ""
    parts = [task.replace("\n", "")]
    for k, label in columns.items():
        if label in LABELS and k < len(cells) and cells[k]:
            parts.append(f"{LABELS[label]}：{cells[k].replace(chr(10), '')}")
    return "\n".join(parts)
