"""``newscorpus crawl``: fetch sites into the workspace (store rows + WARC files)."""

from __future__ import annotations

import click

from corpus.cli.common import workspace
from corpus.runlock import RunLock, WorkspaceBusy


def crawl_options(command):
    """The crawl options, shared by ``crawl`` and ``run``."""
    options = [
        click.option("--site", "site_files", multiple=True, type=click.Path(dir_okay=False),
                     help="Site YAML file (repeatable); see crawler/sites/*.yaml."),
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
        click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE",
                     help="Override a Scrapy or NEWSCORPUS_* setting (repeatable), e.g. DOWNLOAD_DELAY=1."),
        click.option("--verbose", is_flag=True, help="Show Scrapy's log at INFO level."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def crawl_request(site_files, start_url, sitemap, feed, allow_domain, max_pages, since, until, revisit_after,
                  overrides, verbose) -> tuple[list, dict]:
    """The sites and ``run_crawl`` keyword arguments the crawl options ask for.

    Raises:
        click.UsageError: nothing to crawl, or a malformed --set.
        SiteConfigError: a site file or option is invalid.
    """
    from crawler.sites import adhoc_site, load_site

    settings = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--set")
        settings[name.strip()] = value
    sites = [load_site(path) for path in site_files]
    if start_url or sitemap or feed:
        sites.append(adhoc_site(start_url, sitemap, feed, allow_domain))
    if not sites:
        raise click.UsageError("nothing to crawl: give --site FILE or --start-url/--sitemap/--feed URL")
    return sites, dict(since=since, until=until, revisit_after=revisit_after, max_pages=max_pages,
                       verbose=verbose, overrides=settings)


@click.command()
@crawl_options
@click.option("--frontier", metavar="REDIS_URL",
              help="Share the request queue, seen URLs, revisit state and per-host politeness with every crawl "
                   "started with the same URL (redis://HOST:PORT/DB; needs the [scale] extra). "
                   "Same as --set NEWSCORPUS_FRONTIER=URL.")
@click.pass_context
def crawl(ctx, frontier, **options):
    """Crawl news sites: discover articles, keep every response in WARC, record fetches in the store.

    With only --start-url the spider finds articles itself (robots.txt sitemaps, news sitemaps,
    RSS/Atom feeds, listing pages). A second crawl fetches only new articles and those due for
    revisit (conditional GET); a killed crawl resumes where it stopped. With --frontier, any number
    of crawl processes (on this machine, in one workspace, or on others) share one frontier in Redis.

    \b
    Example:
        newscorpus demo-site --port 8410 &
        newscorpus crawl --start-url http://127.0.0.1:8410/
        newscorpus crawl --site crawler/sites/hk.yaml --since 2025-11-01 --until 2025-11-07
        newscorpus crawl --start-url http://127.0.0.1:8410/ --frontier redis://127.0.0.1:6379/0 &
        newscorpus crawl --start-url http://127.0.0.1:8410/ --frontier redis://127.0.0.1:6379/0
    """
    from crawler.run import run_crawl, summary
    from crawler.sites import SiteConfigError

    try:
        if frontier:
            options["overrides"] = (*options["overrides"], f"NEWSCORPUS_FRONTIER={frontier}")
        sites, crawl_kwargs = crawl_request(**options)
        shared = bool(crawl_kwargs["overrides"].get("NEWSCORPUS_FRONTIER"))
        ws = workspace(ctx).ensure()
        with RunLock(ws.home / "run.lock", shared=shared):
            result = run_crawl(ws, sites, **crawl_kwargs)
    except (SiteConfigError, WorkspaceBusy) as error:
        raise click.ClickException(str(error)) from None
    for line in summary(result.stats):
        click.echo(line)
    if result.status != "finished":
        raise click.ClickException(f"the crawl stopped early ({result.stats.get('finish_reason')}); "
                                   f"run the same command again to resume")
