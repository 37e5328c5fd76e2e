"""Each unit's dossier and the meeting's agenda, as PDF and DOCX, open and say the unit's facts: what was
late, what was found, what was urged, its talks and its own reports."""

from luoshi.duties.models import Escalation
from luoshi.oversight import analysis_docs, analysis_docx
from luoshi.oversight.analysis_queries import ordered_rows
from luoshi.oversight.analysis_services import do_set_agenda
from luoshi.oversight.models import AnalysisUnit
from tests.duties.test_documents import docx_text
from tests.lists.test_closing_record import pdf_text
from tests.oversight.analysis.conftest import RANKED_AT


def squeeze(text: str) -> str:
    return "".join(text.split())


def row_of(a, unit) -> AnalysisUnit:
    return AnalysisUnit.objects.get(analysis=a, unit=unit)


def expected_in_dossier_of_unit_a(a, city) -> list[str]:
    row = row_of(a, city.unit_a)
    urge = Escalation.objects.filter(unit=city.unit_a, step="urge").order_by("created_at").first()
    assert urge is not None and urge.number
    return [
        "登台剖析材料",
        "市工信委",
        "工信委主任",  # its head
        "推进兰州新区产业园区建设",  # what was late
        f"{row.facts['late_days']}天",
        "园区项目台账不全，进度不实",  # what was found
        "逾期未整改（计分）",
        urge.number,  # what was urged
        f"合计得分{int(row.score)}",
        "第1位",
    ]


def test_the_dossier_pdf_says_the_units_facts(ranked, city, tmp_path):
    text = squeeze(pdf_text(analysis_docs.dossier_pdf(ranked, row_of(ranked, city.unit_a)), tmp_path))
    for words in expected_in_dossier_of_unit_a(ranked, city):
        assert squeeze(words) in text, words


def test_the_dossier_docx_says_the_units_facts(ranked, city):
    text = squeeze(docx_text(analysis_docx.dossier_docx(ranked, row_of(ranked, city.unit_a))))
    for words in expected_in_dossier_of_unit_a(ranked, city):
        assert squeeze(words) in text, words


def test_a_dossier_lists_the_talks_and_the_units_own_reports(ranked, city, tmp_path):
    c = squeeze(docx_text(analysis_docx.dossier_docx(ranked, row_of(ranked, city.unit_c))))
    assert "就清单落实不到位对县长进行提醒谈话" in c and "提醒约谈" in c and "责任清单" in c
    b = squeeze(pdf_text(analysis_docs.dossier_pdf(ranked, row_of(ranked, city.unit_b)), tmp_path))
    assert "园区配套道路完工（申请完成）" in b  # its own report in the period
    assert "逾期9天" in b  # the report due 03-09 was filed on 03-18


def test_the_agenda_names_the_units_in_speaking_order_their_heads_and_the_weights(ranked, city, tmp_path):
    agenda = [r for r in ordered_rows(ranked) if r.chosen]
    text = squeeze(pdf_text(analysis_docs.agenda_pdf(ranked), tmp_path))
    positions = [text.index(r.unit.name) for r in sorted(agenda, key=lambda r: r.speaking_order)]
    assert positions == sorted(positions)
    assert "工信委主任" in text and "督办单每份计5分" in text and "草案" in text
    docx = squeeze(docx_text(analysis_docx.agenda_docx(ranked)))
    assert all(r.unit.name in docx for r in agenda) and "约谈每次计3分" in docx


def test_the_agenda_says_what_the_office_changed_and_why(office, ranked, city):
    do_set_agenda(office, ranked, [city.unit_c.pk, city.unit_a.pk], note="经市委研究，榆中县登台剖析", now=RANKED_AT)
    fields = analysis_docs.agenda_fields(ranked)
    removed = next(r.unit.name for r in ordered_rows(ranked) if not r.chosen and r.unit_id != city.unit_c.pk)
    assert "列入榆中县" in fields.adjustment and f"不再列入{removed}" in fields.adjustment
    assert "经市委研究，榆中县登台剖析" in fields.adjustment
    text = squeeze(docx_text(analysis_docx.agenda_docx(ranked)))
    assert "经市委研究，榆中县登台剖析" in text


def test_a_dossier_costs_a_fixed_number_of_queries(ranked, city, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        analysis_docs.dossier_fields(ranked, row_of(ranked, city.unit_a))
    with django_assert_max_num_queries(4):
        analysis_docs.agenda_fields(ranked)
