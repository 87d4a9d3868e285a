"""What the spider yields: one item per response, for Scrapy's feed exports and item pipelines.

The store and WARC are written by the capture middleware whatever pipelines do; an item says where
a page's record is, so ``scrapy crawl news -o pages.jsonl`` gives a plain index of the crawl.
"""

from __future__ import annotations

from dataclasses import dataclass

from crawler.fetchlog import Fetch


@dataclass
class PageItem:
    url: str                  # the URL asked for
    final_url: str | None     # the URL that answered (after redirects)
    status: int | None
    kind: str                 # article | listing | sitemap | feed | other
    outlet: str               # who published it: the site file's name, or the page's own word (crawler/outlets.py)
    warc_file: str | None     # relative to the workspace's warc/
    warc_offset: int | None   # of the response record
    encoding: str | None      # the codec the page was decoded with (None: not decoded)
    error: str | None = None  # why the page could not be read, if it could not

    @classmethod
    def of(cls, fetch: Fetch) -> PageItem:
        return cls(url=fetch.url, final_url=fetch.final_url, status=fetch.status, kind=fetch.kind or "other",
                   outlet=fetch.outlet or fetch.site, warc_file=fetch.warc_file, warc_offset=fetch.warc_offset,
                   encoding=fetch.encoding, error=fetch.error)
