"""The questionnaire's layout: each input asked once, under the first criterion that reads it."""

from __future__ import annotations

from app.assessment import registry
from app.assessment.layout import questionnaire


def test_each_input_is_asked_exactly_once_in_section_order() -> None:
    for loaded in registry.latest():
        layout = questionnaire(loaded.ruleset)
        asked = [i for block in layout for i in block.input_ids]
        assert sorted(asked) == sorted({i.id for i in loaded.ruleset.inputs})
        assert len(asked) == len(set(asked))
        assert [b.section.id for b in layout] == [s.id for s in loaded.ruleset.sections]


def test_the_headcount_is_asked_under_the_first_criterion_that_reads_it() -> None:
    layout = questionnaire(registry.get("bg-kcn-2021").ruleset)
    first = layout[0].blocks[0]
    assert first.criterion.id == "CS1" and [i.id for i in first.inputs] == ["workers"]
