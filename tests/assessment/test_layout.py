"""The questionnaire's layout: each input asked once, under the first criterion that reads it."""

from __future__ import annotations

from app.assessment import registry
from app.assessment.layout import questionnaire


def test_each_input_is_asked_exactly_once_in_section_order() -> None:
    for loaded in registry.latest():
        layout = questionnaire(loaded.ruleset)
        asked = [i for block in layout for i in block.input_ids]
        # every question but what the system fills in (the area's epidemic level)
        assert sorted(asked) == sorted({i.id for i in loaded.ruleset.inputs if not i.provided_by})
        assert len(asked) == len(set(asked))
        sections = [s.id for s in loaded.ruleset.sections]
        if loaded.ruleset.conditions:
            sections.append("conditions")  # the questions only conditions read come last
        assert [b.id for b in layout] == sections


def test_the_headcount_is_asked_under_the_first_criterion_that_reads_it() -> None:
    layout = questionnaire(registry.get("bg-kcn-2021").ruleset)
    first = layout[0].blocks[0]
    assert first.id == "CS1" and first.max == 10 and [i.id for i in first.inputs] == ["workers"]


def test_the_area_level_decides_which_condition_questions_are_asked() -> None:
    """A level-1 area is not asked about screening, and its conditions section holds only the
    lockdown plan; at level 3 the screening questions are asked; no level asks the level."""
    ruleset = registry.get("bg-kcn-dk-2021").ruleset

    def asked(level: str) -> list[str]:
        layout = questionnaire(ruleset, {"epidemic_level": level})
        return [i for block in layout for i in block.input_ids]

    assert "epidemic_level" not in asked("3")
    assert not {"screening_interval_days", "screening_coverage_pct", "risk_controlled_pct"} & set(asked("1"))
    assert {"risk_controlled_pct"} <= set(asked("2")) and "screening_interval_days" not in asked("2")
    assert {"screening_interval_days", "screening_coverage_pct", "risk_controlled_pct"} <= set(asked("3"))
    assert asked("1")[-1] == "lockdown_plan"


def test_a_figure_is_asked_after_the_one_that_bounds_it() -> None:
    """Issue 26: Bluezone installs were asked before the smartphone owners they are counted among.
    In every shipped set, an input bounded by another in its section comes right after it."""
    from app.assessment import registry
    from app.assessment.layout import questionnaire

    for loaded in registry.latest():
        for block in questionnaire(loaded.ruleset):
            ids = list(block.input_ids)
            for position, input_id in enumerate(ids):
                bound = loaded.ruleset.input(input_id).le_input
                if bound in ids:
                    assert ids.index(bound) < position, (loaded.ruleset.id, ids)
    digital = questionnaire(registry.get("bg-kcn-2021").ruleset)[-1].input_ids
    assert digital[:2] == ("smartphone_owners", "bluezone_installed")
