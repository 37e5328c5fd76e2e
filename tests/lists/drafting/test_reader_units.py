"""Units by name and short name, longest first, and their roles from the wording."""

import pytest

from luoshi.lists.drafting.units import mentions, roles

from .demo_org import DEPARTMENTS, DIR, DISTRICTS, UNIT


def test_full_names_and_short_names_are_the_unit() -> None:
    found = mentions("市工业和信息化委员会、工信委、城关区人民政府、市城管委", DIR)
    assert [m.ids[0] for m in found] == [UNIT["市工信委"], UNIT["市工信委"], UNIT["城关区"], UNIT["市城市管理委员会"]]


def test_a_districts_party_committee_is_not_the_district() -> None:
    assert mentions("城关区委、榆中县委、各县区委，城关区人大", DIR) == []
    assert [m.ids for m in mentions("城关区委托城关区政府", DIR)] == [(UNIT["城关区"],)]


def test_a_short_name_of_another_level_is_not_the_citys() -> None:
    assert mentions("对接省发改委、国家发改委", DIR) == []
    assert [m.text for m in mentions("城关区住建局、市住建局、住建局", DIR)] == ["城关区", "市住建局", "住建局"]
    assert [m.text for m in mentions("榆中县和平镇、皋兰县什川镇", DIR)] == ["榆中县", "和平镇", "皋兰县", "什川镇"]


def test_longest_name_first() -> None:
    found = mentions("报市委办公厅督查室备案", DIR)
    assert [m.ids for m in found] == [(UNIT["市委督查室"],)]


@pytest.mark.parametrize(
    ("text", "lead", "co"),
    [
        ("市人社局牵头，市住建局、市交通委配合，开展专项行动。", "市人社局", ["市住建局", "市交通运输委员会"]),
        (
            "由市住建局负责，会同市国土资源局、市财政局和城关区，加快推进。",
            "市住建局",
            ["市国土资源局", "市财政局", "城关区"],
        ),
        ("市商务局会同市农委、市食药局做好储备投放。", "市商务局", ["市农委", "市食药局"]),
        ("市安监局要会同市公安局立即开展检查。", "市安监局", ["市公安局"]),
        ("刘振宇同志负责，市工信委具体承办，开展走访。", "市工信委", []),
        ("西固区政府负责，市环保局协助，完成环评。", "西固区", ["市环保局"]),
        ("市扶贫办牵头，市委农办、市农委参与，开展回头看。", "市扶贫办", ["市委农村工作办公室", "市农委"]),
        ("牵头单位：市发改委\n配合单位：市财政局、市国土局", "市发改委", ["市财政局", "市国土资源局"]),
        ("市卫生计生委、市民政局负责，落实救助政策。", "市卫生计生委", ["市民政局"]),
        ("市公安局、市食药局要开展联合整治。", "市公安局", ["市食药局"]),  # no role word: the first leads
        ("红古区要抓紧做好综合治理工作，市旅游局协助。", "红古区", ["市旅游局"]),
        ("市规划局负责，对城关区、七里河区的项目开辟绿色通道。", "市规划局", []),  # places, not co units
    ],
)
def test_roles(text: str, lead: str, co: list[str]) -> None:
    got = roles(text, DIR)
    assert got.lead == UNIT[lead]
    assert set(got.co) == {UNIT[n] for n in co}
    assert got.lead_evidence
    assert 0 < got.lead_confidence <= 1
    assert bool(got.co_evidence) == bool(co)


def test_every_district_and_department() -> None:
    got = roles("市信访局牵头，各县区配合，集中化解积案。", DIR)
    assert got.lead == UNIT["市信访局"] and set(got.co) == DISTRICTS
    got = roles("市政务服务中心牵头，市直各部门配合。", DIR)
    assert got.lead == UNIT["市政务服务中心"] and set(got.co) == DEPARTMENTS - {UNIT["市政务服务中心"]}


def test_an_expansion_never_leads() -> None:
    got = roles("由各县区负责督促整改，5个工作日内整改到位。", DIR)
    assert got.lead is None and not got.lead_evidence and got.lead_confidence == 0
    assert set(got.co) == DISTRICTS
    got = roles("各县区要在年内完成整顿，市委组织部负责督导。", DIR)
    assert got.lead == UNIT["市委组织部"] and set(got.co) == DISTRICTS


def test_collective_words_and_no_unit_give_nothing() -> None:
    got = roles("各级各部门、各参建单位和有关单位要认真做好年终各项工作。", DIR)
    assert got.lead is None and got.co == [] and not got.lead_evidence and not got.co_evidence
