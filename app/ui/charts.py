"""Plotly figures. Each answers one question and says which in its title."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from app.assessment.schema import RuleSet

FONT = dict(family="Inter, 'Segoe UI', 'Noto Sans', Arial, sans-serif", size=13)


def _layout(fig: go.Figure, title: str, height: int = 360) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left"),
        height=height,
        margin=dict(l=10, r=10, t=50, b=10),
        font=FONT,
        legend=dict(orientation="h", yanchor="bottom", y=-0.25, x=0),
    )
    return fig


def section_points(
    sections: Sequence[tuple[str, int, int]], title: str, points_label: str, max_label: str
) -> go.Figure:
    """Points by section against the maximum: where the risk comes from."""
    names = [s[0] for s in sections]
    fig = go.Figure()
    fig.add_bar(y=names, x=[s[2] for s in sections], orientation="h", name=max_label, marker_color="#e0e0e0")
    fig.add_bar(
        y=names, x=[s[1] for s in sections], orientation="h", name=points_label, marker_color="#d95f02"
    )
    fig.update_layout(barmode="overlay", yaxis=dict(autorange="reversed"))
    return _layout(fig, title, height=80 + 45 * len(sections))


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
        hovertemplate="%{x}<br>%{y:.2f}%<br>%{text}<extra></extra>",
        showlegend=False,
    )
    fig.update_yaxes(range=[0, 100], ticksuffix="%")
    return _layout(fig, title)
