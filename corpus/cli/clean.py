"""``newscorpus clean``: clean saved pages or text files, one JSON line per input."""

from __future__ import annotations

import json

import click


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--url", help="The page's URL (for URL dates and the outlet); default: the file's file:// URI.")
@click.option("--encoding", help="Impose an encoding (e.g. gb18030, big5hkscs) instead of detecting it.")
def clean(paths: tuple[str, ...], url: str | None, encoding: str | None) -> None:
    """Clean saved HTML or text files and print one JSON object per story, in input order.

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
    """
    from cleaners.files import clean_file
    from cleaners.encoding import normalize_label

    if encoding and normalize_label(encoding) is None:
        raise click.BadParameter(f"unknown encoding {encoding!r}; try gb18030, big5hkscs or utf-8", param_hint="--encoding")
    failed = 0
    for path in paths:
        results = clean_file(path, url=url, encoding=encoding)
        failed += any("error" in result for result in results)
        for result in results:
            click.echo(json.dumps(result, ensure_ascii=False))
    if failed:
        raise click.ClickException(f"{failed} of {len(paths)} inputs could not be read (see their 'error')")
