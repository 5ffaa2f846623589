"""The province view's figures per kind of area: the headline sums and the table."""

from __future__ import annotations

import pandas as pd

from app.services.oversight.monitoring import AreaRow
from app.ui.format import number, percent
from app.ui.session import lang, tr
from app.ui.widgets import Figure


def summary(areas: list[AreaRow], high_levels: list[str]) -> list[Figure]:
    """The headline sums of one kind of area, as the Overview writes them (the share filed under
    the count filed)."""
    expected = sum(a.expected for a in areas)
    submitted = sum(a.submitted for a in areas)
    phones = sum(a.smartphone_owners for a in areas)
    workers = sum(a.workers for a in areas)
    language = lang()
    return [
        Figure(tr("overview.expected"), number(expected, language)),
        Figure(
            tr("overview.submitted"),
            number(submitted, language),
            percent(submitted / expected if expected else None, language),
        ),
        Figure(
            tr("overview.col.high"),
            number(sum(a.levels.get(lv, 0) for a in areas for lv in high_levels), language),
        ),
        Figure(
            tr("overview.bluezone"),
            percent(sum(a.bluezone_installed for a in areas) / phones if phones else None, language),
        ),
        Figure(
            tr("overview.health"),
            percent(sum(a.health_declared for a in areas) / workers if workers else None, language),
        ),
    ]


def table(areas: list[AreaRow], high_levels: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                tr("overview.col.area"): a.zone_name,
                tr("overview.expected"): a.expected,
                tr("overview.submitted"): a.submitted,
                tr("overview.missing"): a.expected - a.submitted,
                tr("overview.col.high"): sum(a.levels.get(lv, 0) for lv in high_levels),
                tr("overview.bluezone"): percent(a.bluezone_share, lang()),
                tr("overview.health"): percent(a.health_share, lang()),
            }
            for a in areas
        ]
    )
