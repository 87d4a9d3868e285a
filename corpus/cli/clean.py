"""``newscorpus clean``: clean saved pages or text files, one JSON line per story."""

from __future__ import annotations

import json

import click


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--url", help="The page's URL (for URL dates and the outlet); default: the file's file:// URI.")
@click.option("--encoding", help="Impose an encoding (e.g. gb18030, big5hkscs) instead of detecting it.")
def clean(paths: tuple[str, ...], url: str | None, encoding: str | None) -> None:
    """Clean saved HTML or text files (`-`: stdin) and print one JSON object per story, in input order.

    Each line has the input's `path` and the document fields (title, text, published,
    date_source, lang, script, encoding, extra with rule counts), or `reject` and `detail`,
    or `error`. A page that holds several stories (an e-paper page, a saved page's text) gives
    one line per story, each with the `page` it came from and its `story_index`. The tool to
    reach for when one site's extraction looks wrong.

    \b
    Example:
        newscorpus clean saved/page.html --url https://news.example.cn/2024/05/26/a.html
        newscorpus clean *.html | jq -r '.reject // .title'
        newscorpus clean epaper-page.txt | jq -r '[.story_index, .title] | @tsv'
        curl -s https://news.example.cn/a.html | newscorpus clean - --url https://news.example.cn/a.html
    """
    from cleaners.files import clean_file
    from cleaners.encoding import normalize_label

    if encoding and normalize_label(encoding) is None:
        raise click.BadParameter(f"unknown encoding {encoding!r}; try gb18030, big5hkscs or utf-8", param_hint="--encoding")
    failed = 0
    for path in paths:
        if path == "-":  # stdin: read through the device file; its own URL is no page's
            results = [{**result, "path": "-"} for result in
                       clean_file("/dev/stdin", url=url or "file:///dev/stdin", encoding=encoding)]
        else:
            results = clean_file(path, url=url, encoding=encoding)
        failed += any("error" in result for result in results)
        for result in results:
            click.echo(json.dumps(result, ensure_ascii=False))
    if failed:
        raise click.ClickException(f"{failed} of {len(paths)} inputs could not be read (see their 'error')")
