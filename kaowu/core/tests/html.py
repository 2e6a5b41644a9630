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
