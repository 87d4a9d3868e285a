"""Record every HTTP exchange: WARC records first, then its ``fetches`` row and the URL's state.

It sits closest to the network (priority 950), so it sees every raw exchange: redirect hops, each
retried attempt, 304s, errors and failed downloads (DNS, timeout, too big), before Scrapy's own
middlewares turn them into something else. A row's ``url`` is the URL the spider asked for and
``final_url`` the one that answered (the WARC-Target-URI); for a redirect hop, ``url`` is the hop's
own URL and ``final_url`` where it points. It also decodes the body once (``decode_html``, the same
evidence the cleaners use) and says what the page is, so the spider parses it without decoding again.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.gz import gunzip

from cleaners.encoding import content_type_charset, decode_html
from cleaners.pages import classify_html, looks_like_html, sniff_xml
from corpus.store import utc_now
from crawler.fetchlog import Fetch
from crawler.sites import parse_duration
from crawler.storage import CrawlStorage
from crawler.warc import fetch_metadata

KIND = "newscorpus_kind"   # request meta: what the spider expects (article, listing, sitemap, feed, robots)
SITE = "newscorpus_site"   # request meta: the site config's name
VIA = "newscorpus_via"     # request meta: how the URL was found (start, sitemap, feed, listing, ...)
HINTS = "newscorpus_hints"  # request meta: what a sitemap or feed said of the page (title, date, ...)
PAGE = "newscorpus_page"   # meta set here: the decoded page for the spider


@dataclass(frozen=True)
class Page:
    """What the spider needs of a fetched body: how to route it and its decoded text."""

    route: str            # robots | sitemap | feed | html | none
    kind: str             # the fetches.kind recorded
    text: str | None
    body: bytes           # decompressed


class CaptureMiddleware:
    def __init__(self, crawler, default_revisit: float | None, max_body: int):
        self.crawler = crawler
        self.default_revisit = default_revisit
        self.max_body = max_body
        self._storage: CrawlStorage | None = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(crawler, parse_duration(settings.get("NEWSCORPUS_REVISIT_AFTER"), "NEWSCORPUS_REVISIT_AFTER"),
                   settings.getint("DOWNLOAD_MAXSIZE"))

    @property
    def storage(self) -> CrawlStorage:
        if self._storage is None:
            self._storage = self.crawler.get_extension(CrawlStorage)
            self._storage.open(self.crawler.spider.sites)
        return self._storage

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
                      revisit_after=self._revisit(site))
        redirect = response.headers.get(b"Location") if 300 <= status < 400 and status != 304 else None
        if redirect and not meta.get("dont_redirect"):
            # A hop: the row says which URL answered with a redirect, and where to.
            fetch.final_url = urljoin(response.url, redirect.decode("latin-1"))
            if self.crawler.spider.claim(fetch.final_url):
                fetch.final, fetch.url = False, request.url
            else:  # the target is fetched anyway: settle this URL as a redirect, do not follow it twice
                meta["dont_redirect"] = True
        elif 200 <= status < 300:
            page = self._page(response, expected, site, fetch)
            meta[PAGE] = page
            fetch.kind = page.kind
        if fetch.final and fetch.final_url != fetch.url and 200 <= status < 300:
            fetch.extra_urls.append(fetch.final_url)
        self.storage.warc.write_metadata(response.url, fetch_metadata(fetch, meta.get(HINTS)), location)
        self.storage.log.fetched(fetch)
        stats = self.crawler.stats
        stats.inc_value("newscorpus/fetches")
        stats.inc_value(f"newscorpus/status/{status}")
        if fetch.final and 200 <= status < 300:
            stats.inc_value(f"newscorpus/kind/{fetch.kind}")
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, IgnoreRequest):
            return None
        site = self._site(request)
        error = f"{type(exception).__name__}: {exception}"[:500]
        fetch = Fetch(
            url=request.meta.get("redirect_urls", [request.url])[0], site=site.name if site else _host(request.url),
            kind=_record_kind(request.meta.get(KIND)), fetched_at=utc_now(), final_url=request.url, error=error,
            via=request.meta.get(VIA))
        self.storage.warc.write_metadata(request.url, fetch_metadata(fetch, request.meta.get(HINTS)))
        self.storage.log.fetched(fetch)
        self.crawler.stats.inc_value("newscorpus/fetches")
        self.crawler.stats.inc_value(f"newscorpus/errors/{type(exception).__name__}")
        return None

    def _site(self, request):
        return self.crawler.spider.sites.get(request.meta.get(SITE))

    def _revisit(self, site) -> float | None:
        if site is None or site.revisit_after == "default":
            return self.default_revisit
        return site.revisit_after

    def _page(self, response, expected: str | None, site, fetch: Fetch) -> Page:
        body = _decompressed(response, self.max_body)
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


def _decompressed(response, max_size: int) -> bytes:
    """The body without Content-Encoding (the WARC keeps it as sent); only what we advertise."""
    encoding = (response.headers.get(b"Content-Encoding") or b"").strip().lower()
    body = response.body
    try:
        if encoding in (b"gzip", b"x-gzip"):
            return gunzip(body, max_size=max_size)
        if encoding == b"deflate":
            try:
                return zlib.decompress(body)
            except zlib.error:
                return zlib.decompress(body, -zlib.MAX_WBITS)
    except (OSError, zlib.error, ValueError):
        return b""
    return body
