"""How a questionnaire is laid out: each input is asked once, under the first criterion that reads it,
so a figure like the headcount is typed once even though four criteria use it. Questions read only by
a condition that must hold come last, under the conditions' own section.

Given the answers saved so far, a question its `depends_on` hides is left out, a criterion or a
condition with nothing left to ask disappears, and so does a section with nothing left: the form asks
exactly what the scorer will read. A value the system fills in (the area's epidemic level) is never
asked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.assessment.applicability import Applicability
from app.assessment.schema import Input, RuleSet, Text, rule_inputs

CONDITIONS_SECTION = "conditions"
CONDITIONS_TITLE = Text(vi="Điều kiện hoạt động", en="Operating conditions")


@dataclass(frozen=True)
class CriterionBlock:
    """A heading and the questions asked under it: a scored criterion (with its maximum), or a
    condition that must hold (no maximum)."""

    id: str
    title: Text
    inputs: tuple[Input, ...]
    max: int | None = None
    help: Text | None = None


@dataclass(frozen=True)
class SectionBlock:
    id: str
    title: Text
    blocks: tuple[CriterionBlock, ...]

    @property
    def input_ids(self) -> tuple[str, ...]:
        return tuple(i.id for b in self.blocks for i in b.inputs)


def _bounds_first(inputs: list[Input]) -> list[Input]:
    """A figure asked after the one that bounds it: smartphone owners, then Bluezone installs among
    them (a ratio's rule reads the part before the whole)."""
    asked = {i.id for i in inputs}
    ordered: list[Input] = []

    def place(item: Input) -> None:
        ordered.append(item)
        for bounded in inputs:
            if bounded.le_input == item.id and bounded not in ordered:
                place(bounded)

    for item in inputs:
        if item.le_input not in asked and item not in ordered:
            place(item)
    return ordered + [i for i in inputs if i not in ordered]  # a cycle keeps its written order


def questionnaire(ruleset: RuleSet, answers: Mapping[str, object] | None = None) -> list[SectionBlock]:
    """The sections as asked; with `answers`, only what those answers make applicable."""
    hidden = Applicability(ruleset).hidden(answers) if answers is not None else frozenset()
    seen: set[str] = {i.id for i in ruleset.inputs if i.provided_by}
    sections = []
    for section in ruleset.sections:
        blocks = []
        for criterion in section.criteria:
            reads = rule_inputs(criterion.rule)
            if any(i in hidden for i in reads):
                continue  # not asked: neither its questions nor its points
            new = _bounds_first([ruleset.input(i) for i in reads if i not in seen])
            seen.update(i.id for i in new)
            blocks.append(
                CriterionBlock(criterion.id, criterion.title, tuple(new), criterion.max, criterion.help)
            )
        if blocks:
            sections.append(SectionBlock(section.id, section.title, tuple(blocks)))
    condition_blocks = []
    for condition in ruleset.conditions:
        if condition.evidence in seen or condition.evidence in hidden:
            continue
        seen.add(condition.evidence)
        condition_blocks.append(
            CriterionBlock(condition.id, condition.title, (ruleset.input(condition.evidence),))
        )
    if condition_blocks:
        sections.append(SectionBlock(CONDITIONS_SECTION, CONDITIONS_TITLE, tuple(condition_blocks)))
    return sections
