"""Download the printable urge notice (催办通知) or supervision order (督办单) as PDF or DOCX."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from luoshi.duties import documents, queries
from luoshi.events.services import record_export
from luoshi.pages import Request

RENDERERS = {
    "pdf": (documents.notice_pdf, documents.PDF_TYPE),
    "docx": (documents.notice_docx, documents.DOCX_TYPE),
}


@login_required
@require_safe
def download(request: Request, escalation_id: int, fmt: str) -> HttpResponse:
    """Whoever sees the escalation may print it; reminders and talk proposals have no document (404)."""
    if fmt not in RENDERERS:
        raise Http404
    esc = get_object_or_404(queries.visible_escalations(request.user), pk=escalation_id)
    if not documents.is_printable(esc):
        raise Http404
    render, content_type = RENDERERS[fmt]
    response = HttpResponse(render(esc), content_type=content_type)
    filename = documents.filename(esc, fmt)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or "attachment"
    patch_cache_control(response, private=True, no_store=True)
    record_export(request.user, "notice", fmt, subject=("escalation", esc.pk), step=esc.step)
    return response
