"""登台剖析's documents as downloads, for the web and the API: each one an audited read of the analysis
(they hold talks) and an export, never cached."""

from collections.abc import Callable

from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from luoshi import printing, sheets
from luoshi.events.services import audit_read, record_export
from luoshi.org.models import Person
from luoshi.oversight.analysis_docs import AGENDA_TITLE, DOSSIER_TITLE, agenda_pdf, dossier_pdf
from luoshi.oversight.models import Analysis, AnalysisUnit


def _renderers() -> dict[str, tuple[Callable[..., bytes], Callable[..., bytes], str]]:
    from luoshi.oversight import analysis_docx  # python-docx is imported when a DOCX is asked for

    return {
        "pdf": (dossier_pdf, agenda_pdf, printing.PDF_TYPE),
        "docx": (analysis_docx.dossier_docx, analysis_docx.agenda_docx, printing.DOCX_TYPE),
    }


FORMATS = ("pdf", "docx")


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = sheets.attachment(content, content_type, name)
    patch_cache_control(response, private=True, no_store=True)
    return response


def dossier_download(a: Analysis, row: AnalysisUnit, fmt: str, person: Person) -> HttpResponse:
    """The dossier as a download: an audited read of the analysis for the unit, and an export."""
    render, _agenda, content_type = _renderers()[fmt]
    response = _download(render(a, row), content_type, f"{DOSSIER_TITLE}-{row.unit.name}-{a.meeting_on}.{fmt}")
    audit_read(person, "analysis", a.pk, unit_id=row.unit_id)
    record_export(person, "analysis_dossier", fmt, subject=("analysis", a.pk), unit_id=row.unit_id)
    return response


def agenda_download(a: Analysis, fmt: str, person: Person) -> HttpResponse:
    _dossier, render, content_type = _renderers()[fmt]
    response = _download(render(a), content_type, f"{AGENDA_TITLE}-{a.meeting_on}.{fmt}")
    audit_read(person, "analysis", a.pk)
    record_export(person, "analysis_agenda", fmt, subject=("analysis", a.pk))
    return response
