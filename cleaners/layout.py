"""Layouts trafilatura misreads, rewritten in the tree before extraction.

- Lists used as page columns (the article in one ``<ul><li>``): trafilatura writes a list item as one
  line, so the article came out as a single run-together paragraph with its headline and date glued
  on, out of every line rule's reach. A list item that holds several paragraphs of prose is a
  column: it (and its list) becomes a ``<div>``.
- Sections used as paragraphs (WeChat 公众号 editors write ``<section><span>text</span></section>``
  and no ``<p>``): trafilatura found no main text in them. A ``<section>`` with text and no block
  inside is a paragraph: it becomes a ``<p>``.
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


_BLOCKS = {"address", "article", "aside", "blockquote", "div", "dl", "figure", "footer", "form", "h1", "h2", "h3",
           "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "ul"}


def section_paragraphs(tree: HtmlElement) -> int:
    """Turn the ``<section>``s that hold text and no block into ``<p>``s, in place; how many were."""
    found = [section for section in tree.iter("section")
             if not any(isinstance(e.tag, str) and e.tag in _BLOCKS for e in section.iterdescendants())
             and section.text_content().strip()]
    for section in found:
        section.tag = "p"
    return len(found)
