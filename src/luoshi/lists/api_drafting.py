"""POST /api/v1/lists/drafts-from-text (filled in by this issue)."""

from ninja import Router

router = Router(tags=["lists"])
