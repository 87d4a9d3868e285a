"""Repeated story containers in a page's HTML: an e-paper page's stories, a portal's appended articles.

A container is an element whose siblings of the same tag and class also hold a headline
(``h1``-``h4``) and paragraphs: two or more such siblings are the page's stories, in page order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from lxml.html import HtmlElement

CONTAINERS_MIN_TEXT_CHARS = 120     # paragraph text a container needs to count as a story
_HEADINGS = ("h1", "h2", "h3", "h4")
_BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "figcaption", "li", "blockquote", "pre"}
_SKIP = {"script", "style", "noscript", "template", "nav", "form", "button", "select"}


@dataclass(frozen=True)
class Container:
    """One story container: its headline and its blocks' text, one paragraph per line."""

    title: str
    lines: list[str]


def _flat(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _headline(element: HtmlElement) -> str | None:
    for level in _HEADINGS:
        found = element.find(f".//{level}")
        if found is not None and (text := _flat(found)):
            return text
    return None


def block_lines(element: HtmlElement) -> list[str]:
    """The text of the element's block descendants (headings, paragraphs, captions), in order."""
    lines = []
    for node in element.iter():
        if not isinstance(node.tag, str) or node.tag in _SKIP:
            continue
        if node.tag in _BLOCKS and not any(isinstance(a.tag, str) and a.tag in _BLOCKS for a in node.iterancestors()):
            if text := _flat(node):
                lines.append(text)
    return lines


def _paragraph_chars(element: HtmlElement) -> int:
    return sum(len(_flat(p)) for p in element.iterfind(".//p"))


def story_containers(tree: HtmlElement) -> list[Container]:
    """The page's repeated story containers, or [] when it has fewer than two."""
    body = tree.find(".//body")
    groups: dict[tuple, list[HtmlElement]] = defaultdict(list)
    for element in (body if body is not None else tree).iter("div", "article", "section", "li"):
        parent = element.getparent()
        if parent is None:
            continue
        groups[(parent, element.tag, element.get("class") or "")].append(element)
    best: list[HtmlElement] = []
    for members in groups.values():
        stories = [m for m in members if _headline(m) and _paragraph_chars(m) >= CONTAINERS_MIN_TEXT_CHARS]
        if len(stories) >= 2 and sum(map(_paragraph_chars, stories)) > sum(map(_paragraph_chars, best)):
            best = stories
    return [Container(_headline(element) or "", block_lines(element)) for element in best]
