"""The bundled demo news site: four Chinese-language outlets on one host, for tests and demos.

    from crawler.demosite import DemoSite
    with DemoSite(scale=1, port=0) as site:      # pages rendered in memory, served on 127.0.0.1
        site.url, site.ground_truth()

Also ``python -m crawler.demosite --port 0 --scale 1`` and ``newscorpus demo-site`` (first stdout
line: the URL). Built from the five seed documents and a THUCNews sample (``data/SOURCE.md``);
the same scale always gives the same pages. Scale 1 is 218 pages (112 articles, 23 e-paper stories on
14 hk pages, 26 morning e-paper story pages);
each unit of scale adds ~110 articles: ``--scale 50`` gives 5,558 article pages (6,388 pages in
all), enough for the crawl benchmark.

Layout (one host; outlet name = path prefix = ``outlet`` in the ground truth):

- ``/`` links to the four outlet homes. ``/robots.txt``: ``Disallow: /private/`` and
  ``Sitemap: {base}/sitemap_index.xml``, which lists ``/wire/sitemap-news.xml`` (Google News sitemap
  with ``news:publication_date`` and ``news:title``) and ``/{hk,morning,agg}/sitemap.xml``.
- Every outlet home ``/{outlet}/`` is page 1 of its listing (newest first, 15 a page), continued at
  ``/{outlet}/list_{n}.html`` by "下一页" ("下一頁" on hk) links, and autodiscovers its feed with
  ``<link rel="alternate">``: RSS 2.0 at ``/{wire,morning,hk}/rss.xml``, Atom at ``/agg/atom.xml``
  (all feeds and sitemaps UTF-8).
- ``/wire/`` 神州通讯社, UTF-8, articles ``/wire/{yyyy}-{mm}/{dd}/c_{n}.htm``: JSON-LD NewsArticle.
- ``/morning/`` 山城晨报, GBK bytes, articles ``/morning/html/{yyyy}-{mm}/{dd}/content_{n}.htm``:
  ``article:published_time`` meta, or only a "发布时间：2024年05月26日 10:09" line; one in three
  article pages declares no charset at all (no header charset, no meta); editor lines "编辑：… 责编：…".
- ``/hk/`` 香江日報, Big5 (written with big5hkscs, declared ``charset=big5``), Traditional script,
  articles ``/hk/news/{yyyymmdd}/{n}.html`` ("發佈時間：…" line, JSON-LD on half); e-paper editions
  ``/hk/epaper/{yyyy}-{mm}/{dd}/node_{n}.htm`` (n = 1.. contiguous; several stories per page with
  photo captions), a contents page ``/hk/epaper/{yyyy}-{mm}/{dd}/index.htm`` per day and an archive
  ``/hk/epaper/``. Each hk edition prints one wire story of its day (variant ``epaper-wire``).
- ``/morning/epaper/html/{yyyy}-{mm}/{dd}/node_{n}.htm``: a Founder-style 数字报 (archive ``/morning/epaper/``):
  each 版面 page has a ``PagePicMap`` whose areas link to ``content_{n}.htm`` story pages (kind ``epaper-story``).
- ``/agg/`` 快看资讯网, UTF-8, articles ``/agg/news/{n}.html`` (no date in the URL; ``og:type`` says
  article): wire stories republished with seed 004's snapshot footer ("以上内容为资讯信息快照…",
  "快照生成时间", "本站信息快照查询为非营利公共服务…", "信息原文地址") and a related-links list.
- Wire stories reappear on agg, morning and hk (Traditional via OpenCC s2hk), lightly edited (the
  ``variant``: reword, drop_paragraph, add_local, reparagraph, verbatim, s2hk, epaper); hk's own
  stories appear both as web articles and in the e-paper. Hard negatives: seeds 000a (hk e-paper),
  001 (morning) and 004 (wire) are three different stories with one ``topic`` (渝港合作) sharing
  names and figures.
- Every article and e-paper page has ETag and Last-Modified and answers 304 to If-None-Match /
  If-Modified-Since. ``/ground-truth.json`` (not linked) = ``site.ground_truth()``: one row per
  (page, story) with story, url, outlet, script, variant, topic, kind (article|epaper|epaper-story),
  published, document_url (the story's document: ``PAGE#story-N`` on a page of several) and, for
  e-paper stories, page_url, story_index, page_number, page_name (and coords behind an image map).

Faults (``FAULTS``; each linked from page 1 of an outlet listing):

- ``not_found`` 404 · ``server_error`` 500 always · ``redirect`` 301 to the agg copy of seed 004 ·
  ``slow`` answers after 1.5 s · ``binary`` PNG bytes served as text/html · ``oversized`` a 12 MiB
  page · ``charset_declares_gb2312_is_utf8`` / ``charset_declares_utf8_is_gbk`` articles (in the
  ground truth) whose declaration lies · ``calendar_trap`` ``/agg/calendar/{yyyy}-{mm}.html`` whose
  "下个月" link never ends · ``private`` a ``/private/`` page linked from listings, disallowed by robots.
"""

from crawler.demosite.server import DemoSite
from crawler.demosite.faults import FAULTS

__all__ = ["DemoSite", "FAULTS"]
