"""Log records as JSON lines on standard error, with the request they concern.

One record is one line, its traceback included, so journald and log
collectors keep a 500 together with its request id, path and status.
"""

import json
import logging
import re
import uuid

from django.http import HttpRequest
from django.utils.encoding import escape_uri_path

# nginx's $request_id is 32 hex digits; anything else a client sends is not kept.
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
REQUEST_ID_KEY = "embassy.request_id"


def request_id(request):
    """The proxy's X-Request-ID for this request, or one made for it, once."""
    if REQUEST_ID_KEY not in request.META:
        sent = request.META.get("HTTP_X_REQUEST_ID", "")
        request.META[REQUEST_ID_KEY] = (
            sent if REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex
        )
    return request.META[REQUEST_ID_KEY]


class RequestContext(logging.Filter):
    """Give every record a request id, path and status ("-" when there is none)."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            record.request_id = request_id(request)
            record.path = escape_uri_path(request.path)  # no newline gets in
        else:
            record.request_id = record.path = "-"
        record.status = getattr(record, "status_code", "-")
        return True


class JsonLines(logging.Formatter):
    def format(self, record):
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "path": getattr(record, "path", "-"),
            "status": getattr(record, "status", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
