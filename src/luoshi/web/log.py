"""Logging of refused requests: one line each, no traceback.

A 403 or 404 is the application doing its job (a person tried a page or an action not theirs), not a
fault: Django logs PermissionDenied with its traceback, which buries real errors in the log. 5xx keep
their traceback.
"""

import logging


class OneLineRefusals(logging.Filter):
    """On django.request: a 4xx record loses its traceback and names the refusal's reason instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is None or status >= 500 or not record.exc_info:
            return True
        exception = record.exc_info[1]
        message = record.getMessage()
        reason = " ".join(str(exception).split()) if exception is not None else ""
        record.msg = f"{message} ({reason})" if reason else message
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        return True
