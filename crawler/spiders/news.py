"""The generic news spider: from start URLs alone it finds a site's articles.

Discovery, in the order a site offers it: ``robots.txt`` ``Sitemap:`` lines, sitemap indexes and
(news) sitemaps, RSS/Atom feeds (given, linked, or announced by ``<link rel="alternate">``), then
in-site links of every HTML page, bounded by depth and trap guards. A site YAML adds URL patterns
and a date-template back-fill. What was fetched before comes from the store: an article already
stored is not fetched again unless it is due for revisit, and then with a conditional GET.

A page's outlet is its site file's name; a crawl given only URLs reads it from the pages
(``crawler/outlets.py``), as one host often serves several outlets.

It yields one ``PageItem`` per response (``scrapy crawl news -o pages.jsonl``); what to fetch again
is decided by the frontier behind ``DUPEFILTER_CLASS`` (``crawler/dupefilter.py``), robots.txt by
``crawler/robots.py``, where requests may go by ``crawler/origins.py``.

    scrapy crawl news -a start_url=http://127.0.0.1:8410/ -o pages.jsonl
    scrapy crawl news -a site=crawler/sites/wire.yaml -a since=2024-05-01 -a until=2024-05-31 -a max_pages=500

Arguments (``-a NAME=VALUE``; lists comma-separated): start_url, sitemap, feed, site, allow_domain,
since, until, revisit_after, max_pages. Any other name is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from urllib.parse import urlsplit

import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.epaper import layout_of
from crawler.discovery import html_feeds, html_links, parse_feed, parse_sitemap
from crawler.frontier import Frontier, refusal
from crawler.items import PageItem
from crawler.meta import ALWAYS, FETCH, HINTS, HOPS, KIND, PAGE, REVISIT, SITE, VIA
from crawler.origins import OriginPolicy, origin, url_problem
from crawler.sites import SiteConfig, SiteConfigError, adhoc_site, load_site, parse_day, parse_duration
from crawler.storage import CrawlStorage
from crawler.urls import TrapGuard, absolute, guess_kind, looks_like_file


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, sites: list[SiteConfig] | None = None, start_url: str | None = None,
                 sitemap: str | None = None, feed: str | None = None, site: str | None = None,
                 allow_domain: str | None = None, since: str | dt.date | None = None,
                 until: str | dt.date | None = None, revisit_after: str | float | None = None,
                 max_pages: str | int | None = None, **unknown):
        if unknown:
            raise SiteConfigError(f"unknown spider argument(s) {', '.join(sorted(unknown))}; known: allow_domain, "
                                  f"feed, max_pages, revisit_after, since, site, sitemap, start_url, until")
        super().__init__()
        self.max_pages = _positive(max_pages, "max_pages")
        configs = list(sites or []) + [load_site(path) for path in _split(site)]
        if start_url or sitemap or feed:
            configs.append(adhoc_site(_split(start_url), _split(sitemap), _split(feed), _split(allow_domain)))
        if not configs:
            raise SiteConfigError("nothing to crawl: give a site file or a start URL, sitemap or feed")
        names = [config.name for config in configs]
        if len(set(names)) != len(names):
            raise SiteConfigError(f"two sites share a name ({', '.join(sorted(names))}); names must be unique")
        if revisit_after is not None:
            seconds = revisit_after if isinstance(revisit_after, float) else parse_duration(revisit_after, "revisit_after")
            configs = [replace(config, revisit_after=seconds) for config in configs]
        self.sites: dict[str, SiteConfig] = {config.name: config for config in configs}
        self.days = _days(since, until)
        if self.days and not any(config.backfill for config in configs):
            raise SiteConfigError("--since/--until drive a date back-fill, but no site file has a `backfill` template")
        self.allowed_domains = sorted({d for config in configs for d in config.allowed_domains})
        self._backfill_patterns = {name: _template_regex(c.backfill.template) for name, c in self.sites.items()
                                   if c.backfill and c.backfill.numbered}
        self.origins = OriginPolicy.for_sites(configs)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.depth_limit = settings.getint("NEWSCORPUS_DEPTH_LIMIT")
        spider.max_failures = settings.getint("NEWSCORPUS_MAX_FAILURES")
        spider.default_revisit = parse_duration(settings.get("NEWSCORPUS_REVISIT_AFTER"), "NEWSCORPUS_REVISIT_AFTER")
        max_days = settings.getint("NEWSCORPUS_BACKFILL_MAX_DAYS")
        if len(spider.days) > max_days:
            raise SiteConfigError(f"--since/--until span {len(spider.days)} days; the limit is {max_days} "
                                  f"(NEWSCORPUS_BACKFILL_MAX_DAYS)")
        spider.traps = TrapGuard(settings.getint("NEWSCORPUS_MAX_QUERY_VARIANTS"),
                                 settings.getint("NEWSCORPUS_MAX_PER_PATTERN"))
        if spider.max_pages is not None:
            settings.set("CLOSESPIDER_PAGECOUNT", spider.max_pages, priority="spider")
        _apply_politeness(settings, spider.sites.values())
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        return spider

    # start -------------------------------------------------------------------------------------
    async def start(self):
        storage = self.crawler.get_extension(CrawlStorage)
        storage.open(self.sites)
        self.frontier: Frontier = storage.frontier
        self.now = dt.datetime.now(dt.timezone.utc)
        for request in self._initial_requests():
            if request is not None:
                yield request

    def _initial_requests(self):
        for site in self.sites.values():
            for day in self.days:
                if site.backfill:
                    yield self._backfill_walk(site, day, site.backfill.n_start)
            for url in site.sitemaps:
                yield self._consider(url, site, "sitemap", "start", 0, always=True)
            for url in site.feeds:
                yield self._consider(url, site, "feed", "start", 0, always=True)
            for url in site.start_urls:
                yield self._consider(url, site, None, "start", 0, always=True)
        # Pages found before but not stored yet (a killed crawl), failures worth another try, revisits due;
        # each at the depth it was found at, so a resumed crawl stops where a clean one does.
        for url, visit in self.frontier.backlog():
            site = self.sites.get(visit.site)
            if site is None:
                continue
            reason = refusal(visit, self._revisit(site), self.now, self.max_failures)
            if reason:  # the dupefilter would refuse it too: spare building the request
                self.crawler.stats.inc_value(f"newscorpus/skipped/{reason}")
            else:
                yield self._consider(url, site, visit.kind, "store", visit.hops)

    def robots_parsed(self, robotparser, request) -> None:
        """The robots middleware read an origin's robots.txt: schedule its ``Sitemap:`` lines."""
        site = self.sites.get(request.meta.get(SITE)) or self._site_for(request.url, None)
        if site is None:
            return
        for url in robotparser.sitemaps:
            sitemap = self._consider(url, site, "sitemap", "robots", 0, always=True)
            if sitemap is not None:
                self.crawler.engine.crawl(sitemap)

    # parsing -----------------------------------------------------------------------------------
    def parse(self, response):
        fetch = response.meta.get(FETCH)
        if fetch is not None:
            yield PageItem.of(fetch)
        page = response.meta.get(PAGE)
        if page is None:
            return
        site = self.sites[response.meta[SITE]]
        hops = response.meta.get(HOPS, 0)
        if page.route == "sitemap":
            yield from self._from_sitemap(page.body, site)
        elif page.route == "feed":
            for entry in parse_feed(page.body):
                yield self._consider(entry.url, site, "article", "feed", 0, hints=entry.hints)
        elif page.route == "html":
            yield from self._from_html(response.url, page, site, hops)

    def _from_sitemap(self, body: bytes, site: SiteConfig):
        children, entries = parse_sitemap(body)
        self.frontier.prefetch(entry.url for entry in entries)
        for url in children:
            yield self._consider(url, site, "sitemap", "sitemap", 0, always=True)
        for entry in entries:
            news = "news:title" in entry.hints or "news:publication_date" in entry.hints
            yield self._consider(entry.url, site, "article" if news else None,
                                 "news-sitemap" if news else "sitemap", 0, hints=entry.hints or None)

    def _from_html(self, url: str, page, site: SiteConfig, hops: int):
        layout = layout_of(url, page.text)   # an e-paper 版面: its stories, followed with their place as hints
        for index, story in enumerate(layout.stories if layout else (), 1):
            yield self._consider(story.link or story.url, site, "article", "epaper", hops + 1,
                                 hints=story.hints(layout, index))
        selector = Selector(text=page.text)
        if page.kind == "listing":
            for href in html_feeds(selector):
                feed = absolute(url, href)
                if feed:
                    yield self._consider(feed, site, "feed", "listing", 0, always=True)
        links = [link for href in html_links(selector) if (link := absolute(url, href))]
        self.frontier.prefetch(links)
        for link in links:
            if not self.frontier.claimed(link):
                yield self._consider(link, site, None, "listing", hops + 1)
        pattern = self._backfill_patterns.get(site.name)
        match = pattern.fullmatch(url) if pattern and self.days else None
        if match:
            day = dt.date(int(match["yyyy"]), int(match["mm"]), int(match["dd"]))
            yield self._backfill_walk(site, day, int(match["n"]) + 1)

    def failed(self, failure):
        """Failures are recorded by the capture middleware; an answer that was not 2xx is still an item."""
        self.crawler.stats.inc_value("newscorpus/failed_requests")
        if failure.check(HttpError):
            fetch = failure.value.response.meta.get(FETCH)
            if fetch is not None:
                yield PageItem.of(fetch)

    # deciding what to fetch --------------------------------------------------------------------
    def _consider(self, url: str, parent: SiteConfig, kind: str | None, via: str, hops: int,
                  hints: dict | None = None, always: bool = False) -> scrapy.Request | None:
        """A request for ``url`` if it may be fetched: a valid http(s) URL in a site's origins, not a
        file, within the depth limit, not a trap; else None, with the reason counted.

        Whether it was already fetched (in this crawl or before) is the dupefilter's decision.
        """
        stats = self.crawler.stats
        if self.frontier.claimed(url):
            if hints:
                self.frontier.discovered(url, parent.name, kind or "other", via, hops, hints)
            return None
        problem = url_problem(url)
        if problem:
            stats.inc_value(f"newscorpus/dropped/{problem}")
            return None
        parts = urlsplit(url)
        site = self._site_for(url, parent, parts)
        if site is None or not self.origins.port_allowed(origin(url)):
            stats.inc_value("newscorpus/dropped/offsite")
            return None
        kind = kind or guess_kind(url, parts.path)
        if kind != "sitemap" and looks_like_file(parts.path):
            stats.inc_value("newscorpus/dropped/not-a-page")
            return None
        visit = self.frontier.visit(url)
        if via in ("listing", "store"):
            limit = self.depth_limit if site.depth_limit is None else site.depth_limit
            if hops > limit:
                stats.inc_value("newscorpus/dropped/depth")
                return None
            reason = self.traps.refuse(url, kind == "article" or (visit is not None and visit.kind == "article"))
            if reason:
                stats.inc_value(f"newscorpus/dropped/{reason}")
                return None
        meta = {SITE: site.name, KIND: kind, VIA: via, HOPS: hops, REVISIT: self._revisit(site)}
        if always:
            meta[ALWAYS] = True
        if hints:
            meta[HINTS] = hints
        if site.politeness.autothrottle is False:
            meta["autothrottle_dont_adjust_delay"] = True
        try:
            request = scrapy.Request(url, callback=self.parse, errback=self.failed, meta=meta)
        except Exception:  # ValueError, UnicodeError (bad IDNA): whatever Scrapy refuses
            stats.inc_value("newscorpus/dropped/bad-url")
            return None
        if visit is None or hints:
            self.frontier.discovered(url, site.name, kind if kind in ("article", "sitemap", "feed") else "other", via,
                                     hops, hints)
        return request

    def _site_for(self, url: str, parent: SiteConfig | None, parts=None) -> SiteConfig | None:
        parts = parts or urlsplit(url)
        host, path = parts.hostname or "", parts.path or "/"
        if parent is not None and parent.allows(host, path):
            return parent
        for site in self.sites.values():
            if site is not parent and site.allows(host, path):
                return site
        return None

    def _revisit(self, site: SiteConfig) -> float | None:
        return self.default_revisit if site.revisit_after == "default" else site.revisit_after

    def _backfill_walk(self, site: SiteConfig, day: dt.date, n: int) -> scrapy.Request | None:
        """The next e-paper page of ``day`` not yet stored, walking past stored ones."""
        backfill = site.backfill
        while n <= backfill.n_max:
            url = backfill.urls_for(day, n)
            visit = self.frontier.visit(url)
            if visit is None or not visit.settled or visit.due(self._revisit(site), self.now):
                return self._consider(url, site, "article", "backfill", 0)
            if visit.last_status != 200 or not backfill.numbered:
                return None
            n += 1
        return None


def _split(value) -> list[str]:
    """Spider arguments arrive as comma-separated strings (``-a start_url=A,B``) or lists."""
    if not value:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return list(value)


def _days(since, until) -> list[dt.date]:
    if since is None and until is None:
        return []
    if since is None:
        raise SiteConfigError("--until needs --since (the first day to back-fill)")
    first = since if isinstance(since, dt.date) else parse_day(since, "--since")
    last = (until if isinstance(until, dt.date) else parse_day(until, "--until")) if until else dt.date.today()
    if last < first:
        raise SiteConfigError(f"--until {last} is before --since {first}")
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _template_regex(template: str) -> re.Pattern:
    groups = {"yyyy": r"(?P<yyyy>\d{4})", "yy": r"\d{2}", "mm": r"(?P<mm>\d{2})", "dd": r"(?P<dd>\d{2})",
              "n": r"(?P<n>\d+)", "nn": r"(?P<n>\d{2,})"}
    pattern = re.escape(template)
    for name, group in groups.items():
        pattern = pattern.replace(re.escape("{" + name + "}"), group, 1)
    return re.compile(pattern)


def _positive(value, name: str) -> int | None:
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise SiteConfigError(f"spider argument {name} must be a whole number >= 1 (got {value!r})")
    return number


def _apply_politeness(settings, sites) -> None:
    """Per-host concurrency and delay from the site files (Scrapy's DOWNLOAD_SLOTS), strictest wins."""
    slots: dict[str, dict] = dict(settings.getdict("DOWNLOAD_SLOTS"))
    for site in sites:
        polite = site.politeness
        for domain in site.allowed_domains:
            slot = slots.setdefault(domain, {})
            if polite.concurrency is not None:
                slot["concurrency"] = min(slot.get("concurrency", polite.concurrency), polite.concurrency)
            if polite.delay is not None:
                slot["delay"] = max(slot.get("delay", polite.delay), polite.delay)
    slots = {domain: slot for domain, slot in slots.items() if slot}
    if slots:
        settings.set("DOWNLOAD_SLOTS", slots, priority="spider")
    wishes = {site.politeness.autothrottle for site in sites} - {None}
    if wishes == {False}:
        settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")
    elif True in wishes:
        settings.set("AUTOTHROTTLE_ENABLED", True, priority="spider")
