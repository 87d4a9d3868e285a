"""Every crawl default in one place: Scrapy's own settings, then ours (prefixed ``NEWSCORPUS_``).

Scrapy reads this module through ``scrapy.cfg`` (``scrapy crawl news -a start_url=...``) and
``crawler.run.run_crawl`` starts from it too, so both ways of crawling behave the same. A site YAML's
``politeness`` block and ``newscorpus crawl --set NAME=VALUE`` are laid over these values.
"""

from corpus import __version__

BOT_NAME = "newscorpus"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Identity ----------------------------------------------------------------------------------
# Say who we are and where to complain; operators should point this at their own contact page.
NEWSCORPUS_CONTACT_URL = "https://github.com/newscorpus/newscorpus"
USER_AGENT = f"newscorpus/{__version__} (+{NEWSCORPUS_CONTACT_URL})"

# Politeness --------------------------------------------------------------------------------
ROBOTSTXT_OBEY = True                    # a disallowed URL is never requested (crawler/robots.py)
CONCURRENT_REQUESTS = 32                 # all sites together
CONCURRENT_REQUESTS_PER_DOMAIN = 8       # per host (a site YAML's politeness.concurrency overrides)
DOWNLOAD_DELAY = 0                       # minimum seconds between requests to one host
AUTOTHROTTLE_ENABLED = True              # adapt the delay to the server's latency
AUTOTHROTTLE_START_DELAY = 0.25
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0

# Safety ------------------------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 30                    # seconds per request
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024      # bigger responses are cancelled and recorded as errors
DOWNLOAD_WARNSIZE = 0                    # sizes are recorded per fetch; no log line needed
RETRY_TIMES = 2                          # 3 attempts in all, spaced by NEWSCORPUS_RETRY_BACKOFF
RETRY_GIVE_UP_LOG_LEVEL = "INFO"         # failures are counted and recorded in `fetches`
DEPTH_LIMIT = 0                          # link depth is bounded per site instead (NEWSCORPUS_DEPTH_LIMIT)
URLLENGTH_LIMIT = 2048
COOKIES_ENABLED = False                  # news pages do not need sessions; cookies make trap loops
COMPRESSION_ENABLED = False              # the capture middleware undoes Content-Encoding, bounded by DOWNLOAD_MAXSIZE
# http(s) only: no file://, ftp://, data:, s3:// whatever a page links to (crawler/origins.py).
DOWNLOAD_HANDLERS = {"file": None, "ftp": None, "data": None, "s3": None}
REDIRECT_MAX_TIMES = 10
# We advertise only what our own WARC reader path decodes without extra packages.
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh,zh-CN;q=0.9,zh-TW;q=0.8,en;q=0.5",
    "Accept-Encoding": "gzip, deflate",
}

# Components --------------------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    # First: http(s) only, inside the sites' origins, no internal addresses (redirects included).
    "crawler.origins.OriginGuardMiddleware": 50,
    # robots.txt held for every request; replaces Scrapy's (see crawler/robots.py for why).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.robots.RobotsMiddleware": 100,
    # Closest to the network: sees every raw exchange, redirect hops and retried attempts included.
    "crawler.capture.CaptureMiddleware": 950,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.retry.BackoffRetryMiddleware": 550,
}
# The request policy (fetched once per crawl, stored pages only when due) over the frontier.
DUPEFILTER_CLASS = "crawler.dupefilter.FrontierDupeFilter"
# The workspace's newscorpus.toml and NEWSCORPUS_* environment, for `scrapy crawl` too (crawler/config.py).
ADDONS = {"crawler.config.WorkspaceSettings": 0}
EXTENSIONS = {
    "crawler.storage.CrawlStorage": 100,
    "crawler.progress.ProgressLine": 200,
    "scrapy.extensions.telnet.TelnetConsole": None,
}
REMOTE_CONTROL_ENABLED = False           # no code-running HTTP server beside an unattended crawl
LOG_LEVEL = "WARNING"                    # `newscorpus crawl --verbose` lowers it to INFO
STATS_DUMP = False                       # the run's stats go to `crawl_runs.stats` instead
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# newscorpus --------------------------------------------------------------------------------
NEWSCORPUS_HOME = None                   # workspace folder; None = $NEWSCORPUS_HOME or ./newscorpus-data
NEWSCORPUS_WARC_MAX_SIZE = 1024 ** 3     # rotate WARC files at this many bytes
NEWSCORPUS_WARC_GZIP_LEVEL = 6           # 9 costs ~2.5x the CPU for ~3% smaller files
NEWSCORPUS_WARC_PREFIX = "newscorpus"    # WARC names: <prefix>-r<run>-<utc stamp>-<host>-<pid>-<seq>.warc.gz
NEWSCORPUS_STORE_BATCH = 200             # commit fetch rows every N fetches ...
NEWSCORPUS_STORE_INTERVAL = 1.0          # ... or every so many seconds, whichever comes first
NEWSCORPUS_REVISIT_AFTER = "7d"          # articles are re-checked (conditional GET) after this; "never" = not
NEWSCORPUS_MAX_FAILURES = 3              # crawls that retry a failing URL before it is left alone
NEWSCORPUS_RETRY_BACKOFF = 0.5           # seconds before the first retry, doubled for each next one
NEWSCORPUS_RETRY_BACKOFF_MAX = 30.0
NEWSCORPUS_DEPTH_LIMIT = 10              # link hops from a start page, sitemap or feed (per site YAML too)
NEWSCORPUS_MAX_QUERY_VARIANTS = 50       # distinct query strings followed per path (faceted-search traps)
NEWSCORPUS_MAX_PER_PATTERN = 2000        # non-article pages followed per URL shape (calendar traps)
NEWSCORPUS_BACKFILL_MAX_DAYS = 3660      # longest --since/--until range accepted
NEWSCORPUS_SITEMAP_MAX_SIZE = 50 * 1024 * 1024  # uncompressed bytes read from one sitemap
NEWSCORPUS_ROBOTS_MAX_SIZE = 500 * 1024  # bytes of robots.txt read and parsed (RFC 9309's minimum)
NEWSCORPUS_PRIVATE_ADDRESSES = "configured"  # loopback/private/link-local hosts: configured | never | any
NEWSCORPUS_FRONTIER = "crawler.frontier.StoreFrontier"  # seen-URL and revisit state (crawler/frontier.py)
NEWSCORPUS_PROGRESS = "auto"             # auto (on a TTY) | on | off
NEWSCORPUS_PROGRESS_INTERVAL = 0.5       # seconds between progress-line updates

# Shared frontier on Redis (crawl --frontier; the [scale] extra; crawler/redis_frontier/) ---
NEWSCORPUS_FRONTIER_REDIS = ""          # redis://HOST:PORT/DB: share the frontier with other crawls; "" = this one alone
NEWSCORPUS_FRONTIER_PREFIX = "newscorpus"  # Redis key prefix: workers with the same prefix and DB share a frontier
NEWSCORPUS_FRONTIER_HEARTBEAT = 2.0      # seconds between a worker's heartbeats
NEWSCORPUS_FRONTIER_LEASE = 15.0         # a worker silent this long is dead: its in-flight requests are requeued
