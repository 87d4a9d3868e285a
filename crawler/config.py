"""The crawler's part of the one settings system, and the Scrapy add-on that brings it to ``scrapy crawl``.

``component()`` declares the crawler's settings (the defaults in ``crawler/settings.py``, plus any
Scrapy setting) and checks their values; ``corpus/cycle.py`` lists it with the other components.
``WorkspaceSettings`` (in ``ADDONS``) lays the workspace's ``newscorpus.toml`` and the
``NEWSCORPUS_*`` environment over ``crawler/settings.py`` when Scrapy starts a crawl, so
``scrapy crawl news`` crawls with the same politeness and limits as ``newscorpus crawl`` (which
passes them as command-line settings already, above what the add-on sets).
"""

from __future__ import annotations

import re

from corpus.settings import Component, module_defaults, workspace_settings
from corpus.workspace import Workspace

# Settings that must be positive (zero would stall or disable the crawl).
_POSITIVE = {"CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "DOWNLOAD_TIMEOUT",
             "NEWSCORPUS_STORE_BATCH", "NEWSCORPUS_STORE_INTERVAL", "NEWSCORPUS_PROGRESS_INTERVAL",
             "NEWSCORPUS_WARC_MAX_SIZE", "NEWSCORPUS_BACKFILL_MAX_DAYS", "NEWSCORPUS_SITEMAP_MAX_SIZE",
             "NEWSCORPUS_FRONTIER_HEARTBEAT", "NEWSCORPUS_FRONTIER_LEASE"}
_CHOICES = {"NEWSCORPUS_PROGRESS": ("auto", "on", "off")}
_DURATION = re.compile(r"(never|0|\d+(\.\d+)?\s*[smhdw])", re.IGNORECASE)


def component() -> Component:
    """The crawler's settings: ours (``NEWSCORPUS_*``) and Scrapy's, by name."""
    import crawler.settings as defaults

    return Component("crawler", module_defaults(defaults, "", exclude={"NEWSCORPUS_HOME"}), _check,
                     accepts=_scrapy_setting)


def _scrapy_setting(name: str) -> tuple[bool, object]:
    from scrapy.settings import default_settings

    return (True, getattr(default_settings, name)) if name.isupper() and hasattr(default_settings, name) \
        else (False, None)


def _check(values: dict) -> dict:
    """Check the crawler's values (Scrapy checks its own only when the crawl starts, with a traceback)."""
    for name, value in values.items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if value < 0 or (name in _POSITIVE and value == 0):
                allowed = "a number above 0" if name in _POSITIVE else "a number >= 0"
                raise ValueError(f"setting {name} must be {allowed}, got {value!r}")
        if name in _CHOICES and value not in _CHOICES[name]:
            raise ValueError(f"setting {name} must be one of {', '.join(_CHOICES[name])}, got {value!r}")
    if not 0 <= values.get("NEWSCORPUS_WARC_GZIP_LEVEL", 6) <= 9:
        raise ValueError(f"setting NEWSCORPUS_WARC_GZIP_LEVEL must be 0 to 9, got {values['NEWSCORPUS_WARC_GZIP_LEVEL']!r}")
    if not _DURATION.fullmatch(str(values.get("NEWSCORPUS_REVISIT_AFTER", "7d")).strip()):
        raise ValueError("setting NEWSCORPUS_REVISIT_AFTER must be a duration such as 7d, 12h, 0 or never, "
                         f"got {values['NEWSCORPUS_REVISIT_AFTER']!r}")
    if values.get("NEWSCORPUS_FRONTIER_REDIS"):
        from crawler.redis_frontier import FrontierError, check_frontier_url

        try:
            check_frontier_url(values["NEWSCORPUS_FRONTIER_REDIS"])
        except FrontierError as error:
            raise ValueError(f"setting {error}") from None
    return values


class WorkspaceSettings:
    """Scrapy add-on: the workspace's settings file and environment over ``crawler/settings.py``.

    They go in at the project's priority, so ``scrapy crawl -s NAME=VALUE`` (and ``newscorpus crawl``'s
    own command-line settings) still win. A bad value stops the crawl before it starts, naming the
    setting and where it came from.
    """

    def update_settings(self, settings) -> None:
        from crawler.redis_frontier import frontier_settings

        home = Workspace.resolve(settings.get("NEWSCORPUS_HOME")).home
        for name, value in workspace_settings([component()], home, []).changed("crawler").items():
            settings.set(name, value, priority="project")
        frontier_settings(settings)
