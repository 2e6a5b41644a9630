"""Looking into rendered pages: the links of a page that point to another host (every page must load
only our own assets)."""

from html.parser import HTMLParser
from urllib.parse import urlparse


class LinkCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"src", "href", "action", "data", "poster", "srcset"} and value:
                self.links.append(value)


def external_links(html: str) -> list[str]:
    collector = LinkCollector()
    collector.feed(html)
    return [link for link in collector.links if urlparse(link).netloc or link.startswith("//")]


class FormCollector(HTMLParser):
    """The values a browser would send for the forms of a page: inputs (checked boxes only), selected
    options and text areas, in document order as (name, value) pairs."""

    def __init__(self):
        super().__init__()
        self.pairs: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.pairs.append((name, attrs.get("value") or "on"))
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                self.pairs.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.pairs.append((self._select, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.pairs.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None


def form_values(html: str) -> dict[str, str]:
    """The page's form fields and their current values (the last one of a name wins)."""
    collector = FormCollector()
    collector.feed(html)
    return dict(collector.pairs)
