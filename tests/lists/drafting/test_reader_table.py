"""A task table pasted from Word or Excel: a row per item, its cells read as labelled fields."""

from datetime import date

from luoshi.lists.drafting.reader import read

from .demo_org import DIR, DISTRICTS, LEADER, UNIT

TABLE = (
    "兰州市人民政府2026年工作要点任务分解表\n\n"
    "序号\t工作任务\t责任领导\t牵头单位\t配合单位\t完成时限\n"
    "1\t全年固定资产投资增长10%以上\t刘振宇\t市发改委\t市财政局、各县区\t年底前\n"
    "2\t开工建设轨道交通2号线一期工程\t马玉林\t市交通运输委员会\t市规划局\t6月底前\n"
    "3\t完善信访工作机制\t赵明远\t市信访局\t\t持续推进\n"
    "\n兰州市人民政府办公厅\n2026年2月20日\n"
)


def test_a_pasted_table() -> None:
    reading = read(TABLE, directory=DIR)
    assert reading.source == "work_point" and reading.as_of == date(2026, 2, 20)
    first, second, third = reading.items
    assert first.title == "全年固定资产投资增长10%以上"
    assert first.leader == LEADER["刘振宇"] and first.lead_unit == UNIT["市发改委"]
    assert set(first.co_units) == {UNIT["市财政局"]} | DISTRICTS and first.deadline == date(2026, 12, 31)
    assert second.lead_unit == UNIT["市交通运输委员会"] and second.co_units == [UNIT["市规划局"]]
    assert second.deadline == date(2026, 6, 30)
    assert third.co_units == [] and third.deadline is None and third.leader == LEADER["赵明远"]


def test_tabs_without_a_header_are_no_table() -> None:
    text = "会议纪要\n一、市住建局牵头\t年底前完成。\n二、市环保局负责，立即排查。\n"
    assert len(read(text, as_of=date(2026, 3, 5), directory=DIR).items) == 2


def test_a_cell_of_several_lines() -> None:
    text = TABLE.replace("全年固定资产投资增长10%以上\t", "全年固定资产投资增长10%以上，\n确保年度投资计划全面完成\t")
    reading = read(text, directory=DIR)
    assert len(reading.items) == 3
    assert reading.items[0].excerpt.startswith(
        "全年固定资产投资增长10%以上，确保年度投资计划全面完成\n责任领导：刘振宇"
    )
    assert reading.items[0].lead_unit == UNIT["市发改委"]


def test_rows_whose_empty_last_cells_were_trimmed() -> None:
    text = TABLE.replace("\t马玉林\t市交通运输委员会\t市规划局\t6月底前", "\t马玉林\t市交通运输委员会")
    reading = read(text, directory=DIR)
    assert [p.lead_unit for p in reading.items] == [UNIT["市发改委"], UNIT["市交通运输委员会"], UNIT["市信访局"]]
    assert reading.items[1].deadline is None
