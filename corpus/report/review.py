"""``newscorpus review``: the report served on loopback, with a small JSON API that records decisions.

Stdlib ``ThreadingHTTPServer``; nothing else is reachable through it. Each write must carry the
session's CSRF token (random per server start, embedded only in the page this server serves; a
page of another origin cannot read it), a ``Host`` naming this server (no DNS rebinding) and, when
the browser sends one, a matching ``Origin``. Anything else gets 403. Bodies are capped, decisions
are validated like any input (``corpus.decisions.parse_decision``) and stored in one transaction.
Those one-row writes do not take the workspace lock, so an open review session never keeps a
scheduled run from starting; the next ``dedup`` applies what was stored.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from corpus.decisions import DecisionError, add_decisions, decision_statuses, list_decisions, parse_decision
from corpus.report.build import decision_json, read_content
from corpus.report.render import REVIEW_CSP, render_html
from corpus.report.settings import ReportSettings
from corpus.workspace import Workspace

REVIEW_DEFAULT_HOST = "127.0.0.1"
REVIEW_DEFAULT_PORT = 8765
REVIEW_MAX_BODY_BYTES = 1 << 20   # one decision: 500 URLs of 2 KiB at most
TOKEN_HEADER = "X-Newscorpus-Token"
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Cache-Control": "no-store",
                    "Referrer-Policy": "no-referrer", "Cross-Origin-Resource-Policy": "same-origin"}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class ReviewSession:
    workspace: Workspace
    settings: ReportSettings
    editor: str | None
    token: str


class ReviewServer(ThreadingHTTPServer):
    """The review app; ``serve_forever()`` until ``shutdown()``. ``url`` is where it listens."""

    daemon_threads = True

    def __init__(self, workspace: Workspace, host: str = REVIEW_DEFAULT_HOST, port: int = REVIEW_DEFAULT_PORT,
                 editor: str | None = None, settings: ReportSettings | None = None):
        self.session = ReviewSession(workspace, settings or ReportSettings(), editor, secrets.token_urlsafe(32))
        self.write_lock = threading.Lock()
        super().__init__((host, port), ReviewHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    def allowed_hosts(self) -> set[str]:
        host, port = self.server_address[:2]
        names = {host, f"[{host}]"} | ({"localhost", "127.0.0.1"} if is_loopback(host) else set())
        return {f"{name}:{port}" for name in names}


class ReviewHandler(BaseHTTPRequestHandler):
    server: ReviewServer
    server_version = "newscorpus-review"
    sys_version = ""

    def log_message(self, format: str, *args) -> None:  # quiet: the terminal shows the URL and errors only
        """No access log."""

    def do_GET(self) -> None:
        if not self.host_ok():
            return self.fail(HTTPStatus.FORBIDDEN, "unknown Host header")
        path = self.path.split("?", 1)[0]
        if path == "/":
            return self.send(HTTPStatus.OK, self.page().encode("utf-8"), "text/html; charset=utf-8")
        if path == "/api/decisions":
            with self.server.session.workspace.open_store() as store:
                statuses = decision_statuses(store.conn, list_decisions(store.conn))
            return self.send_json(HTTPStatus.OK, {"decisions": [decision_json(s) for s in statuses]})
        return self.fail(HTTPStatus.NOT_FOUND, "not found")

    def do_POST(self) -> None:
        if self.path != "/api/decisions":
            return self.fail(HTTPStatus.NOT_FOUND, "not found")
        problem = self.write_refusal()
        if problem:
            return self.fail(HTTPStatus.FORBIDDEN, problem)
        if self.headers.get_content_type() != "application/json":
            return self.fail(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "send application/json")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return self.fail(HTTPStatus.LENGTH_REQUIRED, "Content-Length required")
        if not 0 < length <= REVIEW_MAX_BODY_BYTES:
            return self.fail(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"a decision is at most {REVIEW_MAX_BODY_BYTES} bytes")
        try:
            decision = parse_decision(json.loads(self.rfile.read(length).decode("utf-8")), origin="review")
        except (DecisionError, ValueError, RecursionError) as error:
            reason = str(error) if isinstance(error, DecisionError) else "the body is not JSON"
            return self.fail(HTTPStatus.BAD_REQUEST, reason)
        with self.server.write_lock, self.server.session.workspace.open_store() as store:
            with store.transaction() as db:
                added, _ = add_decisions(db, [decision])
            stored = added[0] if added else next(d for d in list_decisions(store.conn) if d.digest == decision.digest)
        self.send_json(HTTPStatus.CREATED if added else HTTPStatus.OK, {"id": stored.id, **stored.to_json()})

    def do_PUT(self) -> None:
        self.fail(HTTPStatus.METHOD_NOT_ALLOWED, "GET or POST only")

    do_DELETE = do_PATCH = do_PUT

    def host_ok(self) -> bool:
        return self.headers.get("Host", "") in self.server.allowed_hosts()

    def write_refusal(self) -> str | None:
        """Why this write is refused (None: accept): Host, Origin, then the CSRF token."""
        if not self.host_ok():
            return "unknown Host header"
        origin = self.headers.get("Origin")
        if origin is not None and origin.removeprefix("http://") not in self.server.allowed_hosts():
            return "cross-origin write refused"
        token = self.headers.get(TOKEN_HEADER, "")
        if not hmac.compare_digest(token.encode(), self.server.session.token.encode()):
            return "missing or wrong CSRF token: reload the review page"
        return None

    def page(self) -> str:
        session = self.server.session
        content = read_content(session.workspace, session.settings)
        return render_html(content.data, generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                           home=str(session.workspace.home), settings=session.settings, sections=content.sections,
                           decisions=content.decisions, copies=content.copies,
                           review={"token": session.token, "editor": session.editor})

    def send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", REVIEW_CSP + "; frame-ancestors 'none'")
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, status: HTTPStatus, data: dict) -> None:
        self.send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def fail(self, status: HTTPStatus, message: str) -> None:
        self.send_json(status, {"error": message})
