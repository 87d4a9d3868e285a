"""Where a crawl may send requests: http(s) only, inside its sites' origins, never to internal addresses.

The rule, for every request (links, sitemap and feed entries, redirects, robots.txt):

1. the scheme is ``http`` or ``https`` and the URL parses (host, port in range, valid IDNA);
2. the host is inside a site's ``allowed_domains`` (paths are the spider's business) and the port is the scheme's default port or
   the port of a URL the user configured on that host (``http://127.0.0.1:8410/`` allows 8410,
   not 8411);
3. the host's resolved address is public, unless the exact origin (scheme, host, port) is one the
   user configured (a start URL, sitemap, feed or back-fill template). ``NEWSCORPUS_PRIVATE_ADDRESSES``
   sets this: ``configured`` (default), ``never`` or ``any`` (an intranet crawl).

So a page can make the crawler fetch only what its user pointed it at: no ``file://``, no
loopback, private or link-local service, no other port of the same host.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future

DEFAULT_PORTS = {"http": 80, "https": 443}
PRIVATE_MODES = ("configured", "never", "any")

Origin = tuple[str, str, int]


def origin(url: str) -> Origin:
    """(scheme, host, port) of an absolute URL, the port made explicit.

    Raises:
        ValueError: not http(s), no host, a port out of range.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"scheme {scheme or 'none'!r} is not http(s)")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValueError("no host")
    return scheme, host, parts.port or DEFAULT_PORTS[scheme]


def url_problem(url: str) -> str | None:
    """``bad-scheme`` or ``bad-url`` for a URL no request should be made for, else None.

    ``Request()`` may still raise on what passes (bad IDNA): the caller catches that as ``bad-url``.
    """
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in DEFAULT_PORTS:
        return "bad-scheme"
    try:
        origin(url)
    except ValueError:
        return "bad-url"
    return None


def is_public(address: str) -> bool:
    """An address on the public internet (not loopback, private, link-local, reserved, multicast)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def ip_literal(host: str) -> str | None:
    """The host itself if it is an IP address (``127.0.0.1``, ``::1``), else None."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def _origin_key(url: str) -> str:
    """``scheme://netloc`` of a URL, cheaply (the cache key of the guard's verdicts)."""
    scheme, _, rest = url.partition("://")
    return f"{scheme.lower()}://{rest.split('/', 1)[0].split('?', 1)[0].split('#', 1)[0]}"


class OriginPolicy:
    """Args:
        configured: the origins of every URL the user gave (start URLs, sitemaps, feeds, templates).
        private: ``configured`` | ``never`` | ``any`` (see the module docstring).
    """

    def __init__(self, configured: set[Origin], private: str = "configured"):
        if private not in PRIVATE_MODES:
            raise ValueError(f"NEWSCORPUS_PRIVATE_ADDRESSES must be one of {', '.join(PRIVATE_MODES)} (got {private!r})")
        self.configured = configured
        self.private = private
        self._ports: dict[str, set[int]] = {}
        for _, host, port in configured:
            self._ports.setdefault(host, set()).add(port)

    @classmethod
    def for_sites(cls, sites, private: str = "configured") -> OriginPolicy:
        urls = [url for site in sites for url in (*site.start_urls, *site.sitemaps, *site.feeds)]
        urls += [site.backfill.template for site in sites if site.backfill]
        return cls({origin(url) for url in urls}, private)

    def port_allowed(self, url_origin: Origin) -> bool:
        scheme, host, port = url_origin
        return port == DEFAULT_PORTS[scheme] or port in self._ports.get(host, ())

    def address_allowed(self, url_origin: Origin, address: str) -> bool:
        """May a request to ``url_origin`` go to ``address`` (what its host resolved to)?"""
        if self.private == "any" or is_public(address):
            return True
        return self.private == "configured" and url_origin in self.configured


class OriginGuardMiddleware:
    """Downloader middleware enforcing the policy on every request, redirects and robots.txt included.

    It runs first (priority 50). A refused request raises ``IgnoreRequest`` and is counted as
    ``newscorpus/refused/<reason>``. The address is the one Scrapy's caching resolver returns, so the
    connection that follows uses the address checked here.
    """

    def __init__(self, crawler, private: str):
        self.crawler = crawler
        self.private = private
        self._policy: OriginPolicy | None = None
        self._verdicts: dict[str, str | None] = {}  # scheme://netloc -> refusal reason (None: allowed)
        OriginPolicy(set(), private)  # validate the setting before the crawl starts

    @classmethod
    def from_crawler(cls, crawler) -> OriginGuardMiddleware:
        return cls(crawler, crawler.settings.get("NEWSCORPUS_PRIVATE_ADDRESSES"))

    @property
    def policy(self) -> OriginPolicy:
        if self._policy is None:
            self._policy = OriginPolicy.for_sites(self.crawler.spider.sites.values(), self.private)
        return self._policy

    def process_request(self, request):
        """None to let the request through; a coroutine when the origin is new (its address is resolved)."""
        key = _origin_key(request.url)
        if key in self._verdicts:
            self._refuse_if(self._verdicts[key], request.url)
            return None
        return self._first_of_origin(key, request.url)

    async def _first_of_origin(self, key: str, url: str) -> None:
        reason = self.static_refusal(url)
        if reason is None:
            reason = await self._address_refusal(url)
        if reason != "bad-url":  # the verdict holds for every URL of the origin
            self._verdicts[key] = reason
        self._refuse_if(reason, url)

    def _refuse_if(self, reason: str | None, url: str) -> None:
        if reason is not None:
            self.crawler.stats.inc_value(f"newscorpus/refused/{reason}")
            raise IgnoreRequest(f"refused ({reason}): {url}")

    def static_refusal(self, url: str) -> str | None:
        """``bad-scheme``, ``bad-url``, ``offsite`` or ``port``: what the URL alone rules out."""
        problem = url_problem(url)
        if problem:
            return problem
        url_origin = origin(url)
        if not any(site.allows_host(url_origin[1]) for site in self.crawler.spider.sites.values()):
            return "offsite"
        if not self.policy.port_allowed(url_origin):
            return "port"
        return None

    async def _address_refusal(self, url: str) -> str | None:
        url_origin = origin(url)
        address = ip_literal(url_origin[1])
        if address is None:
            from twisted.internet import reactor

            try:
                address = await maybe_deferred_to_future(reactor.resolve(url_origin[1]))
            except Exception:  # DNS failure: let the download fail and be recorded as usual
                return None
        return None if self.policy.address_allowed(url_origin, address) else "private-address"
