"""Inline SVG charts drawn server-side: the page needs no chart library and no network."""

from __future__ import annotations

from html import escape

BAR = "#3b6ea8"
DUPLICATE = "#c8553d"
MUTED = "#d9dee5"


def size_histogram_svg(histogram: list[dict], width: int = 520, height: int = 220) -> str:
    """Vertical bars: how many clusters have each size (log-free counts, labelled on top)."""
    top, bottom, left = 24, 36, 8
    peak = max((b["count"] for b in histogram), default=0) or 1
    slot = (width - left * 2) / max(len(histogram), 1)
    parts = [_open(width, height, "Clusters by size")]
    for index, bucket in enumerate(histogram):
        bar_height = (height - top - bottom) * bucket["count"] / peak
        x = left + index * slot + slot * 0.15
        y = height - bottom - bar_height
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{bar_height:.1f}" '
                     f'fill="{BAR if index else MUTED}"><title>{escape(bucket["label"])}: '
                     f'{bucket["count"]:,} clusters</title></rect>')
        center = x + slot * 0.35
        parts.append(f'<text x="{center:.1f}" y="{y - 5:.1f}" text-anchor="middle" class="n">{bucket["count"]:,}</text>')
        parts.append(f'<text x="{center:.1f}" y="{height - bottom + 16:.1f}" text-anchor="middle">'
                     f'{escape(bucket["label"])}</text>')
    parts.append(f'<text x="{width / 2:.1f}" y="{height - 4}" text-anchor="middle" class="axis">'
                 f'documents per cluster</text></svg>')
    return "".join(parts)


def outlet_duplicates_svg(outlets: list[dict], width: int = 520) -> str:
    """One horizontal bar per outlet: its documents, with the duplicated share in a second colour."""
    row, label_width, top = 26, 150, 8
    shown = outlets[:20]
    height = top * 2 + row * max(len(shown), 1)
    peak = max((o["documents"] for o in shown), default=0) or 1
    span = width - label_width - 110
    parts = [_open(width, height, "Duplicates per outlet")]
    for index, outlet in enumerate(shown):
        y = top + index * row
        total = span * outlet["documents"] / peak
        dup = span * outlet["duplicates"] / peak
        name = escape(outlet["outlet"] or "(no outlet)")
        parts.append(f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end">{name}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 4}" width="{total:.1f}" height="16" fill="{MUTED}"/>')
        parts.append(f'<rect x="{label_width}" y="{y + 4}" width="{dup:.1f}" height="16" fill="{DUPLICATE}">'
                     f'<title>{name}: {outlet["duplicates"]:,} of {outlet["documents"]:,} documents are '
                     f'duplicates</title></rect>')
        parts.append(f'<text x="{label_width + total + 6:.1f}" y="{y + 16}" class="n">'
                     f'{outlet["duplicates"]:,}/{outlet["documents"]:,} ({outlet["duplicate_rate"]:.0%})</text>')
    parts.append("</svg>")
    return "".join(parts)


def _open(width: int, height: int, title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>')
