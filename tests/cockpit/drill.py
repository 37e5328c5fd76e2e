"""The drill-down check every section's tests use: a cockpit number equals the count its index shows.

Each index a figure links to renders its filtered total as `<… id="result-count" data-count="N">`."""

import re

from django.test import Client

from luoshi.cockpit.shapes import Section

COUNT = re.compile(r'id="result-count"[^>]*\bdata-count="(\d+)"')


def drill_count(client: Client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    found = COUNT.search(response.content.decode())
    assert found, f"no result-count on {url}"
    return int(found.group(1))


def checked_links(client: Client, section: Section) -> int:
    """Asserts every counted number of the section (figures, chart points, trend points) against its index;
    returns how many links it followed, so a test can also assert it followed some."""
    followed = 0
    for f in section["figures"]:
        if f["counted"] and f["url"]:
            assert drill_count(client, f["url"]) == f["value"], (section["key"], f["key"], f["url"])
            followed += 1
    for chart in section["charts"]:
        for s in chart["series"]:
            if s["counted"]:
                for value, url in zip(s["data"], s["urls"], strict=True):
                    if url:
                        assert drill_count(client, url) == value, (section["key"], chart["key"], s["name"], url)
                        followed += 1
    for s in section["trend"]:
        if s["counted"]:
            for value, url in zip(s["data"], s["urls"], strict=True):
                if url:
                    assert drill_count(client, url) == value, (section["key"], "trend", s["name"], url)
                    followed += 1
    return followed
