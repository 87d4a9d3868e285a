"""Name each page's outlet on a crawl that was not given a site file, from what the pages say.

``crawl --start-url`` of a host that serves several outlets (a newspaper group, an e-paper portal,
the demo site) must not file them all under the host, or dedup, health, the report and releases
see one outlet copying itself. A page's outlet, in this order:

1. its own word: ``og:site_name``, JSON-LD ``publisher.name`` (``cleaners.publisher``), or the news
   sitemap's ``<news:publication><news:name>`` for the URL;
2. its section's: the name most pages of the same section gave. A section is a host and a path
   folder: the folder a sitemap or feed was published in (the sitemaps protocol lets
   ``/hk/sitemap.xml`` speak for ``/hk/`` only), else the URL's first path segment;
3. the host (the ad hoc site's name).

URLs at the root of a host (``/``, ``/robots.txt``, ``/sitemap_index.xml``) belong to no section:
without their own word they stay the host's, so the host named by the crawl run always keeps rows
of its own and health sees it answer or fail.

What is learned is kept in ``outlet_sections``, so the next crawl names listings, feeds and failed
fetches from its first request. Within a first crawl, pages fetched before their section was known
are named when the crawl ends (``settle``); their WARC metadata records keep the host. The crawl
run lists the outlets it filed pages under beside its sites, and, for a host that never answered,
every outlet known there: site health then reports each of them down, none is silently absent.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

from corpus.fetches import rename_fetches, run_fetch_urls
from corpus.store import Store
from crawler.fetchlog import add_run_sites


class OutletNames:
    """Sections and the outlet names their pages gave, learned on this crawl and earlier ones."""

    def __init__(self, store: Store):
        self.store = store
        self._names: dict[str, Counter] = {}          # section -> name -> pages
        self._announced: dict[str, set[str]] = {}     # host -> folders with a sitemap or feed
        self._learned: Counter = Counter()            # (section, name) -> pages, not saved yet
        self._given: set[str] = set()                 # outlets this crawl filed pages under
        self._answered: set[str] = set()              # hosts that answered this crawl
        for section, outlet, pages in store.execute("SELECT section, outlet, pages FROM outlet_sections"):
            self._names.setdefault(section, Counter())[outlet] = pages

    def outlet_of(self, url: str, said: str | None, answered: bool) -> str | None:
        """The outlet of ``url``: what the page ``said``, else its section's; None: the host's.

        Args:
            said: the page's own word (None when it said nothing, or there was no page).
            answered: whether the server answered at all (a failed download did not).
        """
        if answered:
            self._answered.add(_host_path(url)[0])
        if said:
            self.learn(url, said)
        name = said or self.name_for(url)
        if name:
            self._given.add(name)
        return name

    def announce(self, url: str) -> None:
        """A sitemap or feed was published at ``url``: its folder is a section of the host."""
        host, path = _host_path(url)
        folder = path.rsplit("/", 1)[0] + "/"
        if folder != "/":
            self._announced.setdefault(host, set()).add(folder)

    def learn(self, url: str, name: str) -> None:
        """The page at ``url`` names its outlet ``name``."""
        section = self._section(url)
        if section is not None:
            self._names.setdefault(section, Counter())[name] += 1
            self._learned[section, name] += 1

    def name_for(self, url: str) -> str | None:
        """The outlet of the deepest named section holding ``url``; None at the root or when unknown."""
        host, path = _host_path(url)
        folder = path.rsplit("/", 1)[0]
        while folder:
            counts = self._names.get(f"{host}{folder}/")
            if counts:
                return min(counts.items(), key=lambda item: (-item[1], item[0]))[0]
            folder = folder.rsplit("/", 1)[0]
        return None

    def unreachable_outlets(self, domains: set[str]) -> set[str]:
        """The outlets of named sections on these domains (or below them) whose host never answered."""
        def silent(host: str) -> bool:
            return host not in self._answered and any(host == d or host.endswith("." + d) for d in domains)

        return {min(counts.items(), key=lambda item: (-item[1], item[0]))[0]
                for section, counts in self._names.items() if counts and silent(section.split("/", 1)[0])}

    def settle(self, run_id: int, unnamed: set[str], domains: set[str]) -> int:
        """Name the run's fetch rows still filed under a host (``unnamed``: the ad hoc sites) whose section
        is known now, list with the run the outlets it filed pages under and those of ``domains``
        whose host never answered, and keep what was learned.

        Returns:
            the fetch rows renamed.
        """
        if not unnamed:
            return 0
        renamed = [(name, fetch_id) for fetch_id, url in run_fetch_urls(self.store.conn, run_id, unnamed)
                   if (name := self.name_for(url))]
        with self.store.transaction() as db:
            rename_fetches(db, renamed)
            add_run_sites(db, run_id, self._given | {name for name, _ in renamed} | self.unreachable_outlets(domains))
            db.executemany("INSERT INTO outlet_sections (section, outlet, pages) VALUES (?, ?, ?) "
                           "ON CONFLICT (section, outlet) DO UPDATE SET pages = pages + excluded.pages",
                           [(section, name, pages) for (section, name), pages in self._learned.items()])
        self._learned.clear()
        return len(renamed)

    def _section(self, url: str) -> str | None:
        host, path = _host_path(url)
        announced = [folder for folder in self._announced.get(host, ()) if path.startswith(folder)]
        if announced:
            return host + max(announced, key=len)
        first, sep, _ = path[1:].partition("/")
        return f"{host}/{first}/" if sep and first else None


def _host_path(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return (parts.hostname or ""), (parts.path or "/")
