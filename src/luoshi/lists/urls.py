from django.urls import path

from luoshi.lists import (
    closing,
    views_changes,
    views_drafting,
    views_drafts,
    views_import,
    views_index,
    views_loop,
    views_report,
)

app_name = "lists"
urlpatterns = [
    path("", views_index.index, name="index"),
    path("export.<str:fmt>", views_index.export, name="export"),  # fmt: csv | xlsx
    path("inbox/", views_index.inbox, name="inbox"),
    path("leader/", views_index.leader, name="leader"),
    path("overview/", views_index.overview, name="overview"),
    path("new/", views_drafts.create, name="create"),
    path("import/", views_import.upload, name="import"),
    path("import/template.xlsx", views_import.template, name="import_template"),
    # Drafts from a pasted or uploaded 批示 or minutes, and a document read before.
    path("from-text/", views_drafting.from_text, name="from_text"),
    path("from-text/<int:source_text_id>/", views_drafting.document, name="from_text_document"),
    path("<int:list_id>/", views_loop.loop, name="loop"),
    path("<int:list_id>/edit/", views_drafts.edit_draft, name="edit"),
    path("<int:list_id>/delete/", views_drafts.delete_draft, name="delete"),
    path("<int:list_id>/publish", views_loop.publish, name="publish"),
    path("<int:list_id>/report", views_loop.report, name="report"),
    # The phone's report page, prefilled from the unit's last report (GET and POST).
    path("<int:list_id>/report/<int:unit_id>/", views_report.report_page, name="report_page"),
    path("<int:list_id>/accept", views_loop.accept, name="accept"),
    path("<int:list_id>/return", views_loop.return_completion, name="return"),
    path("<int:list_id>/extension", views_loop.request_extension, name="extension"),
    path("extensions/<int:extension_id>/decide", views_loop.decide_extension, name="decide_extension"),
    path("<int:list_id>/close", views_loop.close, name="close"),
    path("<int:list_id>/closing-record.<str:fmt>", closing.download, name="closing_record"),  # pdf | docx
    # Changes of a published list (the office's) and a unit's transfer request.
    path("<int:list_id>/changes/", views_changes.page, name="changes"),
    path("<int:list_id>/changes/fields", views_changes.change_fields, name="change_fields"),
    path("<int:list_id>/changes/add-unit", views_changes.add_unit, name="add_unit"),
    path("<int:list_id>/changes/withdraw-unit", views_changes.withdraw_unit, name="withdraw_unit"),
    path("<int:list_id>/changes/transfer", views_changes.transfer, name="transfer"),
    path("<int:list_id>/changes/suspend", views_changes.suspend, name="suspend"),
    path("<int:list_id>/changes/resume", views_changes.resume, name="resume"),
    path("<int:list_id>/changes/cancel", views_changes.cancel, name="cancel"),
    path("transfer-requests/<int:request_id>/decide", views_changes.decide_transfer, name="decide_transfer"),
    path("<int:list_id>/transfer-request/", views_changes.request_transfer, name="request_transfer"),
]
