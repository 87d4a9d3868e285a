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


def copy_matrix_svg(matrix, limit: int) -> str:
    """Outlet × outlet grid: row = had the story first, column = carried it later; shade = share of the column's stories."""
    outlets = matrix.outlets[:limit]
    cell, label, head = 46, 118, 96
    size = label + cell * max(len(outlets), 1) + 70   # room for the last rotated column label
    height = head + cell * max(len(outlets), 1) + 8
    parts = [_open(size, height, "Who copies whom")]
    for column, copier in enumerate(outlets):
        x = label + column * cell + cell / 2
        parts.append(f'<text transform="translate({x:.0f},{head - 6}) rotate(-40)">{escape(copier or "(no outlet)")}'
                     "</text>")
    for row, source in enumerate(outlets):
        y = head + row * cell
        parts.append(f'<text x="{label - 8}" y="{y + cell / 2 + 4:.0f}" text-anchor="end">'
                     f'{escape(source or "(no outlet)")}</text>')
        for column, copier in enumerate(outlets):
            x = label + column * cell
            pair = matrix.pair(source, copier) if source != copier else None
            share = pair.share_of_copier if pair else 0.0
            fill = MUTED if source == copier else _shade(share)
            tip = (f"{escape(copier or '(no outlet)')} carried {pair.stories:,} stories after "
                   f"{escape(source or '(no outlet)')} ({share:.0%} of its stories), median delay "
                   f"{pair.median_delay_hours:,.1f} h") if pair else ""
            parts.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cell - 2}" height="{cell - 2}" fill="{fill}">'
                         + (f"<title>{tip}</title>" if tip else "") + "</rect>")
            if pair:
                ink = "#fff" if share > 0.5 else "#1d2733"
                parts.append(f'<text x="{x + cell / 2:.0f}" y="{y + cell / 2 + 4:.0f}" text-anchor="middle" '
                             f'style="fill:{ink}">{pair.stories:,}</text>')
    parts.append("</svg>")
    return "".join(parts)


def weekly_copies_svg(matrix, limit: int, weeks_shown: int = 52) -> str:
    """Per outlet, one bar per ISO week: the share of that week's stories another outlet had first."""
    outlets = matrix.outlets[:limit]
    weeks = sorted({row.week for row in matrix.weeks})[-weeks_shown:]
    by_key = {(row.week, row.outlet): row for row in matrix.weeks}
    label, row_height, width, top = 118, 34, 560, 8
    height = top + row_height * max(len(outlets), 1) + 22
    slot = (width - label - 8) / max(len(weeks), 1)
    parts = [_open(width, height, "Copies per outlet and week")]
    for index, outlet in enumerate(outlets):
        y = top + index * row_height
        parts.append(f'<text x="{label - 8}" y="{y + 20}" text-anchor="end">{escape(outlet or "(no outlet)")}</text>')
        parts.append(f'<rect x="{label}" y="{y + 2}" width="{width - label - 8}" height="{row_height - 6}" fill="#f3f5f8"/>')
        for column, week in enumerate(weeks):
            found = by_key.get((week, outlet))
            if not found:
                continue
            share = found.copies / found.stories
            bar = (row_height - 6) * share
            parts.append(f'<rect x="{label + column * slot + slot * 0.1:.1f}" y="{y + row_height - 4 - bar:.1f}" '
                         f'width="{max(slot * 0.8, 1):.1f}" height="{bar:.1f}" fill="{DUPLICATE}"><title>'
                         f'{escape(outlet or "(no outlet)")}, {week}: {found.copies:,} of {found.stories:,} stories '
                         f'carried after another outlet</title></rect>')
    if weeks:
        parts.append(f'<text x="{label}" y="{height - 6}" class="axis">{escape(weeks[0])}</text>')
        parts.append(f'<text x="{width - 8}" y="{height - 6}" text-anchor="end" class="axis">{escape(weeks[-1])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _shade(share: float) -> str:
    """White to the duplicate colour, by share."""
    low, high = (255, 255, 255), (200, 85, 61)
    r, g, b = (round(lo + (hi - lo) * min(max(share, 0.0), 1.0)) for lo, hi in zip(low, high))
    return f"#{r:02x}{g:02x}{b:02x}"
