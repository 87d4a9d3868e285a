"""``newscorpus crawl``: fetch sites into the workspace (store rows + WARC files)."""

from __future__ import annotations

import click

from corpus.cli.common import effective_settings, json_option, run_stage_command, settings_option


def crawl_options(command):
    """The crawl options, shared by ``crawl`` and ``run``."""
    options = [
        click.option("--site", "site_files", multiple=True, type=click.Path(dir_okay=False),
                     help="Site YAML file (repeatable); see crawler/sites/*.yaml."),
        click.option("--base-url", metavar="URL",
                     help="Resolve the site files' relative URLs against this URL (their `base_url`), e.g. the "
                          "demo site on another port."),
        click.option("--start-url", multiple=True, metavar="URL", help="Crawl from this page (repeatable)."),
        click.option("--sitemap", multiple=True, metavar="URL", help="Read this sitemap or sitemap index (repeatable)."),
        click.option("--feed", multiple=True, metavar="URL", help="Read this RSS/Atom feed (repeatable)."),
        click.option("--allow-domain", multiple=True, metavar="DOMAIN",
                     help="Also follow links into this domain (ad hoc crawls; repeatable)."),
        click.option("--max-pages", type=click.IntRange(min=1), help="Stop after this many responses."),
        click.option("--since", metavar="DATE", help="First day (YYYY-MM-DD) of a site file's date back-fill."),
        click.option("--until", metavar="DATE", help="Last day of the back-fill (default: today)."),
        click.option("--revisit-after", metavar="DURATION",
                     help="Re-check stored articles older than this with a conditional GET (7d, 12h, 0, never)."),
        click.option("--verbose", is_flag=True, help="Show Scrapy's log at INFO level."),
        settings_option,
        json_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


def crawl_lines(summary: dict) -> list[str]:
    from crawler.run import summary as crawl_summary_lines

    return crawl_summary_lines(summary.get("stats") or {})


@click.command()
@crawl_options
@click.option("--frontier", metavar="REDIS_URL",
              help="Share the request queue, claimed URLs, revisit state and per-host politeness with every crawl "
                   "given the same Redis (redis://HOST:PORT/DB; the [scale] extra). Same as "
                   "--set NEWSCORPUS_FRONTIER_REDIS=URL.")
@click.pass_context
def crawl(ctx, overrides, as_json, frontier, **options):
    """Crawl news sites: discover articles, keep every response in WARC, record fetches in the store.

    With only --start-url the spider finds articles itself (robots.txt sitemaps, news sitemaps,
    RSS/Atom feeds, listing pages) and names each page's outlet from the page (og:site_name, JSON-LD
    publisher, or the name its section's pages gave; the host otherwise). A second crawl fetches only new articles and those due for
    revisit (conditional GET); a killed crawl resumes where it stopped. Exits 3 when no server
    answered or most fetches failed (the site is down), 75 when another run holds the workspace.
    With --frontier, crawl processes on this machine (in one workspace or several) and on others
    share one frontier in Redis: start as many as you like, each URL is fetched once.

    \b
    Example:
        newscorpus demo-site --port 8410 &
        newscorpus crawl --start-url http://127.0.0.1:8410/
        newscorpus crawl --site crawler/sites/hk.yaml --since 2025-11-01 --until 2025-11-07
        newscorpus crawl --site crawler/sites/wire.yaml --base-url http://127.0.0.1:8411/
        newscorpus crawl --start-url http://127.0.0.1:8410/ --set DOWNLOAD_DELAY=0.5 --json | jq .status
        newscorpus crawl --start-url http://127.0.0.1:8410/ --frontier redis://127.0.0.1:6379/0 &
        newscorpus crawl --start-url http://127.0.0.1:8410/ --frontier redis://127.0.0.1:6379/0
    """
    from corpus.cycle import CRAWL, crawl_job

    if frontier:
        overrides = (*overrides, f"NEWSCORPUS_FRONTIER_REDIS={frontier}")
    settings = effective_settings(ctx, overrides)
    crawl_job(options, settings.changed("crawler"))  # check the sites and options before any work
    run_stage_command(ctx, CRAWL, options, settings, as_json, render=crawl_lines)
