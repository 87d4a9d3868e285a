"""Record every HTTP exchange: WARC records first, then its ``fetches`` row and the URL's state.

It sits closest to the network (priority 950), so it sees every raw exchange: redirect hops, each
retried attempt, 304s, errors and failed downloads (DNS, timeout, too big), before Scrapy's own
middlewares turn them into something else. A row's ``url`` is the URL the spider asked for and
``final_url`` the one that answered (the WARC-Target-URI); for a redirect hop, ``url`` is the hop's
own URL and ``final_url`` where it points. The WARC keeps the body as sent; the response handed on
has its Content-Encoding undone (bounded by ``DOWNLOAD_MAXSIZE``, see ``cleaners.content_encoding``),
so Scrapy's HttpCompressionMiddleware is off. A 2xx body is decoded once (``decode_html``, the same
evidence the cleaners use) and classified, so the spider parses it without decoding again. A page
that cannot be decoded is recorded with its reason (``fetches.error``) and a log line, never dropped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from w3lib.url import safe_url_string

from cleaners.content_encoding import ContentEncodingError, decode_content
from cleaners.encoding import content_type_charset, decode_html
from cleaners.pages import classify_html, looks_like_html, sniff_xml
from cleaners.publisher import clean_name, publisher_name
from corpus.store import utc_now
from crawler.discovery import gunzip_capped
from crawler.fetchlog import Fetch
from crawler.frontier import Frontier
from crawler.meta import CLAIMED, FETCH, HINTS, KIND, PAGE, REVISIT, SITE, VIA
from crawler.origins import OriginGuardMiddleware
from crawler.robots import RobotsUnreadable
from crawler.sites import parse_duration
from crawler.storage import CrawlStorage
from crawler.warc import fetch_metadata

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Page:
    """What the spider needs of a fetched body: how to route it and its decoded text."""

    route: str            # robots | sitemap | feed | html | none
    kind: str             # the fetches.kind recorded
    text: str | None
    body: bytes           # without Content-Encoding (and gunzipped, for a .xml.gz sitemap)


class CaptureMiddleware:
    def __init__(self, crawler, default_revisit: float | None, max_body: int, sitemap_max: int):
        self.crawler = crawler
        self.default_revisit = default_revisit
        self.max_body = max_body
        self.sitemap_max = sitemap_max
        self._storage: CrawlStorage | None = None
        self._guard: OriginGuardMiddleware | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(crawler, parse_duration(settings.get("NEWSCORPUS_REVISIT_AFTER"), "NEWSCORPUS_REVISIT_AFTER"),
                   settings.getint("DOWNLOAD_MAXSIZE"), settings.getint("NEWSCORPUS_SITEMAP_MAX_SIZE"))

    @property
    def storage(self) -> CrawlStorage:
        if self._storage is None:
            self._storage = self.crawler.get_extension(CrawlStorage)
            self._storage.open(self.crawler.spider.sites)
        return self._storage

    @property
    def frontier(self) -> Frontier:
        return self.storage.frontier

    def _follows(self, url: str) -> bool:
        """Will the origin guard let a redirect to ``url`` through? (refused hops settle the URL)"""
        if self._guard is None:
            self._guard = self.crawler.get_downloader_middleware(OriginGuardMiddleware)
        return self._guard is None or self._guard.static_refusal(url) is None

    def process_response(self, request, response):
        meta = request.meta
        site = self._site(request)
        expected = meta.get(KIND)
        status = response.status
        location = self.storage.warc.write_exchange(
            response.url, request.method, _request_headers(request), status, _reason(status),
            _header_pairs(response.headers), response.body, _ip(response))
        fetch = Fetch(url=meta.get("redirect_urls", [request.url])[0], site=site.name if site else _host(request.url),
                      kind=_record_kind(expected), fetched_at=utc_now(), final_url=response.url, status=status,
                      content_type=_header(response, b"Content-Type"), content_length=len(response.body),
                      content_hash=location.payload_digest, etag=_header(response, b"ETag"),
                      last_modified=_header(response, b"Last-Modified"), warc_file=location.file,
                      warc_offset=location.offset, warc_length=location.length, via=meta.get(VIA),
                      revisit_after=meta.get(REVISIT, self._revisit(site)))
        redirect = response.headers.get(b"Location") if 300 <= status < 400 and status != 304 else None
        if redirect and not meta.get("dont_redirect"):
            # A hop: the row says which URL answered with a redirect, and where to.
            fetch.final_url = urljoin(request.url, safe_url_string(redirect))  # as RedirectMiddleware builds it
            if self._follows(fetch.final_url) and self.frontier.claim(fetch.final_url):
                fetch.final, fetch.url = False, request.url
                meta[CLAIMED] = fetch.final_url
            else:  # fetched anyway, or refused: settle this URL as a redirect, do not follow it
                meta["dont_redirect"] = True
        response = self._decoded(response, fetch)
        page = None
        if 200 <= status < 300 and fetch.error is None:
            page = self._page(response, expected, site, fetch)
            meta[PAGE] = page
            fetch.kind = page.kind
        fetch.outlet = self._outlet(site, response.url, page, meta.get(HINTS), answered=True)
        if fetch.final and fetch.final_url != fetch.url and 200 <= status < 300:
            fetch.extra_urls.append(fetch.final_url)
        meta[FETCH] = fetch
        self.storage.warc.write_metadata(response.url, fetch_metadata(fetch, meta.get(HINTS)), location)
        self.frontier.fetched(fetch)
        stats = self.crawler.stats
        stats.inc_value("newscorpus/fetches")
        stats.inc_value(f"newscorpus/status/{status}")
        if fetch.final and 200 <= status < 300:
            stats.inc_value(f"newscorpus/kind/{fetch.kind}")
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, IgnoreRequest) and not isinstance(exception, RobotsUnreadable):
            return None  # refused on purpose; a page withheld because robots.txt is unreadable is a failure
        site = self._site(request)
        error = f"{type(exception).__name__}: {exception}"[:500]
        fetch = Fetch(
            url=request.meta.get("redirect_urls", [request.url])[0], site=site.name if site else _host(request.url),
            kind=_record_kind(request.meta.get(KIND)), fetched_at=utc_now(), final_url=request.url, error=error,
            via=request.meta.get(VIA))
        fetch.outlet = self._outlet(site, request.url)
        self.storage.warc.write_metadata(request.url, fetch_metadata(fetch, request.meta.get(HINTS)))
        self.frontier.fetched(fetch)
        self.crawler.stats.inc_value("newscorpus/fetches")
        self.crawler.stats.inc_value(f"newscorpus/errors/{type(exception).__name__}")
        return None

    def _site(self, request):
        return self.crawler.spider.sites.get(request.meta.get(SITE))

    def _outlet(self, site, url: str, page: Page | None = None, hints: dict | None = None,
                answered: bool = False) -> str | None:
        """Who published ``url``, on an ad hoc site (``crawler/outlets.py``); None: the site's name."""
        if site is None or not site.outlet_from_pages:
            return None
        outlets = self.storage.outlets
        if page is not None and page.route in ("sitemap", "feed"):
            outlets.announce(url)
        said = publisher_name(page.text) if page is not None and page.route == "html" and page.text else None
        return outlets.outlet_of(url, said or clean_name((hints or {}).get("news:publication")), answered)

    def _revisit(self, site) -> float | None:
        if site is None or site.revisit_after == "default":
            return self.default_revisit
        return site.revisit_after

    def _decoded(self, response, fetch: Fetch):
        """The response without Content-Encoding; undecodable bodies become empty, with the reason."""
        header = response.headers.get(b"Content-Encoding")
        if not header:
            return response
        try:
            body = decode_content(response.body, header, self.max_body)
        except ContentEncodingError as error:
            body = b""
            self._unreadable(fetch, f"content-encoding: {error}")
        headers = response.headers.copy()
        del headers[b"Content-Encoding"]
        return response.replace(body=body, headers=headers)

    def _unreadable(self, fetch: Fetch, reason: str) -> None:
        fetch.error, fetch.kind = reason[:500], "other"
        self.crawler.stats.inc_value(f"newscorpus/unreadable/{reason.split(':')[0]}")
        logger.warning("%s: recorded, not parsed: %s", fetch.final_url or fetch.url, reason)

    def _page(self, response, expected: str | None, site, fetch: Fetch) -> Page:
        try:
            return self._analyse(response, expected, site, fetch)
        except Exception as error:  # one page that breaks a parser must not stop the crawl
            self._unreadable(fetch, f"{type(error).__name__}: {error}")
            return Page("none", "other", None, b"")

    def _analyse(self, response, expected: str | None, site, fetch: Fetch) -> Page:
        body = response.body
        if expected == "sitemap" and body.startswith(b"\x1f\x8b"):  # sitemap.xml.gz, served as a file
            try:
                body = gunzip_capped(body, self.sitemap_max)
            except ValueError as error:
                self._unreadable(fetch, f"sitemap: {error}")
                return Page("none", "other", None, b"")
        xml = sniff_xml(body)
        if expected == "robots":
            route, kind = "robots", "other"
        elif xml:
            route = kind = xml
        elif looks_like_html(body):
            route = "html"
        else:
            fetch.encoding_evidence = {"skipped": "not HTML or XML"}
            return Page("none", "other", None, body)
        decoded = decode_html(body, content_type_charset(fetch.content_type), site.encoding if site else None)
        fetch.encoding, fetch.encoding_evidence = decoded.encoding, decoded.evidence
        if route == "html":
            kind, signal = classify_html(response.url, decoded.text, site.article_patterns if site else (),
                                         site.listing_patterns if site else ())
            self.crawler.stats.inc_value(f"newscorpus/kind_signal/{kind}/{signal}")
        return Page(route, kind, decoded.text, body)


def _record_kind(expected: str | None) -> str:
    return expected if expected in ("article", "listing", "sitemap", "feed") else "other"


def _host(url: str) -> str:
    return urlsplit(url).hostname or "unknown"


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _ip(response) -> str | None:
    address = getattr(response, "ip_address", None)
    return str(address) if address is not None else None


def _header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value is not None else None


def _header_pairs(headers) -> list[tuple[str, str]]:
    return [(key.decode("latin-1"), value.decode("latin-1")) for key, values in headers.items() for value in values]


def _request_headers(request) -> list[tuple[str, str]]:
    pairs = _header_pairs(request.headers)
    if not any(key.lower() == "host" for key, _ in pairs):
        pairs.insert(0, ("Host", urlsplit(request.url).netloc))
    return pairs
