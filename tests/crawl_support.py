"""Helpers for the crawl tests: run `newscorpus crawl` quickly, read the store and the WARC files."""

from __future__ import annotations

import hashlib
import base64
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from conftest import run_cli

# Test-only speed-ups: no adaptive delay, short retry backoff, no progress line.
FAST = ("--set", "AUTOTHROTTLE_ENABLED=false", "--set", "NEWSCORPUS_RETRY_BACKOFF=0.05",
        "--set", "NEWSCORPUS_PROGRESS=off")


def crawl(home, *args: str, check: bool = True, env: dict | None = None):
    return run_cli("crawl", *args, *FAST, home=home, check=check, env=env)


def rows(home: Path, sql: str, params: tuple = ()) -> list[tuple]:
    db = sqlite3.connect(Path(home) / "store.sqlite")
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def record_at(home: Path, warc_file: str, offset: int):
    """The WARC record at (file, offset), as the store points to it; returns (record, raw payload)."""
    with open(Path(home) / "warc" / warc_file, "rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        return record, record.raw_stream.read()


def all_records(home: Path) -> list[tuple[str, str]]:
    """(record type, target URI) of every record in every WARC file; raises if one is unreadable."""
    found = []
    for path in sorted((Path(home) / "warc").glob("*.warc.gz")):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                record.raw_stream.read()  # as stored: a body's Content-Encoding is the crawler's business
                found.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI")))
    return found


def sha1_digest(payload: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode()


class StaticServer:
    """Serve ``{path: body}`` on 127.0.0.1 as ``text/html`` with no charset, like a careless site."""

    def __init__(self, pages: dict[str, bytes]):
        pages = dict(pages)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                body = pages.get(self.path.split("?")[0])
                status = 200 if body is not None else 404
                body = body if body is not None else b"not found"
                self.send_response(status)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "StaticServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def demo_site_files(folder: Path, url: str, **overrides) -> list[str]:
    """``--site`` arguments for the demo outlets' site files pointed at ``url`` (keys overridden)."""
    import yaml

    from corpus.demo import demo_site_configs

    args = []
    for config in demo_site_configs(url):
        config.update(overrides)
        path = Path(folder) / f"{config['name']}.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
        args += ["--site", str(path)]
    return args


def crawl_demo_sites(folder: Path) -> Path:
    """A workspace in ``folder`` holding one quick crawl of the demo site through its outlets' site files."""
    from crawler.demosite import DemoSite

    with DemoSite(scale=1, port=0) as site:
        crawl(folder / "ws", *demo_site_files(folder, site.url, backfill=None,
                                              politeness={"delay": 0, "concurrency": 8, "autothrottle": False}))
    return folder / "ws"
