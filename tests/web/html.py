"""Reading the rendered pages: the navbar's links and the cells of card tables."""

from html.parser import HTMLParser


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.nav_links: list[tuple[str, bool]] = []  # (href, is current page) inside #nav-main
        self.tables: dict[str, dict] = {}  # id -> {"heads": [...], "rows": [[(label, text)]]}
        self._table: dict | None = None
        self._cell: list | None = None
        self._in_head = False

    def _inside(self, key: str, value: str) -> bool:
        return any(value in attrs.get(key, "").split() for _tag, attrs in self.stack)

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "a" and any(a.get("id") == "nav-main" for _t, a in self.stack):
            self.nav_links.append((attrs.get("href", ""), attrs.get("aria-current") == "page"))
        if tag == "table" and "ls-cards" in attrs.get("class", "").split():
            self._table = self.tables.setdefault(attrs.get("id", str(len(self.tables))), {"heads": [], "rows": []})
        elif self._table is not None:
            if tag == "thead":
                self._in_head = True
            elif tag == "tr" and not self._in_head:
                self._table["rows"].append([])
            elif tag in ("td", "th"):
                self._cell = [attrs.get("data-label"), ""]
        if tag not in ("br", "img", "input", "meta", "link", "hr"):
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break
        if self._table is None:
            return
        if tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None:
            label, text = self._cell[0], " ".join(self._cell[1].split())
            if self._in_head:
                self._table["heads"].append(text)
            else:
                self._table["rows"][-1].append((label, text))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell[1] += data


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def nav_links(html: str) -> list[str]:
    return [href for href, _current in parse(html).nav_links if href != "#"]


def card_tables(html: str) -> dict[str, dict]:
    return parse(html).tables
