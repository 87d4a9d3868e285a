"""Serve the pre-rendered demo site over HTTP/1.1 (keep-alive, conditional GET), quietly.

Each response is one ``write`` of headers plus the ready body bytes, so the standard library's
threading server keeps well ahead of a crawler.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple
from urllib.parse import urlsplit

from crawler.demosite.faults import calendar_page
from crawler.demosite.pages import Page, etag_of
from crawler.demosite.site import Site, build_site
from crawler.demosite.stories import Block

CALENDAR = re.compile(r"/agg/calendar/(\d{4})-(\d{2})\.html")
NOT_FOUND = Page(404, "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404 页面不存在</title></head>"
                      "<body><h1>404 页面不存在</h1><a href=\"/\">返回首页</a></body></html>\n".encode("utf-8"),
                 "text/html; charset=utf-8")


def http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(timezone.utc), usegmt=True)


class DemoHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "newscorpus-demosite/1.0"
    timeout = 60  # an idle keep-alive connection gives its thread back after this

    def do_GET(self) -> None:
        self.respond(send_body=True)

    def do_HEAD(self) -> None:
        self.respond(send_body=False)

    def log_message(self, format: str, *args) -> None:  # quiet: no line per request
        pass

    def respond(self, send_body: bool) -> None:
        self.server.requests.append(Hit(time.time(), self.command, self.path))
        page = self.server.lookup(urlsplit(self.path).path or "/")
        if page.delay:
            time.sleep(page.delay)
        status, body = page.status, page.body
        if status == 200 and self.not_modified(page):
            status, body = 304, b""
        lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", f"Date: {formatdate(usegmt=True)}",
                 f"Server: {self.server_version}", f"Content-Type: {page.content_type}"]
        if status != 304:
            lines.append(f"Content-Length: {len(body)}")
        if page.etag:
            lines.append(f"ETag: {page.etag}")
        if page.last_modified:
            lines.append(f"Last-Modified: {http_date(page.last_modified)}")
        if page.location:
            lines.append(f"Location: {page.location}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head + body if send_body and body else head)

    def not_modified(self, page: Page) -> bool:
        """RFC 9110: If-None-Match wins; If-Modified-Since only counts without it."""
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
            return bool(page.etag) and (page.etag in tags or "*" in tags)
        since = self.headers.get("If-Modified-Since")
        if since and page.last_modified:
            try:
                return page.last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
            except (TypeError, ValueError):
                return False
        return False


class Hit(NamedTuple):
    """One request as the server received it: the request log that politeness tests read."""

    at: float         # time.time() on arrival
    method: str
    path: str         # as requested, query included


class DemoServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int]):
        super().__init__(address, DemoHandler)
        self.site: Site | None = None
        self.requests: list[Hit] = []   # every request received, in arrival order (list.append is thread-safe)

    def lookup(self, path: str) -> Page:
        page = self.site.pages.get(path)
        if page is None and (match := CALENDAR.fullmatch(path)):
            year, month = int(match[1]), int(match[2])
            if 1 <= year <= 9999 and 1 <= month <= 12:
                page = calendar_page(year, month)
        return page or NOT_FOUND

    def handle_error(self, request, client_address) -> None:  # a client that hangs up is not news
        pass


class DemoSite:
    """The bundled demo news site, served from a background thread on 127.0.0.1.

    Example:
        >>> with DemoSite(scale=1, port=0) as site:
        ...     urls = [row["url"] for row in site.ground_truth()]
    """

    def __init__(self, scale: int = 1, port: int = 0, host: str = "127.0.0.1"):
        if scale < 1:
            raise ValueError(f"scale must be a positive integer, got {scale}")
        self.scale, self.host, self.port = scale, host, port
        self.server: DemoServer | None = None
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self.server is None:
            raise RuntimeError("the demo site is not started: use `with DemoSite() as site:` or call start()")
        return f"http://{self.host}:{self.server.server_address[1]}"

    def start(self) -> DemoSite:
        """Bind the port, render every page for that address, and serve in a daemon thread."""
        self.server = DemoServer((self.host, self.port))
        self.server.site = build_site(self.scale, self.url)
        self.thread = threading.Thread(target=self.server.serve_forever, name="demosite", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.thread.join()
            self.server = self.thread = None

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def requests(self) -> list[Hit]:
        """Every request served so far, in arrival order."""
        return list(self.server.requests)

    @property
    def pages(self) -> dict[str, Page]:
        return self.server.site.pages

    def ground_truth(self) -> list[dict]:
        """Which page carries which story: dicts with story, url, outlet, script, variant, topic, kind, published."""
        return [dict(row) for row in self.server.site.ground_truth]

    def edit_article(self, url: str, new_text: str) -> None:
        """Replace an article's story text (paragraphs split on newlines): new ETag and Last-Modified."""
        path = urlsplit(url).path
        site = self.server.site
        if path not in site.articles:
            raise KeyError(f"{url} is not an article of the demo site")
        copy, render_copy = site.articles[path]
        blocks: list[Block] = [("p", line.strip()) for line in new_text.splitlines() if line.strip()]
        copy = replace(copy, blocks=blocks)
        old = site.pages[path]
        page = render_copy(copy)
        now = datetime.now(timezone.utc).replace(microsecond=0)
        page.last_modified = max(now, old.last_modified + timedelta(seconds=1))
        page.etag = etag_of(page.body + page.last_modified.isoformat().encode())
        site.articles[path] = (copy, render_copy)
        site.pages[path] = page
