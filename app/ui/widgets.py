"""Small shared pieces: level badges, the reconstructed-rules banner, service errors."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, NoReturn

import streamlit as st

from app.assessment.schema import Level, RuleSet
from app.services.errors import ServiceError
from app.services.failures import log_failure
from app.services.filing.assessments import ReviewView
from app.ui.session import lang, tr


def _text_colour(background: str) -> str:
    r, g, b = (int(background[i : i + 2], 16) for i in (1, 3, 5))
    return "#111" if (0.299 * r + 0.587 * g + 0.114 * b) > 140 else "#fff"


def level_html(level: Level) -> str:
    label = html.escape(level.label.get(lang()))
    return (
        f'<span class="zr-level zr-level-{level.id}" style="background:{level.color};'
        f"color:{_text_colour(level.color)};padding:.15em .7em;border-radius:1em;"
        f'font-weight:600;white-space:nowrap">{label}</span>'
    )


def level_badge(level: Level, prefix: str = "") -> None:
    st.markdown(f"{html.escape(prefix)} {level_html(level)}", unsafe_allow_html=True)


FIGURES_STYLE = """<style>
.zr-figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(8rem,1fr));gap:.5rem 1rem;
  margin:0 0 .75rem 0}
.zr-figures>div{min-width:0}
.zr-figures>div[style]{border-left:.3rem solid;padding-left:.5rem}
.zr-figures dt{font-size:.875rem;opacity:.75;font-weight:400}
.zr-figures dd{margin:0;font-size:1.75rem;line-height:1.3;overflow-wrap:anywhere;
  font-variant-numeric:tabular-nums}
.zr-figures dd.zr-note{font-size:.875rem;opacity:.75;line-height:1.4}
</style>"""


class Figure(NamedTuple):
    """One headline figure: what it counts, the figure in the page's language, an optional note
    under it (a share, a comparison) and an optional colour (a risk level's) for its edge."""

    label: str
    value: str
    note: str = ""
    colour: str = ""


def headline_figures(figures: Sequence[tuple[str, str] | Figure]) -> None:
    """A row of labelled figures in HTML, which wraps onto more rows on a phone and never cuts a
    figure short. `st.metric` draws through a front-end component whose code a new session's
    browser fetches and lays out before the figures show: on the Result page that was about 0.06 s
    of the 0.26 s from the click to the page drawn, on the Overview (thirteen of them) more
    (`python -m bench browser`, docs/benchmarks.md)."""
    items = []
    for figure in figures:
        label, value, note, colour = Figure(*figure)
        edge = f' style="border-color:{html.escape(colour)}"' if colour else ""
        note_html = f'<dd class="zr-note">{html.escape(note)}</dd>' if note else ""
        items.append(
            f"<div{edge}><dt>{html.escape(label)}</dt><dd>{html.escape(value)}</dd>{note_html}</div>"
        )
    st.markdown(f'{FIGURES_STYLE}<dl class="zr-figures">{"".join(items)}</dl>', unsafe_allow_html=True)


def reconstructed_banner(ruleset: RuleSet) -> None:
    """Said wherever a rule set with reconstructed parts is used (RULESETS.md)."""
    if not ruleset.complete and ruleset.incomplete_note:
        st.warning(ruleset.incomplete_note.get(lang()), icon="⚠️")
    elif ruleset.has_reconstructed:
        st.info(tr("banner.reconstructed", title=ruleset.title.get(lang())), icon="ℹ️")


def service_error(error: ServiceError) -> None:
    st.error(error.text(lang()))


def database_failure(error: Exception) -> None:
    """An error nobody planned for (the database down, a constraint the services missed): logged
    with a reference but no values (`app.services.failures`), and shown as a message the user can
    quote to support, never a trace."""
    reference = log_failure(error)
    st.error(tr("error.database", reference=reference))


def signed_by(review: ReviewView) -> str:
    """A review's signature as the company reads it, escaped: the person and the agency."""
    from app.ui.text import plain

    return plain(review.signed(tr(f"role.{review.agency}") if review.agency else ""))


def choose_many(
    label: str, options: Sequence[Any], format_func: Callable[[Any], str] = str, key: str | None = None
) -> list[Any]:
    """A multiselect in the page's language: Streamlit's own placeholder and "Select all" are English."""
    return st.multiselect(
        label, options, format_func=format_func, key=key, placeholder=tr("common.choose"), select_all=False
    )


def stop_on_problems(problems: list[tuple[str, str]]) -> None:
    """An import's problems by cell, in a table, and the page stops there: nothing can be loaded
    from a file that has any."""
    if not problems:
        return
    import pandas as pd

    from app.ui.grid import data_table

    st.error(tr("admin.companies.problems", count=len(problems)))
    from app.i18n.messages import in_language

    rows = [
        {tr("admin.companies.cell"): cell, tr("admin.companies.problem"): in_language(words, lang())}
        for cell, words in problems
    ]
    data_table(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.stop()


def stop_on_bad_request(error: Exception) -> NoReturn:
    """A service's refusal in the reader's words, or "this link is not valid" for an address whose
    number is not one; the page stops there."""
    from app.services.errors import ServiceError

    if isinstance(error, ServiceError):
        service_error(error)
    else:
        st.error(tr("error.bad_link"))
    st.stop()
