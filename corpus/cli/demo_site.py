"""``newscorpus demo-site``: serve the bundled demo news site on 127.0.0.1."""

from __future__ import annotations

import click


@click.command("demo-site")
@click.option("--port", type=click.IntRange(0, 65535), default=8410, show_default=True,
              help="Port on 127.0.0.1; 0 picks a free one.")
@click.option("--scale", type=click.IntRange(min=1), default=1, show_default=True,
              help="Size of the site: 1 is 112 articles, 50 gives 5,558.")
def demo_site(port: int, scale: int) -> None:
    """Serve the demo news site (four outlets, Big5/GBK/UTF-8, faults) until Ctrl-C.

    The first line printed is the site's URL. Every page is rendered in memory at start;
    /ground-truth.json says which page carries which story.

    \b
    Example:
        newscorpus demo-site --port 8410
        newscorpus crawl --start-url http://127.0.0.1:8410/
    """
    from crawler.demosite.__main__ import serve

    try:
        serve(port, scale)
    except OSError as error:
        raise click.ClickException(f"cannot serve on 127.0.0.1:{port}: {error.strerror or error}. "
                                   "Pick another --port, or --port 0 for a free one.") from error
