"""The responsible leader: named in the item, else the heading's, else the 批示's addressee or signer."""

from datetime import date

from luoshi.lists.drafting import leaders
from luoshi.lists.drafting.reader import read

from .demo_org import DIR, LEADER


def test_full_name_given_name_and_surname_with_title() -> None:
    assert leaders.find("由张立群同志负责协调", DIR).id == LEADER["张立群"]  # type: ignore[union-attr]
    assert leaders.find("请振宇同志牵头研究", DIR).id == LEADER["刘振宇"]  # type: ignore[union-attr]
    assert leaders.find("马玉林副市长牵头，市城管委负责", DIR).id == LEADER["马玉林"]  # type: ignore[union-attr]
    assert leaders.find("报张市长审定", DIR).id == LEADER["张立群"]  # type: ignore[union-attr]
    assert leaders.find("吴副市长督导", DIR).id == LEADER["吴晓东"]  # type: ignore[union-attr]
    found = leaders.find("何丽萍同志负责督促", DIR)
    assert found is not None and found.evidence == "何丽萍同志" and 0 < found.confidence <= 1


def test_names_that_are_not_leaders_are_nobody() -> None:
    assert leaders.find("虞书记对此十分重视", DIR) is None
    assert leaders.find("市住建局负责，年底前完成", DIR) is None


SIGNED = (
    "关于供热问题的批示\n\n请市住建局牵头，10个工作日内拿出整改方案；市财政局要做好资金保障。\n\n张立群\n2026年3月5日\n"
)


def test_the_signer_of_a_pishi() -> None:
    reading = read(SIGNED, directory=DIR)
    assert reading.source == "instruction"
    assert [p.leader for p in reading.items] == [LEADER["张立群"]] * 2
    assert reading.evidence["signer"] == "张立群"


def test_the_addressee_before_the_signer_and_the_item_before_both() -> None:
    text = SIGNED.replace("\n\n请", "\n\n晓东同志：\n请").replace("资金保障。", "资金保障，请何丽萍同志督促。")
    reading = read(text, directory=DIR)
    assert [p.leader for p in reading.items] == [LEADER["吴晓东"], LEADER["何丽萍"]]


def test_minutes_give_no_leader_but_the_named_one_not_the_chair() -> None:
    text = (
        "市政府常务会议纪要\n\n9月8日，张立群同志主持召开会议。纪要如下：\n"
        "一、市住建局负责，年底前完成改造。\n二、孙海涛同志牵头，市安监局承办，立即开展排查。\n\n2025年9月10日"
    )
    reading = read(text, directory=DIR)
    assert [p.leader for p in reading.items] == [None, LEADER["孙海涛"]]
    assert "leader" not in reading.items[0].evidence and "leader" not in reading.items[0].confidence


def test_a_headings_leader_for_its_items() -> None:
    text = "工作要点\n一、建立责任清单制度（责任领导：赵明远同志）\n①市委督查室牵头，4月底前制定细则。\n②市政府督查室负责，5月15日前发布。\n二、推行一线工作法\n①市委办公厅负责统计。\n"
    reading = read(text, as_of=None, directory=DIR)
    assert [p.leader for p in reading.items] == [LEADER["赵明远"], LEADER["赵明远"], None]


UNTITLED = """市环保局《关于近期大气污染防治工作情况的报告》

请市环保局会同市工信委、市城管委认真研究，两周内提出具体措施。

这几年全市大气治理取得明显成效，但形势依然严峻。市住建局要加强建筑工地扬尘管控；市公安局要严查高排放车辆，年底前完成黄标车淘汰任务。请刘副市长牵头抓好落实。

立群
3月5日
"""


def test_a_pishi_known_by_its_signer_who_signs_with_his_given_name() -> None:
    reading = read(UNTITLED, as_of=date(2026, 1, 2), directory=DIR)
    assert reading.source == "instruction" and reading.evidence["signer"] == "立群"
    assert reading.as_of == date(2026, 3, 5)
    assert [p.leader for p in reading.items] == [LEADER["张立群"], LEADER["张立群"], LEADER["刘振宇"]]
    assert [p.excerpt[:5] for p in reading.items] == ["请市环保局", "市住建局要", "市公安局要"]


def test_a_signature_with_its_date_on_one_line() -> None:
    assert leaders.signer(["张立群　2026年3月5日"], DIR).id == LEADER["张立群"]  # type: ignore[union-attr]
