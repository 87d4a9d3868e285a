"""``newscorpus review``: serve the report on 127.0.0.1 so editors record decisions by clicking."""

from __future__ import annotations

import click

from corpus.cli.common import workspace


@click.command()
@click.option("--host", default=None, metavar="ADDRESS",
              help="Address to listen on. Default 127.0.0.1 (this machine only); anything else is "
                   "reachable by others and is only used when given here, with a warning.")
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Port to listen on; 0 picks a free one. Default: 8765.")
@click.option("--editor", default=None, help="Your name, filled in on every decision (editable in the page).")
@click.pass_context
def review(ctx: click.Context, host: str | None, port: int | None, editor: str | None) -> None:
    """Serve the dedup report as a small local web app that records editors' decisions.

    Open the printed URL, open a cluster, and click "not the same story" (split), "make canonical",
    or select clusters and "Merge": each decision is stored in the workspace at once (JSON API
    guarded by a per-session CSRF token), and the next `dedup` applies it. Ctrl-C stops.

    \b
    Example:
        newscorpus review --editor 李编辑
        newscorpus review --port 0        # any free port; the first line printed is the URL
    """
    from corpus.report.review import REVIEW_DEFAULT_HOST, REVIEW_DEFAULT_PORT, ReviewServer, is_loopback

    host = host or REVIEW_DEFAULT_HOST
    port = REVIEW_DEFAULT_PORT if port is None else port
    if not is_loopback(host):
        click.echo(f"Warning: listening on {host}: anyone who can reach this address can read the report "
                   "(writes still need the page's token).", err=True)
    ws = workspace(ctx).require()
    ws.open_store().close()  # a broken or read-only store fails here, not in the first request
    try:
        server = ReviewServer(ws, host, port, editor)
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port} ({error.strerror}); "
                                   "choose another --port (0 = any free port)") from None
    click.echo(f"Review: {server.url}  (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
