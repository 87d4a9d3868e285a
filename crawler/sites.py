"""Site configurations: what to crawl for one outlet, from a YAML file or from ad hoc URLs.

A site YAML names the outlet and where its pages are found; everything else has a default. It is
validated completely before any request is made, and each problem is reported with the file, the
key and what to write instead (datasketch's habit: say what to do next).

Keys (only ``name`` and one source of URLs are required):

- ``name``: the outlet name documents carry; ``start_urls``, ``sitemaps``, ``feeds``: where to begin.
- ``base_url``: what relative URLs in the file are relative to, so one file serves a site moved to
  another host or port (``newscorpus crawl --base-url`` overrides it).
- ``allowed_domains`` (default: the hosts of those URLs), ``allowed_paths``: path prefixes, for
  outlets that share a host. Links outside are not followed.
- ``article_patterns`` / ``listing_patterns``: regexes searched in a URL, trusted before any guess.
- ``encoding``: a codec to impose on every page of the site (one that lies about its charset).
- ``depth_limit``: link hops followed from a start page, sitemap or feed (0 = follow no links).
- ``politeness``: ``delay`` (seconds), ``concurrency`` (per host), ``autothrottle`` (true/false).
- ``revisit_after``: when a stored article is re-checked with a conditional GET (7d, 12h, 0, never).
- ``backfill``: ``template`` with ``{yyyy} {yy} {mm} {dd} {n} {nn}`` (relative to the first start
  URL or absolute), ``n_start``, ``n_max``; used for each day of ``--since``/``--until``.

Example (``crawler/sites/wire.yaml``)::

    name: wire
    start_urls: [http://127.0.0.1:8410/wire/]
    sitemaps: [http://127.0.0.1:8410/wire/sitemap-news.xml]
    feeds: [http://127.0.0.1:8410/wire/rss.xml]
    allowed_domains: [127.0.0.1]
    allowed_paths: [/wire/]
    article_patterns: ['/wire/\\d{4}-\\d{2}/\\d{2}/c_\\d+\\.htm$']
    politeness: {delay: 0, concurrency: 8, autothrottle: false}
    revisit_after: 1d
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PLACEHOLDERS = re.compile(r"\{([a-z]+)\}")
BACKFILL_FIELDS = {"yyyy", "yy", "mm", "dd", "n", "nn"}


class SiteConfigError(ValueError):
    """A site configuration that cannot be crawled; the message says what to fix."""


@dataclass(frozen=True)
class Politeness:
    delay: float | None = None          # seconds between requests to one host; None = settings default
    concurrency: int | None = None      # parallel requests per host; None = settings default
    autothrottle: bool | None = None    # None = settings default


@dataclass(frozen=True)
class Backfill:
    """Date-addressable pages (an e-paper's editions) generated for each day of --since/--until.

    ``{n}`` counts pages of one day from ``n_start``; the walk of a day stops at the first page that
    does not answer 200, or at ``n_max``.
    """

    template: str
    n_start: int = 1
    n_max: int = 50

    def urls_for(self, day: dt.date, n: int) -> str:
        return self.template.format(yyyy=f"{day.year:04d}", yy=f"{day.year % 100:02d}", mm=f"{day.month:02d}",
                                    dd=f"{day.day:02d}", n=str(n), nn=f"{n:02d}")

    @property
    def numbered(self) -> bool:
        return "{n}" in self.template or "{nn}" in self.template


@dataclass(frozen=True)
class SiteConfig:
    name: str
    start_urls: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    allowed_paths: tuple[str, ...] = ()          # path prefixes; empty = the whole domain
    article_patterns: tuple[str, ...] = ()       # regexes searched in the URL
    listing_patterns: tuple[str, ...] = ()
    encoding: str | None = None                  # impose a codec (a site that lies about its charset)
    depth_limit: int | None = None               # None = NEWSCORPUS_DEPTH_LIMIT
    politeness: Politeness = field(default_factory=Politeness)
    revisit_after: float | None | str = "default"  # seconds, None = never, "default" = setting
    backfill: Backfill | None = None
    source: str | None = None                    # the YAML file it came from
    outlet_from_pages: bool = False              # ad hoc: each page's outlet from its own word (crawler/outlets.py)

    def to_json(self) -> dict:
        """The config as stored in ``sites.config``; ``site_from_json`` reads it back."""
        return asdict(self)

    def allows(self, host: str, path: str) -> bool:
        """Is a URL with this host and path inside the site?"""
        return self.allows_host(host) and (not self.allowed_paths or path.startswith(self.allowed_paths))

    def allows_host(self, host: str) -> bool:
        """Is this host one of the site's domains (or below one)?"""
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)


_KEYS = {"name", "base_url", "start_urls", "sitemaps", "feeds", "allowed_domains", "allowed_paths", "article_patterns",
         "listing_patterns", "encoding", "depth_limit", "politeness", "revisit_after", "backfill"}


def load_site(path: str | Path, base_url: str | None = None) -> SiteConfig:
    """Read and validate one site YAML file (``base_url`` replaces the file's own).

    Raises:
        SiteConfigError: unreadable file, unknown key, wrong type, bad URL, regex or template.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except OSError as error:
        raise SiteConfigError(f"{path}: cannot read the site file ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise SiteConfigError(f"{path}: not valid YAML: {error}") from None
    if base_url is not None and isinstance(data, dict):
        data["base_url"] = base_url
    return site_from_dict(data, source=str(path))


def site_from_dict(data: object, source: str = "<site>") -> SiteConfig:
    """Validate a parsed site mapping; see the module docstring for the keys."""
    where = source
    if not isinstance(data, dict):
        raise SiteConfigError(f"{where}: a site file is a mapping with at least `name` and `start_urls`")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise SiteConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_KEYS))}")
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise SiteConfigError(f"{where}: `name` must be a short identifier like `hk-daily` (got {name!r})")
    if data.get("base_url") is not None:
        data = _resolved(data, where)
    urls = {key: _url_list(data, key, where) for key in ("start_urls", "sitemaps", "feeds")}
    if not any(urls.values()) and "backfill" not in data:
        raise SiteConfigError(f"{where}: give at least one of `start_urls`, `sitemaps`, `feeds` or `backfill`")
    domains = _str_list(data, "allowed_domains", where)
    backfill = _backfill(data.get("backfill"), urls["start_urls"], where)
    if not domains:
        templates = [backfill.template] if backfill else []
        domains = sorted({urlsplit(u).hostname for u in [*templates, *(u for values in urls.values() for u in values)]})
    paths = _str_list(data, "allowed_paths", where)
    for prefix in paths:
        if not prefix.startswith("/"):
            raise SiteConfigError(f"{where}: `allowed_paths` entries are path prefixes starting with / (got {prefix!r})")
    encoding = data.get("encoding")
    if encoding is not None:
        _check_encoding(encoding, where)
    return SiteConfig(
        name=name, **{key: tuple(values) for key, values in urls.items()},
        allowed_domains=tuple(domains), allowed_paths=tuple(paths),
        article_patterns=_regex_list(data, "article_patterns", where),
        listing_patterns=_regex_list(data, "listing_patterns", where),
        encoding=encoding, depth_limit=_depth(data.get("depth_limit"), where),
        politeness=_politeness(data.get("politeness"), where),
        revisit_after=parse_duration(data["revisit_after"], f"{where}: `revisit_after`") if "revisit_after" in data else "default",
        backfill=backfill,
        source=source,
    )


def _resolved(data: dict, where: str) -> dict:
    """The mapping with its relative URLs made absolute against ``base_url``."""
    base = data["base_url"]
    if not isinstance(base, str):
        raise SiteConfigError(f"{where}: `base_url` must be a URL such as http://127.0.0.1:8410/ (got {base!r})")
    _check_url(base, f"{where}: `base_url`")
    resolved = {key: value for key, value in data.items() if key != "base_url"}
    for key in ("start_urls", "sitemaps", "feeds"):
        if isinstance(data.get(key), list):
            resolved[key] = [urljoin(base, url) if isinstance(url, str) else url for url in data[key]]
    return resolved


def site_from_json(config: dict) -> SiteConfig:
    """A SiteConfig from ``to_json()`` output, e.g. a ``sites.config`` row (for scheduled runs)."""
    data = {key: value for key, value in config.items() if key in _KEYS and value not in (None, [], ())}
    if data.get("revisit_after") == "default":
        del data["revisit_after"]
    elif "revisit_after" in config and config["revisit_after"] is None:
        data["revisit_after"] = "never"
    data["politeness"] = {k: v for k, v in (config.get("politeness") or {}).items() if v is not None}
    return site_from_dict(data, source=config.get("source") or "store")


def adhoc_site(start_urls=(), sitemaps=(), feeds=(), allow_domains=()) -> SiteConfig:
    """A site built from command-line URLs, named after the first URL's host name.

    No site file names its outlet, so each page's outlet is read from the page (``crawler/outlets.py``),
    the host's name standing for pages that say nothing.
    """
    urls = [*start_urls, *sitemaps, *feeds]
    for url in urls:
        _check_url(url, "--start-url/--sitemap/--feed")
    hosts = list(dict.fromkeys(urlsplit(u).hostname for u in urls))
    return SiteConfig(name=hosts[0], start_urls=tuple(start_urls), sitemaps=tuple(sitemaps), feeds=tuple(feeds),
                      allowed_domains=tuple(dict.fromkeys([*hosts, *allow_domains])), source="command line",
                      outlet_from_pages=True)


def parse_duration(value: object, what: str = "duration") -> float | None:
    """``"7d"``, ``"12h"``, ``"30m"``, ``"0"`` or a number of seconds; ``"never"`` -> None."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return float(value)
    if isinstance(value, str):
        if value.strip().lower() == "never":
            return None
        match = _DURATION.match(value)
        if match:
            return float(match.group(1)) * _UNITS[match.group(2)]
    raise SiteConfigError(f"{what} must look like 7d, 12h, 30m, 0 or never (got {value!r})")


def parse_day(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise SiteConfigError(f"{what} must be a date like 2024-05-31 (got {value!r})") from None


def _check_url(url: object, where: str) -> None:
    try:
        parts = urlsplit(url) if isinstance(url, str) else None
    except ValueError:  # "http://[::1": not a URL at all
        parts = None
    if not parts or parts.scheme not in ("http", "https") or not parts.hostname:
        raise SiteConfigError(f"{where}: {url!r} is not an absolute http(s) URL")


def _str_list(data: dict, key: str, where: str) -> list[str]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise SiteConfigError(f"{where}: `{key}` must be a list of strings")
    return value


def _url_list(data: dict, key: str, where: str) -> list[str]:
    values = _str_list(data, key, where)
    for url in values:
        _check_url(url, f"{where}: `{key}`")
    return values


def _regex_list(data: dict, key: str, where: str) -> tuple[str, ...]:
    values = _str_list(data, key, where)
    for pattern in values:
        try:
            re.compile(pattern)
        except re.error as error:
            raise SiteConfigError(f"{where}: `{key}` pattern {pattern!r} is not a valid regex ({error})") from None
    return tuple(values)


def _check_encoding(encoding: object, where: str) -> None:
    from cleaners.encoding import normalize_label

    if not isinstance(encoding, str) or normalize_label(encoding) is None:
        raise SiteConfigError(f"{where}: `encoding` {encoding!r} is not a text encoding; use e.g. gb18030, big5hkscs "
                              f"or utf-8")


def _depth(value: object, where: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise SiteConfigError(f"{where}: `depth_limit` must be a whole number >= 0 (got {value!r})")
    return value


def _politeness(value: object, where: str) -> Politeness:
    if value is None:
        return Politeness()
    if not isinstance(value, dict) or set(value) - {"delay", "concurrency", "autothrottle"}:
        raise SiteConfigError(f"{where}: `politeness` takes only delay (seconds), concurrency (int), autothrottle (bool)")
    delay, concurrency, auto = value.get("delay"), value.get("concurrency"), value.get("autothrottle")
    if delay is not None and (not isinstance(delay, (int, float)) or isinstance(delay, bool) or delay < 0):
        raise SiteConfigError(f"{where}: `politeness.delay` must be seconds >= 0 (got {delay!r})")
    if concurrency is not None and (not isinstance(concurrency, int) or isinstance(concurrency, bool) or concurrency < 1):
        raise SiteConfigError(f"{where}: `politeness.concurrency` must be a whole number >= 1 (got {concurrency!r})")
    if auto is not None and not isinstance(auto, bool):
        raise SiteConfigError(f"{where}: `politeness.autothrottle` must be true or false (got {auto!r})")
    return Politeness(delay=None if delay is None else float(delay), concurrency=concurrency, autothrottle=auto)


def _backfill(value: object, start_urls: list[str], where: str) -> Backfill | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = {"template": value}
    if not isinstance(value, dict) or "template" not in value or set(value) - {"template", "n_start", "n_max"}:
        raise SiteConfigError(f"{where}: `backfill` takes template (URL with {{yyyy}} {{mm}} {{dd}} [{{n}}]), n_start, n_max")
    template = value["template"]
    if not isinstance(template, str):
        raise SiteConfigError(f"{where}: `backfill.template` must be a string")
    fields = set(_PLACEHOLDERS.findall(template))
    if fields - BACKFILL_FIELDS or not {"dd"} <= fields:
        raise SiteConfigError(f"{where}: `backfill.template` may use {{yyyy}} {{yy}} {{mm}} {{dd}} {{n}} {{nn}} and must "
                              f"contain {{dd}} (got {template!r})")
    if template.startswith("/"):
        if not start_urls:
            raise SiteConfigError(f"{where}: a relative `backfill.template` needs a start URL to resolve against")
        parts = urlsplit(start_urls[0])
        template = f"{parts.scheme}://{parts.netloc}{template}"
    _check_url(template, f"{where}: `backfill.template`")
    n_start, n_max = value.get("n_start", 1), value.get("n_max", 50)
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in (n_start, n_max)) or n_max < n_start:
        raise SiteConfigError(f"{where}: `backfill.n_start`/`n_max` must be whole numbers with n_start <= n_max")
    return Backfill(template=template, n_start=n_start, n_max=n_max)
