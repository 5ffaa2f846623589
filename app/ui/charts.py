"""Plotly figures. Each answers one question and says which in its title."""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.graph_objects as go

from app.assessment.schema import RuleSet

FONT = dict(family="Inter, 'Segoe UI', 'Noto Sans', Arial, sans-serif", size=13)


# plotly's decimal and thousands marks per language: ticks and hovers read 16,1 % and 1.384 in
# Vietnamese as every table and figure of the page does (issue 26)
SEPARATORS = {"vi": ",.", "en": ".,"}


# no tool bar over the chart's title (on a phone the two overlapped); the figures are read, not
# edited, and an official who needs the numbers downloads the workbook
STILL = {"displayModeBar": False, "displaylogo": False}


def percent_suffix(lang: str) -> str:
    return "\u00a0%" if lang == "vi" else "%"


def _layout(fig: go.Figure, title: str, height: int = 360, lang: str = "vi") -> go.Figure:
    """The title, then the legend in a row of its own above the plot: below it, the legend
    collided with long axis labels (round names, zone names). Numbers in the page's language."""
    fig.update_layout(
        separators=SEPARATORS.get(lang, ".,"),
        title=dict(text=title, x=0, xanchor="left", y=0.98, yanchor="top"),
        height=height,
        margin=dict(l=10, r=10, t=90, b=10),
        font=FONT,
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, xanchor="left"),
    )
    return fig


def index_trend(
    periods: Sequence[str],
    indexes: Sequence[float],
    levels: Sequence[str],
    ruleset: RuleSet,
    lang: str,
    title: str,
) -> go.Figure:
    """The risk index over the rounds, with the level bands behind it."""
    fig = go.Figure()
    for level in ruleset.levels:
        lower, upper = level.band.lower(), level.band.upper()
        fig.add_hrect(
            y0=float(lower[0]) if lower else 0,
            y1=float(upper[0]) if upper else 100,
            fillcolor=level.color,
            opacity=0.15,
            line_width=0,
        )
    colours = {lv.id: lv.color for lv in ruleset.levels}
    labels = {lv.id: lv.label.get(lang) for lv in ruleset.levels}
    fig.add_scatter(
        x=list(periods),
        y=list(indexes),
        mode="lines+markers",
        marker=dict(
            size=11, color=[colours.get(lv, "#888") for lv in levels], line=dict(width=1, color="#333")
        ),
        line=dict(color="#555"),
        text=[labels.get(lv, lv) for lv in levels],
        hovertemplate="%{x}<br>%{y:.2f}" + percent_suffix(lang) + "<br>%{text}<extra></extra>",
        showlegend=False,
    )
    fig.update_yaxes(range=[0, 100], ticksuffix=percent_suffix(lang))
    return _layout(fig, title, lang=lang)


def filing_and_levels_trend(
    rounds: Sequence[str],
    levels: Sequence[dict[str, int]],
    filed_share: Sequence[float | None],
    ruleset: RuleSet,
    lang: str,
    title: str,
    filed_label: str,
) -> go.Figure:
    """Levels of the filed companies per round (bars) and the share that filed (line)."""
    fig = go.Figure()
    for level in ruleset.levels:
        fig.add_bar(
            x=list(rounds),
            y=[row.get(level.id, 0) for row in levels],
            name=level.label.get(lang),
            marker_color=level.color,
        )
    fig.add_scatter(
        x=list(rounds),
        y=[None if s is None else s * 100 for s in filed_share],
        name=filed_label,
        yaxis="y2",
        mode="lines+markers",
        line=dict(color="#1f4e79", width=3),
    )
    fig.update_layout(
        barmode="stack",
        yaxis2=dict(
            overlaying="y", side="right", range=[0, 100], ticksuffix=percent_suffix(lang), showgrid=False
        ),
    )
    return _layout(fig, title, height=420, lang=lang)


def adoption_by_area(
    names: Sequence[str],
    bluezone: Sequence[float | None],
    health: Sequence[float | None],
    labels: tuple[str, str],
    target: float,
    title: str,
    lang: str = "vi",
) -> go.Figure:
    """Bluezone (of smartphone owners) and health declaration (of workers) per zone or district."""
    fig = go.Figure()
    fig.add_bar(
        y=[html.escape(n) for n in names],
        x=[None if v is None else v * 100 for v in bluezone],
        name=labels[0],
        orientation="h",
        marker_color="#2b8cbe",
    )
    fig.add_bar(
        y=[html.escape(n) for n in names],
        x=[None if v is None else v * 100 for v in health],
        name=labels[1],
        orientation="h",
        marker_color="#7bccc4",
    )
    fig.add_vline(x=target * 100, line_dash="dash", line_color="#b71c1c")
    fig.update_layout(
        barmode="group",
        yaxis=dict(autorange="reversed"),
        xaxis=dict(range=[0, 100], ticksuffix=percent_suffix(lang)),
    )
    return _layout(fig, title, height=120 + 44 * len(names), lang=lang)


def company_map(
    points: Sequence[tuple[float, float, str, int, str]],
    centroids: Sequence[tuple[float, float, str]],
    ruleset: RuleSet,
    lang: str,
    title: str,
    style: str = "offline",
) -> go.Figure:
    """Companies by level (colour) and workforce (size), with the zone and district names.
    On map tiles (`style`, e.g. carto-positron, fetched by the browser) where the browser is
    online; with `offline` on longitude/latitude axes, which need nothing from the internet.
    Area names sit beside their point, not on top of the companies' bubbles."""
    tiles = style != "offline"
    fig = go.Figure()
    for level in ruleset.levels:
        chosen = [p for p in points if p[2] == level.id]
        if not chosen:
            continue
        marker = dict(
            color=level.color, size=[max(6, min(40, (p[3] or 1) ** 0.5 / 2.2)) for p in chosen], opacity=0.8
        )
        common = dict(
            mode="markers",
            name=level.label.get(lang),
            marker=marker,
            text=[html.escape(p[4]) for p in chosen],  # plotly renders <a> and <br> in text
            hovertemplate="%{text}<extra></extra>",
        )
        if tiles:
            fig.add_scattermap(lat=[p[0] for p in chosen], lon=[p[1] for p in chosen], **common)
        else:
            marker["line"] = dict(width=0.5, color="#333")
            fig.add_scatter(x=[p[1] for p in chosen], y=[p[0] for p in chosen], **common)
    names = dict(
        mode="markers+text",
        text=[html.escape(c[2]) for c in centroids],
        textposition="bottom right",
        marker=dict(size=5, color="#222"),
        textfont=dict(size=11, color="#222"),
        showlegend=False,
        hoverinfo="skip",
    )
    if tiles:
        fig.add_scattermap(lat=[c[0] for c in centroids], lon=[c[1] for c in centroids], **names)
        lats = [p[0] for p in points] or [c[0] for c in centroids] or [21.27]
        lons = [p[1] for p in points] or [c[1] for c in centroids] or [106.2]
        fig.update_layout(
            map=dict(
                style=style,
                center=dict(lat=(min(lats) + max(lats)) / 2, lon=(min(lons) + max(lons)) / 2),
                zoom=8.6,
            )
        )
    else:
        fig.add_scatter(x=[c[1] for c in centroids], y=[c[0] for c in centroids], **names)
        fig.update_xaxes(title="", showgrid=True, zeroline=False)
        fig.update_yaxes(title="", showgrid=True, zeroline=False, scaleanchor="x", scaleratio=1.07)
    return _layout(fig, title, height=560, lang=lang)
