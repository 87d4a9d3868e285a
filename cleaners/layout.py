"""Layout lists: pages that place their columns in ``<ul><li>`` (the article in one ``<li>``).

trafilatura writes a list item as one line, so such an article comes out as a single run-together
paragraph with its headline and date glued on, and no line rule can reach its debris. A list item
that holds several paragraphs of prose is a column, not a list item: it (and its list) becomes a
``<div>`` before extraction.
"""

from __future__ import annotations

from lxml.html import HtmlElement

LAYOUT_MIN_PARAGRAPHS = 2         # paragraphs of prose a list item needs to be a page column
LAYOUT_MIN_PARAGRAPH_CHARS = 20
LAYOUT_MIN_CHARS = 200


def _is_column(item: HtmlElement) -> bool:
    lengths = [len("".join(p.text_content().split())) for p in item.iter("p")]
    prose = [n for n in lengths if n >= LAYOUT_MIN_PARAGRAPH_CHARS]
    return len(prose) >= LAYOUT_MIN_PARAGRAPHS and sum(prose) >= LAYOUT_MIN_CHARS


def unwrap_layout_lists(tree: HtmlElement) -> int:
    """Turn the lists whose items are page columns into ``<div>``s, in place; how many lists were.

    (Layout tables are left alone: trafilatura reads them well, and unwrapping them cost 0.06 F1.)
    """
    lists = {id(item.getparent()): item.getparent() for item in tree.iter("li")
             if item.getparent() is not None and item.getparent().tag in ("ul", "ol") and _is_column(item)}
    for found in lists.values():
        found.tag = "div"
        for item in found.iterchildren("li"):
            item.tag = "div"
    return len(lists)
