"""``newscorpus export``: the store's current contents in formats other tools read."""

import click

from corpus.cli.lazy import LazyGroup

EXPORTS = {
    "documents": "corpus.cli.export_documents:documents",
    "clusters": "corpus.cli.export_clusters:clusters",
}


@click.group(cls=LazyGroup, commands=EXPORTS)
def export() -> None:
    """Write the current documents or clusters to stdout as JSON Lines or CSV.

    \b
    Example:
        newscorpus export documents --format jsonl > documents.jsonl
        newscorpus export clusters --format csv > clusters.csv
    """
