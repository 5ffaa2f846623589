"""Tables shown on several pages: submissions, and why two submissions differ."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from app import formatting
from app.assessment.schema import RuleSet
from app.formatting import round_name
from app.scoring.compare import compare
from app.services.filing import assessments
from app.services.filing.assessments import AssessmentView
from app.ui.format import index, rn, signed, when
from app.ui.grid import static_table
from app.ui.questionnaire import shown_answer
from app.ui.session import lang, tr


def submissions_table(
    submissions: Sequence[AssessmentView], ruleset: RuleSet, with_operate: bool = False
) -> None:
    labels = {lv.id: lv.label.get(lang()) for lv in ruleset.levels}
    rows = []
    for s in submissions:
        row = {
            tr("history.col.round"): rn(s.period_name),
            tr("history.col.submitted"): when(s.submitted_at),
            tr("history.col.status"): tr(f"status.{s.status}")
            + ("" if s.is_latest else f" ({tr('history.replaced')})"),
            tr("result.index"): s.risk_index,
            tr("table.level"): labels.get(s.level or "", s.level),
        }
        if with_operate:
            row[tr("result.may_operate")] = tr("common.yes") if s.may_operate else tr("common.no")
        rows.append(row)
    # in HTML: a company's submissions are a round or two a week, read in order, never sorted; the
    # grid's code was most of what the detail page drew beyond an empty page (`bench browser`)
    static_table(pd.DataFrame(rows), numbers={tr("result.index"): "index"})


def submission_labels(submissions: Sequence[AssessmentView]) -> Callable[[int], str]:
    """A picker's label for the n-th submission: round · when · index, in the page's language,
    read now (AppTest calls format functions outside the script run, where the language is not
    known)."""
    language = lang()

    def describe(n: int) -> str:
        s = submissions[n]
        shown = formatting.index(s.risk_index, language)
        return (
            f"{round_name(s.period_name, language)} · {formatting.when(s.submitted_at, language)} · {shown}"
        )

    return describe


def comparison_picker(submissions: Sequence[AssessmentView], ruleset: RuleSet, key: str) -> None:
    """Pick any two submissions; show which answers moved which criteria, and by how much."""
    st.subheader(tr("history.compare"))
    options = list(range(len(submissions)))

    describe = submission_labels(submissions)

    cols = st.columns(2)
    older = cols[0].selectbox(
        tr("history.before"), options, index=min(1, len(options) - 1), format_func=describe, key=f"{key}_a"
    )
    newer = cols[1].selectbox(tr("history.after"), options, index=0, format_func=describe, key=f"{key}_b")
    before, after = submissions[older], submissions[newer]
    comparison = compare(assessments.result_of(before), assessments.result_of(after))
    from app.ui.widgets import level_html

    st.markdown(
        tr(
            "history.summary",
            before=index(before.risk_index, lang()),
            after=index(after.risk_index, lang()),
            delta=signed(comparison.index_delta, lang(), 2),
            points=signed(comparison.delta, lang()),
        )
        + f" {level_html(comparison.before.level)} → {level_html(comparison.after.level)}",
        unsafe_allow_html=True,
    )
    if not comparison.changes:
        st.info(tr("history.no_change"))
        return
    inputs = {i.id: i for i in ruleset.inputs}
    static_table(  # the answers that changed are sentences, which the grid cut short
        pd.DataFrame(
            [
                {
                    tr("result.col.criterion"): f"{c.criterion_id} · {c.title.get(lang())}",
                    tr("history.col.before"): c.points_before,
                    tr("history.col.after"): c.points_after,
                    tr("history.col.delta"): c.delta,
                    tr("history.col.answers"): "; ".join(
                        f"{inputs[i].label.get(lang())}: {shown_answer(inputs[i], before.answers.get(i))}"
                        f" → {shown_answer(inputs[i], after.answers.get(i))}"
                        for i in c.changed_inputs
                        if i in inputs
                    ),
                }
                for c in comparison.changes
            ]
        )
    )
