"""A hostile web site for the crawl tests: a threaded HTTP server on 127.0.0.1 serving what attackers serve.

Each test builds the routes it needs (``site.route(path, body, ...)``) once the port is known, so a
page can point at the server itself, at a second server (the "internal service" a crawl must never
reach) or at local files. Every request is logged (``site.requested``), so a test can assert what
was never asked for, whatever the crawler recorded. Bounded: responses are at most ``delay`` seconds
late, the server runs in daemon threads and is shut down by the context manager.
"""

from __future__ import annotations

import gzip
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Long paragraphs, so the crawler classifies a page as an article by its text shape.
ARTICLE_TEXT = "本报讯 市政府今天公布了新的交通规划，预计明年开始分阶段实施，涉及多条公交线路的调整和站点的重新设置。"


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay: float = 0.0        # seconds before answering (a slow robots.txt)


def article(title: str, text: str = ARTICLE_TEXT, charset_meta: str | None = None, encoding: str = "utf-8") -> bytes:
    meta = f'<meta charset="{charset_meta or encoding}">'
    paragraphs = "".join(f"<p>{text}{i}</p>" for i in range(4))
    return f"<!doctype html><html><head>{meta}<title>{title}</title></head><body><h1>{title}</h1>{paragraphs}" \
           f"</body></html>".encode(encoding)


def listing(links: list[str], feeds: list[str] = ()) -> bytes:
    anchors = "".join(f'<li><a href="{href}">link</a></li>' for href in links)
    alternates = "".join(f'<link rel="alternate" type="application/rss+xml" href="{href}">' for href in feeds)
    return f"<!doctype html><html><head><meta charset='utf-8'>{alternates}<title>index</title></head>" \
           f"<body><ul>{anchors}</ul></body></html>".encode()


def rss(links: list[str]) -> bytes:
    items = "".join(f"<item><title>t{i}</title><link>{href}</link></item>" for i, href in enumerate(links))
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>f</title>{items}' \
           f"</channel></rss>".encode()


def sitemap(links: list[str], gzipped: bool = False) -> bytes:
    urls = "".join(f"<url><loc>{href}</loc></url>" for href in links)
    body = f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' \
           f"{urls}</urlset>".encode()
    return gzip.compress(body) if gzipped else body


class HostileSite:
    """Serve ``routes`` on 127.0.0.1 at a free port; unknown paths answer 404."""

    def __init__(self):
        self.routes: dict[str, Route] = {}
        self.requested: list[str] = []
        lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                with lock:
                    site.requested.append(self.path)
                route = site.routes.get(self.path.split("?")[0]) or Route(b"not found", 404)
                if route.delay:
                    time.sleep(route.delay)
                try:
                    self.send_response(route.status)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(route.body)))
                    self.end_headers()
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):  # the crawler stopped reading: fine
                    self.close_connection = True

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def route(self, path: str, body: bytes = b"", status: int = 200, headers: dict[str, str] | None = None,
              delay: float = 0.0) -> None:
        self.routes[path] = Route(body, status, headers if headers is not None else Route().headers, delay)

    def __enter__(self) -> HostileSite:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
