"""GeoReport v2's two formats from one description of a document. XML is schemaless, without a namespace,
UTF-8 with its declaration; JSON follows the Spark convention the specification names: a container of one
repeated child is an array (so the roots <services>, <service_requests> and <errors> are arrays), an
empty element is null, numbers and booleans are bare. Datetimes are W3C (ISO 8601) in local time with the
offset, e.g. 2026-03-01T09:30:00+08:00."""

import json
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# What XML 1.0 cannot carry at all (stored text never holds it, but an error may echo what a client sent).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Items:
    """A container of repeated children: <tag>…</tag> each in XML, an array in JSON."""

    tag: str
    values: list[Any]


class Number(str):
    """A value JSON shows as a bare number and XML as its digits (lat, long)."""


def w3c(value: datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def coordinate(value: Decimal | None) -> Number | None:
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return Number(text if text not in ("-0", "") else "0")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return w3c(value) or ""
    return "" if value is None else NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for tag, child in value.items():
            _fill(ET.SubElement(element, tag), child)
    elif isinstance(value, Items):
        for child in value.values:
            _fill(ET.SubElement(element, value.tag), child)
    else:
        element.text = _text(value)


def to_xml(root: str, value: Any) -> str:
    element = ET.Element(root)
    _fill(element, value)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode") + "\n"


def _json_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {tag: _json_value(child) for tag, child in value.items()}
    if isinstance(value, Items):
        return [_json_value(child) for child in value.values]
    if isinstance(value, Number):
        return float(value) if "." in value else int(value)
    if isinstance(value, datetime):
        return w3c(value)
    if value == "" or value is None:
        return None
    return value


def to_json(value: Any) -> str:
    return json.dumps(_json_value(value), ensure_ascii=False)


def respond(fmt: str, root: str, value: Any, status: int = 200) -> HttpResponse:
    """The document in the format asked for (xml or json), with the content type the specification gives."""
    body = to_json(value) if fmt == "json" else to_xml(root, value)
    return HttpResponse(body.encode("utf-8"), status=status, content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES["xml"]))


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """<errors><error><code/><description/></error></errors>; the code is the HTTP status."""
    found = Items("error", [{"code": status, "description": d} for d in descriptions])
    return respond(fmt, "errors", found, status=status)
