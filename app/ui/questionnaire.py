"""The questionnaire's pieces: the answer widget (shared with What if), the step navigation driven
by `app.assessment.progress`, one section's form, and the review that shows the answers before
the result. The page keeps only the selected step; everything else is read from the saved draft."""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from app.assessment.answers import Problem
from app.assessment.layout import SectionBlock
from app.assessment.progress import Progress
from app.assessment.schema import Input, RuleSet
from app.formatting import quantity, read_number, typed_number
from app.ui.session import lang, tr
from app.ui.text import plain


def answer_input(item: Input, key: str, current: object, widget: str = "radio") -> Any:
    """One answer as the rule set describes it; bounds come from the rule set (with the realistic
    maxima of limits.yaml), so the browser refuses what the scorer would."""
    label = item.label.get(lang())
    help_text = item.help.get(lang()) if item.help else None
    if item.kind == "choice":
        options = item.option_ids()
        labels = {o.id: o.label.get(lang()) for o in item.options or []}
        index = options.index(current) if isinstance(current, str) and current in options else None
        if widget == "radio":
            return st.radio(
                label, options, index=index, format_func=labels.__getitem__, help=help_text, key=key
            )
        return st.selectbox(
            label, options, index=index, format_func=labels.__getitem__, help=help_text, key=key
        )
    number = current if isinstance(current, (int, float)) and not isinstance(current, bool) else None
    if item.kind == "integer":
        upper = item.domain().upper()
        return st.number_input(
            label,
            value=None if number is None else int(number),
            max_value=None if upper is None else int(upper[0]),
            step=1,
            format="%d",
            help=help_text,
            key=key,
            placeholder="—",
        )
    # a decimal is typed as text: Streamlit's number field writes 22998.50 whatever the language,
    # where a Vietnamese reader writes and reads 22.998,5 (issue 26); a text that is no number
    # is kept and refused by the check with the others, never dropped
    shown = (
        typed_number(number, lang()) if number is not None else current if isinstance(current, str) else ""
    )
    # the language is in the key: a field keeps its text across reruns, and a switch of language
    # must show the saved figure the new way rather than the old text read the new way
    typed = st.text_input(label, value=shown, help=help_text, key=f"{key}_{lang()}", placeholder="—")
    return read_number(typed, lang())


def navigation(state: Progress, titles: list[str], key: str, last: str | None = None) -> int:
    """The steps with their marks. The radio's key carries the current step, so a step the page
    chose (after a save) is always the one shown, and a click is always the one obeyed; and the
    labels themselves: Streamlit keeps a radio's choice as its label's text, so a mark that turned
    ✓ to ✗ after an error, or a switch of language, left no step selected (issue 26)."""
    labels = [
        f"{n + 1}. {title} {m.symbol}" for n, (title, m) in enumerate(zip(titles, state.marks, strict=True))
    ]
    labels.append(f"{state.review + 1}. {last or tr('assessment.review_step')}")
    return int(
        st.radio(
            tr("assessment.sections"),
            range(len(labels)),
            index=state.step,
            format_func=labels.__getitem__,
            horizontal=True,
            key=f"{key}_{state.step}_{zlib.crc32('|'.join(labels).encode()):08x}",
        )
    )


def section_form(
    block: SectionBlock, answers: Mapping[str, Any], problems: Mapping[str, list[Problem]], key: str
) -> tuple[dict[str, Any], bool, bool]:
    """(the values typed, "save draft" clicked, "save and continue" clicked)."""
    values: dict[str, Any] = {}
    with st.form(f"{key}_{block.id}", enter_to_submit=False):
        for criterion_block in block.blocks:
            # an uploaded rule set's words are text, not HTML or Markdown
            heading = f"**{plain(criterion_block.id)} · {plain(criterion_block.title.get(lang()))}**"
            if criterion_block.max is not None:
                most = tr("assessment.max_points", max=criterion_block.max)
                heading += f" <span style='color:#777'>({most})</span>"
            else:
                heading = f"**{plain(criterion_block.title.get(lang()))}** · {tr('assessment.must_hold')}"
            st.markdown(heading, unsafe_allow_html=True)
            if criterion_block.help:
                st.caption(plain(criterion_block.help.get(lang()), limit=2000))
            for item in criterion_block.inputs:
                values[item.id] = answer_input(item, f"in_{key}_{item.id}", answers.get(item.id))
                for problem in problems.get(item.id, []):
                    st.error(problem_sentence(problem))
        left, right = st.columns(2)
        save_only = left.form_submit_button(
            tr("assessment.save_draft"), icon=":material/save:", width="stretch"
        )
        save_next = right.form_submit_button(tr("assessment.save_next"), type="primary", width="stretch")
    return values, save_only, save_next


def problem_sentence(problem: Problem) -> str:
    """What is wrong with an answer as a sentence under its field: capitalised, and with what is
    allowed only where the message does not already say it (two figures that disagree name the
    other figure once, not twice)."""
    message = problem.message.get(lang())
    sentence = message[:1].upper() + message[1:]
    if "«" in message:
        return sentence + "."
    return f"{sentence}. {tr('assessment.allowed')}: {problem.allowed.get(lang())}."


def merged(saved: Mapping[str, Any], values: Mapping[str, Any], input_ids: Sequence[str]) -> dict[str, Any]:
    """The saved answers with a section's typed values: a field left empty clears its answer."""
    out = {**saved, **{k: v for k, v in values.items() if v is not None}}
    for input_id in input_ids:
        if values.get(input_id) is None:
            out.pop(input_id, None)
    return out


def shown_answer(item: Input, value: object) -> str:
    if value is None:
        return "—"
    if item.kind == "choice":
        return next((o.label.get(lang()) for o in item.options or [] if o.id == value), str(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return quantity(value, lang(), item.unit.get(lang()) if item.unit else "")
    return str(value)


def answers_table(ruleset: RuleSet, layout: list[SectionBlock], answers: Mapping[str, Any]) -> None:
    """Every answer, section by section, as the reviewer (the company, then the official) reads it."""
    for block in layout:
        with st.expander(block.title.get(lang()), expanded=True):
            for item_id in block.input_ids:
                item = ruleset.input(item_id)
                shown = plain(shown_answer(item, answers.get(item_id)))
                st.markdown(f"{item.label.get(lang())}: **{shown}**")
