"""Stacked bars drawn in HTML and CSS, for the chart an official sees first.

The Overview's first chart was a plotly figure, and plotly's script is 4.7 MB: a browser opening
a new session spent ~1.3 s compiling it before anything on the page showed (measured in Chromium by
`python -m bench browser`), against 0.2 s for the page's own run. Companies by level per area is a
plain stacked bar, which HTML draws at once, prints, reads aloud (each segment says its count) and
needs no script. Plotly stays for the charts an official asks for (trend, adoption, map).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

LABEL_FROM_SHARE = 0.06  # a segment narrower than this shows its count on hover only


@dataclass(frozen=True)
class Segment:
    label: str
    color: str

    @property
    def text_color(self) -> str:
        """Dark text on light colours, white on dark ones (WCAG relative luminance)."""
        value = self.color.lstrip("#")
        if len(value) != 6:
            return "#111"
        channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        return "#111" if luminance > 0.179 else "#fff"


def stacked_bars(title: str, segments: Sequence[Segment], rows: Sequence[tuple[str, Sequence[int]]]) -> str:
    """One bar per row (name, a count per segment), all on one scale (the largest row's total)."""
    widest = max((sum(counts) for _name, counts in rows), default=0) or 1
    legend = "".join(
        f'<span class="zr-key"><i style="background:{s.color}"></i>{html.escape(s.label)}</span>'
        for s in segments
    )
    lines = []
    for name, counts in rows:
        parts = []
        for segment, count in zip(segments, counts, strict=True):
            if not count:
                continue
            share = count / widest
            shown = str(count) if share >= LABEL_FROM_SHARE else ""
            label = html.escape(f"{segment.label}: {count}")
            parts.append(
                f'<span class="zr-seg" style="width:{share * 100:.3f}%;background:{segment.color};'
                f'color:{segment.text_color}" title="{label}" aria-label="{label}">{shown}</span>'
            )
        lines.append(
            f'<div class="zr-row"><span class="zr-name">{html.escape(name)}</span>'
            f'<span class="zr-bar">{"".join(parts)}</span><span class="zr-total">{sum(counts)}</span></div>'
        )
    return (
        f'<figure class="zr-bars" role="img" aria-label="{html.escape(title)}">'
        f'<figcaption>{html.escape(title)}</figcaption><div class="zr-legend">{legend}</div>'
        f"{''.join(lines)}</figure>"
    )


def points_bars(title: str, points_label: str, max_label: str, rows: Sequence[tuple[str, int, int]]) -> str:
    """Points against the maximum per section (name, points, max): the Result page's first chart,
    drawn at once, like the Overview's (a plotly figure there cost the company's browser more than
    the page's own run)."""
    scored, rest = Segment(points_label, "#d95f02"), Segment(max_label, "#e0e0e0")
    widest = max((most for _name, _points, most in rows), default=0) or 1
    legend = "".join(
        f'<span class="zr-key"><i style="background:{s.color}"></i>{html.escape(s.label)}</span>'
        for s in (scored, rest)
    )
    lines = []
    for name, points, most in rows:
        label = html.escape(f"{name}: {points}/{most}")
        filled = f"width:{points / widest * 100:.3f}%;background:{scored.color};color:{scored.text_color}"
        empty = f"width:{max(most - points, 0) / widest * 100:.3f}%;background:{rest.color}"
        shown = str(points) if points / widest >= LABEL_FROM_SHARE else ""
        lines.append(
            f'<div class="zr-row" title="{label}" aria-label="{label}">'
            f'<span class="zr-name">{html.escape(name)}</span><span class="zr-bar">'
            f'<span class="zr-seg" style="{filled}">{shown}</span>'
            f'<span class="zr-seg" style="{empty}"></span>'
            f'</span><span class="zr-total">{points}/{most}</span></div>'
        )
    return (
        f'<figure class="zr-bars" role="img" aria-label="{html.escape(title)}">'
        f'<figcaption>{html.escape(title)}</figcaption><div class="zr-legend">{legend}</div>'
        f"{''.join(lines)}</figure>"
    )


STYLE = """<style>
.zr-bars{margin:0 0 1rem 0;font-size:0.9rem}
.zr-bars figcaption{font-weight:600;margin-bottom:.35rem}
.zr-legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;margin-bottom:.5rem}
.zr-key i{display:inline-block;width:.8em;height:.8em;margin-right:.3em;border-radius:2px}
.zr-row{display:flex;align-items:center;gap:.5rem;margin:.2rem 0}
.zr-name{flex:0 0 13rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.zr-bar{flex:1 1 auto;display:flex;height:1.35rem;background:#f5f5f5;border-radius:3px;overflow:hidden}
.zr-seg{display:flex;align-items:center;justify-content:center;font-size:.75rem;white-space:nowrap;overflow:hidden}
.zr-total{flex:0 0 3.5rem;text-align:right;font-variant-numeric:tabular-nums}
@media (max-width:640px){.zr-name{flex-basis:8rem}}
</style>"""
