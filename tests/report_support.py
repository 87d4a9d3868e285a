"""Helpers for the report and status tests: store states written with SQL, and headless Chromium.

``Chromium`` drives Debian's chromium over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
NUL-separated JSON on fds 3 and 4), so tests can click and type without a websocket library.
"""

from __future__ import annotations

import hashlib
import json
import os
import select
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import opencc

from corpus.store import utc_now

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-dev-shm-usage", "--remote-debugging-pipe",
]

# Article text is hostile input: each payload would leave a mark if the page ever ran it.
HOSTILE_TITLE = "<script>document.title='PWNED-title'</script>港聞"
HOSTILE_TEXT = ("記者報道：<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">今日天氣晴朗。\n"
                "</script><script>window.__pwned='script';document.title='PWNED'</script>市民外出。\n"
                "<svg onload=\"window.__pwned='svg'\"></svg>\u2028完。")


def add_document(db: sqlite3.Connection, url: str, outlet: str | None, text: str, *, title: str | None = None,
                 published: str | None = None, script: str | None = "zh-Hans", source: str = "crawl") -> int:
    now = utc_now()
    cursor = db.execute(
        "INSERT INTO documents (url, outlet, title, text, published, script, lang, cleaner_version, text_hash, "
        "source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'zh', 'test', ?, ?, ?, ?)",
        (url, outlet, title, text, published, script, hashlib.sha1(text.encode()).hexdigest(), source, now, now))
    return cursor.lastrowid


def add_cluster(db: sqlite3.Connection, cluster_id: str, members: list[tuple[int, float, str]],
                reason: str = "earliest published") -> None:
    """``members``: (doc_id, similarity, method), the canonical first."""
    now = utc_now()
    db.execute("INSERT INTO clusters VALUES (?, ?, ?, ?, ?, ?)", (cluster_id, members[0][0], reason, len(members), now, now))
    db.executemany("INSERT INTO cluster_members VALUES (?, ?, ?, ?)",
                   [(doc_id, cluster_id, similarity, method) for doc_id, similarity, method in members])


def add_reject(db: sqlite3.Connection, url: str, outlet: str, reason: str) -> None:
    db.execute("INSERT INTO rejects (url, outlet, reason, cleaner_version, created_at) VALUES (?, ?, ?, 'test', ?)",
               (url, outlet, reason, utc_now()))


STORY_HK = "香港特區政府今日公布新一輪防疫措施，市民須於室內場所佩戴口罩。衞生署表示，確診個案持續下降。"
STORY_CN = "香港特区政府今日公布新一轮防疫措施，市民须于室内场所佩戴口罩。卫生署表示，确诊个案持续下降。"
STORY_WIRE = "新华社重庆电 重庆市今日召开新闻发布会，介绍长江上游生态保护工作进展。"


def fill_store(db: sqlite3.Connection, undeduplicated: bool = True) -> dict:
    """A small store with every case the report shows; returns the ids the tests look for.

    With ``undeduplicated``, one document is left out of every cluster (as before `dedup` runs).
    """
    ids = {}
    ids["hk"] = add_document(db, "https://hk.example/news/1.htm", "hk", STORY_HK, title="防疫措施公布",
                             published="2025-06-01T08:00:00+08:00", script="zh-Hant")
    ids["morning"] = add_document(db, "https://morning.example/a/1", "morning", STORY_CN + "（完）",
                                  title="防疫措施公布", published="2025-06-02T07:00:00+08:00", script="zh-Hans")
    ids["wire"] = add_document(db, "https://wire.example/w/9", "wire", STORY_WIRE, title="长江生态保护",
                               published="2025-06-03T10:00:00+08:00")
    ids["agg"] = add_document(db, "https://agg.example/r/9", "agg", STORY_WIRE, title="长江生态保护（转载）",
                              published="2025-06-03T12:00:00+08:00")
    ids["agg2"] = add_document(db, "https://agg.example/r/10", "agg", STORY_WIRE + "相关阅读：重庆新闻。",
                               title="长江生态保护", published="2025-06-04T09:00:00+08:00")
    ids["hostile"] = add_document(db, "javascript:alert(1)", "<b>evil</b>", HOSTILE_TEXT, title=HOSTILE_TITLE,
                                  published="2025-05-20T09:00:00+08:00", script="zh-Hant")
    ids["hostile_dup"] = add_document(db, "https://hk.example/news/evil", "hk", HOSTILE_TEXT + "更新", title="港聞",
                                      published="2025-05-21T09:00:00+08:00", script="zh-Hant")
    ids["single"] = add_document(db, "https://morning.example/a/2", "morning", "重庆今日降雨，气温下降。",
                                 title="天气", published="2025-06-05T07:00:00+08:00")
    if undeduplicated:
        ids["loose"] = add_document(db, "https://wire.example/w/10", "wire", "尚未去重的新稿件。", title="新稿")
    add_cluster(db, "c-covid", [(ids["hk"], 1.0, "canonical"), (ids["morning"], 0.93, "near")])
    add_cluster(db, "c-river", [(ids["wire"], 1.0, "canonical"), (ids["agg"], 1.0, "exact"),
                                (ids["agg2"], 0.88, "near")])
    add_cluster(db, "c-evil", [(ids["hostile"], 1.0, "canonical"), (ids["hostile_dup"], 0.95, "near")])
    add_cluster(db, "c-weather", [(ids["single"], 1.0, "canonical")])
    db.execute("INSERT INTO containments VALUES (?, ?, ?)", (ids["agg2"], ids["wire"], 0.97))
    add_reject(db, "https://agg.example/list", "agg", "not-article")
    add_reject(db, "https://hk.example/short", "hk", "too-short")
    add_reject(db, "https://hk.example/short2", "hk", "too-short")
    return ids


def browser_articles() -> list[dict]:
    """Documents to ingest: one story in three copies (one Traditional), a hostile pair, a lone wire story."""
    texts = json.loads((FIXTURES / "report" / "articles.json").read_text("utf-8"))
    to_hk = opencc.OpenCC("s2hk")
    story = texts["chongqing"]
    paragraphs = story.split("\n")
    # The wire's copy: the second paragraph moved to the end, two phrases reworded.
    edited = [paragraphs[0], *paragraphs[2:], paragraphs[1]]
    edited[2] = edited[2].replace("28年来", "二十八年来")
    edited[7] = edited[7].replace("密集亮相", "纷纷亮相")
    return [
        {"url": "https://morning.example/a/1", "source": "morning", "title": "香港成西洽会首个主宾城",
         "published": "2025-06-01T08:00:00+08:00", "text": story},
        {"url": "https://hk.example/n/1", "source": "hk", "title": to_hk.convert("香港成西洽会首个主宾城"),
         "published": "2025-06-02T08:00:00+08:00", "text": to_hk.convert(story)},
        {"url": "https://agg.example/r/1", "source": "agg", "title": "香港成西洽会首个主宾城（转载）",
         "published": "2025-06-03T08:00:00+08:00", "text": story + "\n本文转载自重庆晨报，版权归原作者所有。"},
        {"url": "https://wire.example/w/2", "source": "wire", "title": "香港成为西洽会首个主宾城",
         "published": "2025-06-04T08:00:00+08:00", "text": "\n".join(edited)},
        {"url": "https://evil.example/x", "source": "<b>evil</b>", "title": HOSTILE_TITLE,
         "published": "2025-05-20T08:00:00+08:00", "text": HOSTILE_TEXT + "\n" + texts["hk_a"]},
        {"url": "https://hk.example/n/2", "source": "hk", "title": "港聞",
         "published": "2025-05-21T08:00:00+08:00", "text": HOSTILE_TEXT + "\n" + texts["hk_a"]},
        {"url": "https://wire.example/w/1", "source": "wire", "title": "天氣",
         "published": "2025-06-05T08:00:00+08:00", "text": texts["hk_b"]},
    ]


class Chromium:
    """A headless Chromium tab driven over the DevTools pipe; use as a context manager."""

    def __init__(self, timeout: float = 30.0):
        if CHROMIUM is None:
            raise RuntimeError("chromium is not installed (apt-get install chromium)")
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="report-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_pipes():  # runs in the child: the protocol expects fds 3 (commands in) and 4 (replies out)
            commands, replies = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(commands, 3)
            os.dup2(replies, 4)
            os.set_inheritable(3, True)
            os.set_inheritable(4, True)

        self.process = subprocess.Popen(
            [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            close_fds=False, preexec_fn=wire_pipes)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.session = self.target = None
        self.new_tab()

    def new_tab(self) -> None:
        """Close the current tab and drive a fresh one (its own page, viewport and script state).

        A module of tests shares one browser process this way instead of starting Chromium per test.
        """
        if self.target is not None:
            self.send("Target.closeTarget", targetId=self.target)
        self.session = None
        self.target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=self.target, flatten=True)["sessionId"]

    def send(self, method: str, **params) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if self.session and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]

    def _read(self) -> dict:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buffer:
            if not select.select([self._from_browser], [], [], max(0.0, deadline - time.monotonic()))[0]:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"page error in {expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 15.0):
        """Poll until ``expression`` is truthy in the page (a DOM node counts); return its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value not in (None, False, "", 0):
                return value
            time.sleep(0.05)
        raise TimeoutError(f"the page never satisfied {expression!r}")

    def open(self, url: str) -> None:
        self.send("Page.enable")
        self.send("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete'")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element."""
        x, y = self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); "
                             "e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect(); "
                             "return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def type(self, selector: str, text: str) -> None:
        self.click(selector)
        self.send("Input.insertText", text=text)

    def key(self, key: str) -> None:
        """Press and release one printable key (``n``, ``p``) as a keyboard would."""
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key=key, text=key if kind == "keyDown" else "",
                      code=f"Key{key.upper()}", windowsVirtualKeyCode=ord(key.upper()))

    def viewport(self, width: int, height: int = 900) -> None:
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=width < 600)

    def screenshot(self, path) -> None:
        import base64

        data = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=False)["data"]
        with open(path, "wb") as handle:
            handle.write(base64.b64decode(data))

    def allow_downloads(self, folder) -> None:
        self.send("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(folder))

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> "Chromium":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def add_crawl_run(db: sqlite3.Connection, site: str, fetches: list[tuple[str, int | None, str | None]]) -> tuple[int, list[int]]:
    """A finished crawl run of ``site``; ``fetches`` are (url, status, error). Returns run and fetch ids."""
    now = utc_now()
    db.execute("INSERT OR IGNORE INTO sites VALUES (?, '{}', ?)", (site, now))
    run = db.execute("INSERT INTO crawl_runs (started_at, finished_at, status, sites) VALUES (?, ?, 'finished', ?)",
                     (now, now, json.dumps([site]))).lastrowid
    ids = [db.execute("INSERT INTO fetches (run_id, url, site, kind, status, fetched_at, error, content_type, "
                      "warc_file, warc_offset) VALUES (?, ?, ?, 'article', ?, ?, ?, 'text/html', ?, ?)",
                      (run, url, site, status, now, error, None if error else "a.warc.gz", None if error else 0)
                      ).lastrowid
           for url, status, error in fetches]
    return run, ids


def outlet_watch_section(db: sqlite3.Connection):
    """A stand-in for a section another stage contributes through ``REPORT_SECTIONS``."""
    from corpus.report.sections import Section

    rows = [[outlet, count] for outlet, count in db.execute(
        "SELECT outlet, count(*) FROM documents GROUP BY outlet ORDER BY outlet")]
    return Section(key="outlet_watch", title="Outlet watch", columns=["outlet", "documents"], rows=rows,
                   alerts=["<i>hk</i>: only 10% of article pages gave a document"], note="For the test.")
