"""How a questionnaire is laid out: each input is asked once, under the first criterion that reads it,
so a figure like the headcount is typed once even though four criteria use it."""

from __future__ import annotations

from dataclasses import dataclass

from app.assessment.schema import Criterion, Input, RuleSet, Section, rule_inputs


@dataclass(frozen=True)
class CriterionBlock:
    criterion: Criterion
    inputs: tuple[Input, ...]


@dataclass(frozen=True)
class SectionBlock:
    section: Section
    blocks: tuple[CriterionBlock, ...]

    @property
    def input_ids(self) -> tuple[str, ...]:
        return tuple(i.id for b in self.blocks for i in b.inputs)


def questionnaire(ruleset: RuleSet) -> list[SectionBlock]:
    seen: set[str] = set()
    sections = []
    for section in ruleset.sections:
        blocks = []
        for criterion in section.criteria:
            new = [ruleset.input(i) for i in rule_inputs(criterion.rule) if i not in seen]
            seen.update(i.id for i in new)
            blocks.append(CriterionBlock(criterion, tuple(new)))
        sections.append(SectionBlock(section, tuple(blocks)))
    return sections
